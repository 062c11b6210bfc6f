from django.urls import path

from jpo.web import views

urlpatterns = [
    path("about/", views.about, name="about"),
]

"""Sign-up and profile pages, under /accounts/ beside the other account pages (namespace `applicant`)."""

from django.urls import path

from jpo.applications import views

app_name = "applicant"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup_sent"),
    path("profile/", views.profile, name="profile"),
]

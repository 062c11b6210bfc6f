from django.urls import path

from jpo.desk import views

app_name = "desk"

urlpatterns = [
    path("applications/", views.applications, name="applications"),
    path("applications.<str:fmt>", views.applications_export, name="applications_export"),
    path("applications/<int:pk>/dossier.pdf", views.dossier, name="dossier"),
    path("applicants/<int:pk>/", views.applicant, name="applicant"),
]

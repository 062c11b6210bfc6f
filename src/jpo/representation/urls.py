from django.urls import path

from jpo.representation import views

app_name = "representation"

urlpatterns = [
    path("", views.status_page, name="status"),
    path("export.csv", views.export, {"file_format": "csv"}, name="export_csv"),
    path("export.xlsx", views.export, {"file_format": "xlsx"}, name="export_xlsx"),
    path("what-if/", views.whatif_page, name="whatif"),
]

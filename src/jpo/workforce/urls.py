from django.urls import path

from jpo.workforce import views

app_name = "workforce"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("charts/<slug:name>.svg", views.chart_svg, name="chart"),
    path("tables/<slug:slug>.<str:fmt>", views.table_export, name="table_export"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
    path("imports/", views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/errors.csv", views.import_errors, name="import_errors"),
]

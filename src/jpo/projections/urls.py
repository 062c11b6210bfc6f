from django.urls import path

from jpo.projections import views

app_name = "projections"

urlpatterns = [
    path("", views.index, name="index"),
    path("chart.svg", views.chart_svg, name="chart"),
    path("projections.csv", views.export_csv, name="export"),
    path("scenarios/new/", views.scenario_edit, name="scenario_new"),
    path("scenarios/<int:pk>/", views.scenario_edit, name="scenario_edit"),
    path("scenarios/<int:pk>/delete/", views.scenario_remove, name="scenario_delete"),
    path("targets/new/", views.target_new, name="target_new"),
]

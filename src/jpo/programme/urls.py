"""The officer's programme pages (cycles and their rules)."""

from django.urls import path

from jpo.programme.views import cycles

app_name = "programme"

urlpatterns = [
    path("cycles/", cycles.cycle_list, name="cycle_list"),
    path("cycles/new/", cycles.cycle_create, name="cycle_create"),
    path("cycles/<int:fy>/", cycles.cycle_detail, name="cycle"),
    path("cycles/<int:fy>/edit/", cycles.cycle_edit, name="cycle_edit"),
]

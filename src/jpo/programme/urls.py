"""The officer's programme pages (cycles and their rules)."""

from django.urls import path

from jpo.programme.views import cycles, rules

app_name = "programme"

urlpatterns = [
    path("cycles/", cycles.cycle_list, name="cycle_list"),
    path("cycles/new/", cycles.cycle_create, name="cycle_create"),
    path("cycles/<int:fy>/", cycles.cycle_detail, name="cycle"),
    path("cycles/<int:fy>/edit/", cycles.cycle_edit, name="cycle_edit"),
    path("cycles/<int:fy>/rules/", rules.rules_overview, name="rules"),
    path("cycles/<int:fy>/rules/draft/", rules.rules_draft_create, name="rules_draft"),
    path("cycles/<int:fy>/rules/preview/", rules.impact_preview, name="rules_preview"),
    path("cycles/<int:fy>/rules/publish/", rules.rules_publish, name="rules_publish"),
    path("cycles/<int:fy>/rules/<slug:name>/", rules.parameter_edit, name="parameter"),
]

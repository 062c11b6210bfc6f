"""The officer's programme pages (cycles and their rules). `jpo.urls` mounts them with
`jpo.selection.rule_urls` (the rules overview, impact preview and publishing) in one namespace."""

from django.urls import path

from jpo.programme.views import cycles, rules

app_name = "programme"

urlpatterns = [
    path("cycles/", cycles.cycle_list, name="cycle_list"),
    path("cycles/new/", cycles.cycle_create, name="cycle_create"),
    path("cycles/<int:fy>/", cycles.cycle_detail, name="cycle"),
    path("cycles/<int:fy>/edit/", cycles.cycle_edit, name="cycle_edit"),
    path("cycles/<int:fy>/rules/draft/", rules.rules_draft_create, name="rules_draft"),
    path("cycles/<int:fy>/rules/<slug:name>/", rules.parameter_edit, name="parameter"),
]

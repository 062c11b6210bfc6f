"""The rule-set pages of `jpo.selection.views.rules`, mounted by `jpo.urls` in the `programme` namespace
beside `jpo.programme.urls` (ahead of it: its `rules/<name>/` would take `preview/` and `publish/`)."""

from django.urls import path

from jpo.selection.views import rules

urlpatterns = [
    path("cycles/<int:fy>/rules/", rules.rules_overview, name="rules"),
    path("cycles/<int:fy>/rules/preview/", rules.impact_preview, name="rules_preview"),
    path("cycles/<int:fy>/rules/publish/", rules.rules_publish, name="rules_publish"),
]

"""Navigation by role: each role sees the entries it may open, nothing more."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jpo.accounts import access
from jpo.accounts.models import Role

# (label, url name, roles allowed; None means every signed-in user)
NAVIGATION: list[tuple[Any, str, frozenset[str] | None]] = [
    (_("Home"), "home", None),
    (_("My applications"), "portal:home", frozenset({Role.APPLICANT})),
    (_("Profile"), "accounts:profile", frozenset({Role.APPLICANT})),
    (_("Administration"), "admin:index", frozenset({Role.OFFICER})),
    (_("Possible duplicates"), "portal:officer_duplicates", frozenset({Role.OFFICER})),
    (_("Eligibility to review"), "portal:officer_needs_review", frozenset({Role.OFFICER})),
    (_("Workforce statistics"), "workforce:dashboard", frozenset({Role.OFFICER, Role.ANALYST})),
    (_("Census import"), "workforce:import_upload", frozenset({Role.OFFICER})),
    (_("Projections"), "projections:index", frozenset({Role.OFFICER, Role.ANALYST})),
    (_("API"), "api:openapi-view", frozenset({Role.OFFICER, Role.ANALYST})),
    (_("Representation"), "representation:status", frozenset({Role.OFFICER, Role.ANALYST})),
    (_("Selection"), "selection:officer_home", frozenset({Role.OFFICER})),
    (_("Cycles and rules"), "programme:cycle_list", frozenset({Role.OFFICER})),
    (_("My reviews"), "selection:my_reviews", frozenset({Role.REVIEWER})),
    (_("My interviews"), "selection:my_interviews", frozenset({Role.REVIEWER})),
    (_("Forwarded candidates"), "selection:focal_candidates", frozenset({Role.FOCAL_POINT})),
    (_("Placement"), "placement:index", frozenset({Role.OFFICER, Role.FOCAL_POINT, Role.MINISTRY_HR})),
    (_("Written task and interview"), "selection:my_stage_two", frozenset({Role.APPLICANT})),
    (_("My offers"), "placement:offer_list", frozenset({Role.APPLICANT})),
    (_("Civil servants on dispatch"), "placement:secondment_list", frozenset({Role.MINISTRY_HR})),
    (_("Endorsement requests"), "portal:ministry_endorsements", frozenset({Role.MINISTRY_HR})),
    (_("Retention"), "placement:retention", frozenset({Role.OFFICER, Role.ANALYST})),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    items = []
    if user.is_authenticated:
        for label, name, roles in NAVIGATION:
            if roles is None or access.has_role(user, *roles):
                url = reverse(name)
                items.append({"label": label, "url": url, "active": request.path == url})
    # Templates ask the access module, never compare roles themselves (superusers are officers too).
    return {"nav_items": items, "viewer_is_officer": access.is_officer(user)}

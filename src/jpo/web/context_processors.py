"""Navigation by role: each role sees the entries it may open, grouped, nothing more; and the breadcrumb
trail (home, then the navigation entry the page belongs to)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jpo.accounts import access
from jpo.accounts.models import Role

Entry = tuple[Any, str, frozenset[str] | None]  # (label, url name, roles allowed; None: every signed-in user)

OFFICER = frozenset({Role.OFFICER})
READERS = frozenset({Role.OFFICER, Role.ANALYST})

# (group heading or None, entries). A group whose entries the user may not open is left out.
NAVIGATION: list[tuple[Any, list[Entry]]] = [
    (None, [(_("Home"), "home", None)]),
    (
        pgettext_lazy("navigation group", "My application"),
        [
            (_("My applications"), "portal:home", frozenset({Role.APPLICANT})),
            (_("Written task and interview"), "selection:my_stage_two", frozenset({Role.APPLICANT})),
            (_("My offers"), "placement:offer_list", frozenset({Role.APPLICANT})),
            (_("Profile"), "applicant:profile", frozenset({Role.APPLICANT})),
        ],
    ),
    (
        pgettext_lazy("navigation group", "My assignments"),
        [
            (_("My reviews"), "selection:my_reviews", frozenset({Role.REVIEWER})),
            (_("My interviews"), "selection:my_interviews", frozenset({Role.REVIEWER})),
        ],
    ),
    (
        pgettext_lazy("navigation group", "Selection"),
        [
            (_("Applications"), "desk:applications", OFFICER),
            (_("Cycles and rules"), "programme:cycle_list", OFFICER),
            (_("Selection"), "selection:officer_home", OFFICER),
            (_("Reviewers and interviewers"), "selection:people", OFFICER),
            (_("Eligibility to review"), "portal:officer_needs_review", OFFICER),
            (_("Possible duplicates"), "portal:officer_duplicates", OFFICER),
            (_("Forwarded candidates"), "selection:focal_candidates", frozenset({Role.FOCAL_POINT})),
            (_("Endorsement requests"), "portal:ministry_endorsements", frozenset({Role.MINISTRY_HR})),
        ],
    ),
    (
        pgettext_lazy("navigation group", "Placement"),
        [
            (
                _("Placement"),
                "placement:index",
                frozenset({Role.OFFICER, Role.FOCAL_POINT, Role.MINISTRY_HR}),
            ),
            (_("Civil servants on dispatch"), "placement:secondment_list", frozenset({Role.MINISTRY_HR})),
            (_("Retention"), "placement:retention", READERS),
        ],
    ),
    (
        pgettext_lazy("navigation group", "Statistics"),
        [
            (_("Workforce statistics"), "workforce:dashboard", READERS),
            (_("Census import"), "workforce:import_upload", OFFICER),
            (_("Representation"), "representation:status", READERS),
            (_("Projections"), "projections:index", READERS),
        ],
    ),
    (
        pgettext_lazy("navigation group", "System"),
        [
            (_("Administration"), "admin:index", OFFICER),
            (_("API"), "api:openapi-view", READERS),
        ],
    ),
]

# Pages outside the menu that still head a trail (open to everybody).
PUBLIC_SECTIONS: list[tuple[Any, str]] = [
    (_("Calls for applications"), "calls:index"),
    (_("About and sources"), "about"),
]


def _section(path: str, entries: list[tuple[Any, str]]) -> tuple[Any, str] | None:
    """The entry whose URL is the longest prefix of `path` (the home page heads every trail anyway)."""
    best: tuple[Any, str] | None = None
    for label, url in entries:
        if url != "/" and path.startswith(url) and (best is None or len(url) > len(best[1])):
            best = (label, url)
    return best


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    groups = []
    visible: list[tuple[Any, str]] = [(label, reverse(name)) for label, name in PUBLIC_SECTIONS]
    if user.is_authenticated:
        for heading, entries in NAVIGATION:
            items = []
            for label, name, roles in entries:
                if roles is None or access.has_role(user, *roles):
                    url = reverse(name)
                    items.append({"label": label, "url": url, "active": request.path == url})
                    visible.append((label, url))
            if items:
                groups.append({"heading": heading, "items": items})
    section = _section(request.path, visible)
    breadcrumbs = []
    if section is not None:
        breadcrumbs = [
            {"label": _("Home"), "url": reverse("home"), "current": False},
            {"label": section[0], "url": section[1], "current": request.path == section[1]},
        ]
    # Templates ask the access module, never compare roles themselves (superusers are officers too).
    return {"nav_groups": groups, "breadcrumbs": breadcrumbs, "viewer_is_officer": access.is_officer(user)}

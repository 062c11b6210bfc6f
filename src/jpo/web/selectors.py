from __future__ import annotations

from typing import Any

from django.db.models import Count

from jpo.accounts import access
from jpo.applications.models import Application
from jpo.programme.models import Cycle


def home_summary(*, user: Any) -> dict[str, Any]:
    """What the home page shows a signed-in user: only figures their role may see."""
    summary: dict[str, Any] = {}
    if access.is_officer(user):
        summary["cycles"] = list(
            Cycle.objects.annotate(application_count=Count("applications")).order_by("-fiscal_year")[:10]
        )
    if access.is_applicant(user):
        summary["my_applications"] = list(
            access.scope_own_applications(user, Application.objects.all())
            .select_related("cycle", "track")
            .order_by("-cycle__fiscal_year")
        )
    return summary

"""Reviewers and interviewers with their load: reviews assigned and done, interview panels sat on and
interviews scored, in all cycles or one. One query whatever the number of people."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from jpo.accounts.models import Role, User
from jpo.programme.models import Cycle
from jpo.selection.models import InterviewScore, InterviewSlot, ReviewAssignment


def _count(rows: QuerySet[Any], field: str) -> Coalesce:
    """A correlated count of `rows` per person (`field` names the person), as a subquery."""
    counted = (
        rows.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def reviewer_people(*, cycle: Cycle | None = None) -> QuerySet[Any]:
    """Active reviewers / interviewers, each with `assigned`, `reviewed`, `panels` and `scored`."""
    assignments = ReviewAssignment.objects.all()
    slots = InterviewSlot.panel.through.objects.all()
    scores = InterviewScore.objects.all()
    if cycle is not None:
        assignments = assignments.filter(application__cycle=cycle)
        slots = slots.filter(interviewslot__cycle=cycle)
        scores = scores.filter(interview__application__cycle=cycle)
    return (
        User.objects.filter(role=Role.REVIEWER, is_active=True)
        .annotate(
            assigned=_count(assignments, "reviewer"),
            reviewed=_count(assignments.filter(review__isnull=False), "reviewer"),
            panels=_count(slots, "user"),
            scored=_count(scores, "interviewer"),
        )
        .order_by("last_name", "first_name", "username")
    )

"""Reads of the selection process. Every list runs a fixed number of queries, whatever its length."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Avg, Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from jpo.accounts import access
from jpo.accounts.models import AuditEvent, Role, User
from jpo.applications.models import Application
from jpo.applications.workflow import CORRECTIONS, Status
from jpo.core.errors import NotFound
from jpo.programme import windows
from jpo.programme.models import Cycle, Organization, TrackKind
from jpo.selection.models import (
    ConflictOfInterest,
    Interview,
    InterviewScore,
    InterviewSlot,
    Notification,
    Review,
    ReviewAssignment,
    ReviewScore,
    Rubric,
    RubricCriterion,
    Screening,
    ScreeningCriterion,
    ScreeningRun,
    Shortlist,
)
from jpo.selection.selectors.ranking import (
    Ranking,
    RankRow,
    cutoff_splits_tie,
    final_numbered,
    outstanding_reviews,
    rank_row,
    ranked,
    ranking,
)
from jpo.selection.selectors.ranking import narrowed as ranking_narrowed
from jpo.selection.services.order import FORCED, STEPS

__all__ = [
    "RankRow",
    "Ranking",
    "application_for_officer",
    "assignments_for_reviewer",
    "conflicts_for_cycle",
    "cutoff_splits_tie",
    "cycle_get",
    "cycle_overview",
    "cycles_summary",
    "final_list",
    "focal_candidate",
    "focal_candidates",
    "interviews_for_interviewer",
    "my_stage_two",
    "notifications_for_cycle",
    "outstanding_reviews",
    "rank_row",
    "ranked",
    "ranking",
    "ranking_narrowed",
    "review_page",
    "screenings_for_cycle",
    "stage_two_overview",
]


def cycle_get(fiscal_year: int) -> Cycle:
    cycle = Cycle.objects.filter(fiscal_year=fiscal_year).first()
    if cycle is None:
        raise NotFound
    return cycle


# Groups of application statuses counted per cycle on the officer's list of cycles: each counts the
# applications that reached that step, including those that went further. A withdrawn application keeps
# no trace of its step in its status, so it counts as submitted only.
_PAST_SCREENING = (
    Status.ELIGIBLE,
    Status.UNDER_REVIEW,
    Status.SHORTLISTED,
    Status.NOT_SHORTLISTED,
)
_STAGE_TWO = (
    Status.INTERVIEW,
    Status.PASSED,
    Status.NOT_PASSED,
    Status.RECOMMENDED,
    Status.FORWARDED,
    Status.SELECTED,
    Status.NOT_SELECTED,
)


def cycles_summary(*, now: dt.datetime) -> list[dict[str, Any]]:
    """Every cycle, newest first, with its window's stage at `now` and counts of its applications by step.

    Two queries whatever the number of cycles: the cycles, and one aggregate of applications by cycle.
    """
    cycles = list(Cycle.objects.order_by("-fiscal_year"))
    counts: dict[int, dict[str, int]] = {
        row["cycle"]: {k: row[k] for k in ("submitted", "eligible", "stage_two", "selected")}
        for row in Application.objects.order_by()
        .values("cycle")
        .annotate(
            submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
            eligible=Count("pk", filter=Q(status__in=_PAST_SCREENING + _STAGE_TWO)),
            stage_two=Count("pk", filter=Q(status__in=_STAGE_TWO)),
            selected=Count("pk", filter=Q(status=Status.SELECTED)),
        )
    }
    empty = {"submitted": 0, "eligible": 0, "stage_two": 0, "selected": 0}
    return [
        {"cycle": c, "stage": windows.window_stage(c, now), **{k: counts.get(c.pk, empty)[k] for k in empty}}
        for c in cycles
    ]


def cycle_overview(*, cycle: Cycle) -> dict[str, Any]:
    counts = dict(
        Application.objects.filter(cycle=cycle)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    statuses = [(s, s.label, counts.get(s.value, 0)) for s in Status]
    return {
        "cycle": cycle,
        "statuses": statuses,
        "rubric": Rubric.objects.filter(cycle=cycle).first(),
        "shortlist": Shortlist.objects.filter(cycle=cycle).first(),
        "last_run": ScreeningRun.objects.filter(cycle=cycle).first(),
        "forced": forced_steps(cycle=cycle),
    }


def forced_steps(*, cycle: Cycle) -> list[dict[str, Any]]:
    """The steps an officer ran before the application window closed, with who, when and why."""
    events = AuditEvent.objects.filter(
        action=FORCED, target_type=cycle._meta.label_lower, target_id=str(cycle.pk)
    ).select_related("actor")
    return [
        {
            "at": e.at,
            "actor": e.actor,
            "step": STEPS.get(e.data.get("step", ""), e.data.get("step", "")),
            "reason": e.data.get("reason", ""),
        }
        for e in events
    ]


def screenings_for_cycle(*, cycle: Cycle, outcome: str = "") -> QuerySet[Screening]:
    qs = (
        Screening.objects.filter(application__cycle=cycle)
        .select_related("application__applicant", "application__track")
        .prefetch_related(Prefetch("criteria", queryset=ScreeningCriterion.objects.order_by("id")))
        .order_by("application__receipt_number", "application_id")
    )
    if outcome:
        qs = qs.filter(outcome=outcome)
    return qs


def application_for_officer(*, pk: int) -> Application:
    application = (
        Application.objects.select_related("applicant__user", "cycle", "track", "forwarded_to")
        .prefetch_related("degrees", "employment", "language_tests", "documents", "status_changes__actor")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise NotFound
    return application


def conflicts_for_cycle(*, cycle: Cycle) -> QuerySet[ConflictOfInterest]:
    return (
        ConflictOfInterest.objects.filter(application__cycle=cycle)
        .select_related("reviewer", "application__applicant", "recorded_by")
        .order_by("-declared_at")
    )


def assignments_for_reviewer(*, reviewer: User) -> QuerySet[ReviewAssignment]:
    """Only this reviewer's own assignments (the reviewer's whole world)."""
    return (
        access.scope_review_assignments(reviewer, ReviewAssignment.objects.all())
        .select_related("application__applicant", "application__cycle__rubric", "review")
        .order_by("-application__cycle__fiscal_year", "application_id")
    )


def review_page(*, assignment: ReviewAssignment) -> dict[str, Any]:
    application = (
        Application.objects.select_related("applicant", "cycle", "track")
        .prefetch_related("degrees", "employment", "language_tests", "documents")
        .get(pk=assignment.application_id)
    )
    rubric = Rubric.objects.prefetch_related("criteria").get(cycle_id=application.cycle_id)
    review = getattr(assignment, "review", None)
    scores = {}
    if review is not None:
        scores = {s.criterion_id: s.score for s in ReviewScore.objects.filter(review=review)}
    return {"application": application, "rubric": rubric, "review": review, "scores": scores}


def interviews_for_interviewer(*, interviewer: User) -> QuerySet[Interview]:
    mine = InterviewScore.objects.filter(interviewer=interviewer)
    return (
        access.scope_interviews(interviewer, Interview.objects.all())
        .select_related("application__applicant", "application__cycle__rubric", "slot")
        .prefetch_related(Prefetch("scores", queryset=mine, to_attr="my_scores"))
        .order_by("slot__starts_at")
    )


def focal_candidates(*, user: User) -> QuerySet[Application]:
    """Only candidates forwarded to the focal point's organization."""
    return (
        access.scope_forwarded_candidates(user, Application.objects.all())
        .select_related("applicant", "cycle", "track")
        .order_by("-cycle__fiscal_year", "receipt_number")
    )


def focal_candidate(*, user: User, pk: int) -> Application:
    application = (
        focal_candidates(user=user)
        .prefetch_related("degrees", "employment", "language_tests", "documents")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise NotFound
    return application


FORWARD_STATUSES = (Status.SHORTLISTED, Status.FORWARDED, Status.SELECTED, Status.NOT_SELECTED)


def organization_track_organizations(*, cycle: Cycle) -> list[Organization]:
    """The organizations running the cycle's organization track (where its candidates are forwarded)."""
    return list(
        Organization.objects.filter(tracks__cycle=cycle, tracks__kind=TrackKind.ORGANIZATION).order_by("code")
    )


def stage_two_overview(*, cycle: Cycle) -> dict[str, Any]:
    interviews = (
        Interview.objects.filter(application__cycle=cycle)
        .select_related("application__applicant", "slot")
        .annotate(mean=Avg("scores__score"), n_scores=Count("scores"))
        .order_by("application__receipt_number")
    )
    slots = (
        InterviewSlot.objects.filter(cycle=cycle)
        .select_related("interview__application__applicant")
        .prefetch_related("panel")
        .order_by("starts_at")
    )
    forwarded = Application.objects.filter(
        cycle=cycle, track__kind=TrackKind.ORGANIZATION, status__in=FORWARD_STATUSES
    ).select_related("applicant", "forwarded_to", "track")
    reviewers = User.objects.filter(role=Role.REVIEWER, is_active=True).order_by("username")
    return {"interviews": interviews, "slots": slots, "forwarded": forwarded, "reviewers": reviewers}


FINAL_STATUSES = (
    Status.INTERVIEW,
    Status.PASSED,
    Status.NOT_PASSED,
    Status.RECOMMENDED,
    Status.SELECTED,
    Status.NOT_SELECTED,
)


def final_list(*, cycle: Cycle) -> QuerySet[Any]:
    """MOFA-track stage two, best first: mean panel score (none last), then the written task (none as 0),
    then the application id; ``place`` numbers the whole list in that order (a window function), so the
    page sorts, filters (:func:`ranking_narrowed` with ``numbered="place"``) and pages it in the database."""
    rows = (
        Interview.objects.filter(application__cycle=cycle, application__status__in=FINAL_STATUSES)
        .select_related("application__applicant", "slot")
        .annotate(mean=Avg("scores__score"), n_scores=Count("scores"))
    )
    return final_numbered(rows)


def notifications_for_cycle(*, cycle: Cycle) -> QuerySet[Notification]:
    """The result e-mails of a cycle, newest first, each with its outbox row (state, attempts, error)."""
    return (
        Notification.objects.filter(application__cycle=cycle)
        .select_related("email", "application__applicant")
        .order_by("-email__created_at", "-email_id")
    )


def my_stage_two(*, user: User) -> list[dict[str, Any]]:
    """The applicant's own applications at the interview stage, with the slots still free."""
    applications = list(
        access.scope_own_applications(user, Application.objects.filter(status=Status.INTERVIEW))
        .select_related("cycle", "interview__slot")
        .order_by("-cycle__fiscal_year")
    )
    cycles = {a.cycle_id for a in applications}
    free: dict[int, list[InterviewSlot]] = {}
    for slot in InterviewSlot.objects.filter(cycle_id__in=cycles, interview__isnull=True).order_by(
        "starts_at"
    ):
        free.setdefault(slot.cycle_id, []).append(slot)
    rows = []
    for application in applications:
        interview = getattr(application, "interview", None)
        rows.append(
            {
                "application": application,
                "interview": interview,
                "slot": interview.slot if interview is not None else None,
                "free": free.get(application.cycle_id, []),
            }
        )
    return rows


def reviewers_for_select() -> QuerySet[User]:
    return User.objects.filter(role=Role.REVIEWER, is_active=True).order_by("username")


def reviewer_loads(*, cycle: Cycle) -> QuerySet[User]:
    """Every reviewer with ``assigned`` and ``done`` (reviews of ``cycle``): a queryset, the page sorts,
    filters and pages it."""
    # Each count a subquery of the reviewer's own assignments of the cycle: computed for the rows of the
    # page only, and left out of the total's COUNT (a GROUP BY over every assignment of every cycle, read
    # twice, took 0.8 s at 100,000 applications).
    of_cycle = ReviewAssignment.objects.filter(reviewer=OuterRef("pk"), application__cycle=cycle).order_by()

    def counted(rows: QuerySet[ReviewAssignment]) -> Coalesce:
        return Coalesce(Subquery(rows.values("reviewer").annotate(n=Count("pk")).values("n")), 0)

    return User.objects.filter(role=Role.REVIEWER).annotate(
        assigned=counted(of_cycle), done=counted(of_cycle.filter(review__isnull=False))
    )


# -- one application's scores and decisions, with their corrections ---------------------------------

RECORD_ACTIONS = {
    "application.transition": gettext_lazy("Decision"),
    "application.correction": gettext_lazy("Decision corrected"),
    "selection.review_submitted": gettext_lazy("Review submitted"),
    "selection.review_amended": gettext_lazy("Review amended"),
    "selection.review_withdrawn": gettext_lazy("Review withdrawn"),
    "selection.interview_scored": gettext_lazy("Interview scored"),
    "selection.interview_score_amended": gettext_lazy("Interview score amended"),
    "selection.interview_score_withdrawn": gettext_lazy("Interview score withdrawn"),
    "selection.written_task_scored": gettext_lazy("Written task scored"),
    "selection.reviewer_assigned": gettext_lazy("Reviewer assigned"),
    "selection.reviewer_unassigned": gettext_lazy("Reviewer removed"),
}


def _status_label(value: Any) -> str:
    return str(Status(value).label) if value in Status.values else "—"


def _record_summary(action: str, data: dict[str, Any]) -> str:
    before, after = data.get("before") or {}, data.get("after") or {}
    if action.startswith("application."):
        return f"{_status_label(data.get('from'))} → {_status_label(data.get('to'))}"
    if action in {"selection.reviewer_assigned", "selection.reviewer_unassigned"}:
        return str(data.get("username", ""))
    if action == "selection.review_submitted":
        return str(data.get("total", ""))
    if action.startswith("selection.review_"):
        who = before.get("reviewer", "")
        return f"{who}: {before.get('total', '—')} → {after.get('total', '—')}"
    if action.startswith("selection.interview_score_"):
        who = before.get("interviewer", "")
        return f"{who}: {before.get('score', '—')} → {after.get('score', '—')}"
    if action == "selection.written_task_scored":
        return f"{data.get('before') if data.get('before') is not None else '—'} → {data.get('after')}"
    return str(data.get("score", ""))


def application_record(*, application: Application) -> dict[str, Any]:
    """An application's reviews (per criterion), interview scores, decisions and their history, for the
    officer's record page: a fixed number of queries."""
    reviews = list(
        Review.objects.filter(assignment__application=application)
        .select_related("assignment__reviewer")
        .prefetch_related(Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion")))
        .order_by("assignment__reviewer_id")
    )
    interview = (
        Interview.objects.filter(application=application)
        .select_related("slot")
        .prefetch_related(Prefetch("scores", queryset=InterviewScore.objects.select_related("interviewer")))
        .first()
    )
    events = AuditEvent.objects.filter(
        target_type=Application._meta.label_lower, target_id=str(application.pk), action__in=RECORD_ACTIONS
    ).select_related("actor")
    history = [
        {
            "at": e.at,
            "actor": e.actor,
            "what": RECORD_ACTIONS[e.action],
            "summary": _record_summary(e.action, e.data),
            "reason": e.data.get("reason", ""),
        }
        for e in events
    ]
    assignments = list(
        ReviewAssignment.objects.filter(application=application)
        .select_related("reviewer", "review")
        .order_by("reviewer__username")
    )
    conflicted = set(
        ConflictOfInterest.objects.filter(application=application).values_list("reviewer_id", flat=True)
    )
    taken = {a.reviewer_id for a in assignments}
    return {
        "assignments": assignments,
        "assignable": [
            r
            for r in User.objects.filter(role=Role.REVIEWER, is_active=True).order_by("username")
            if r.pk not in taken and r.pk not in conflicted
        ],
        "conflicted": list(User.objects.filter(pk__in=conflicted).order_by("username")),
        "reviews": reviews,
        "criteria": list(RubricCriterion.objects.filter(rubric__cycle_id=application.cycle_id)),
        "interview": interview,
        "corrections": [
            (s.value, s.label) for s in Status if s in CORRECTIONS.get(Status(application.status), ())
        ],
        "history": history,
    }

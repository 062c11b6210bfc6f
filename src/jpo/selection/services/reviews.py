"""Stage one, part two: the rubric, reviewer assignment (balanced, never against a declared conflict),
scored reviews, and closing the shortlist (ranking with reviewer-severity correction, ties refused at
the cut-off)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jpo.accounts import access
from jpo.accounts.models import AuditEvent, Role, User
from jpo.accounts.services import audit_record
from jpo.applications.models import Application
from jpo.applications.workflow import Status
from jpo.programme.models import Cycle
from jpo.safety.numbers import NumberError, parse_decimal
from jpo.selection.models import (
    ConflictOfInterest,
    Review,
    ReviewAssignment,
    ReviewScore,
    Rubric,
    RubricCriterion,
    Shortlist,
    ShortlistEntry,
)
from jpo.selection.services.decisions import application_decide
from jpo.selection.services.errors import Conflict, NotAllowed, SelectionError
from jpo.selection.services.order import window_gate

REVIEWABLE = (Status.ELIGIBLE, Status.UNDER_REVIEW)
# The range RubricCriterion.weight can hold (5 digits, 2 decimal places): anything else, infinity
# included, used to be stored and broke the cycle's review pages.
WEIGHT_MIN, WEIGHT_MAX, WEIGHT_PLACES = Decimal("0.01"), Decimal("999.99"), 2
# Highest score on any scale: a review's weighted total (7 digits, 3 decimal places) must fit.
SCALE_MAX = 1000


@dataclass(frozen=True)
class CriterionInput:
    name: str
    weight: Decimal
    description: str = ""


def rubric_save(
    *,
    cycle: Cycle,
    actor: User,
    criteria: Sequence[CriterionInput],
    scale_min: int,
    scale_max: int,
    reviewers_per_application: int,
    blind: bool,
    interview_scale_min: int = 1,
    interview_scale_max: int = 5,
    written_task_max: int = 100,
) -> Rubric:
    """Create or replace the cycle's rubric. Refused once a review has been submitted."""
    for field, value in (
        ("scale_min", scale_min),
        ("scale_max", scale_max),
        ("interview_scale_min", interview_scale_min),
        ("interview_scale_max", interview_scale_max),
        ("written_task_max", written_task_max),
        ("reviewers_per_application", reviewers_per_application),
    ):
        if not 0 <= value <= SCALE_MAX:
            raise SelectionError(
                _("%(field)s: give a whole number from 0 to %(max)s.") % {"field": field, "max": SCALE_MAX},
                field=field,
            )
    if scale_max <= scale_min:
        raise SelectionError(_("Highest score: must be above the lowest score."), field="scale_max")
    if interview_scale_max <= interview_scale_min:
        raise SelectionError(
            _("Highest interview score: must be above the lowest interview score."),
            field="interview_scale_max",
        )
    if reviewers_per_application < 1:
        raise SelectionError(_("Reviewers per application: at least 1."), field="reviewers_per_application")
    if written_task_max < 1:
        raise SelectionError(_("Highest written-task score: at least 1."), field="written_task_max")
    if not criteria:
        raise SelectionError(_("Criteria: give at least one criterion."), field="criteria")
    names = [c.name.strip() for c in criteria]
    for i, (name, c) in enumerate(zip(names, criteria, strict=True), start=1):
        if not name:
            raise SelectionError(_("Criterion %(n)s: give a name.") % {"n": i}, field=f"criteria-{i}-name")
        try:
            parse_decimal(c.weight, minimum=WEIGHT_MIN, maximum=WEIGHT_MAX, places=WEIGHT_PLACES)
        except NumberError:
            raise SelectionError(
                _("Criterion %(n)s: the weight must be a number from %(min)s to %(max)s.")
                % {"n": i, "min": WEIGHT_MIN, "max": WEIGHT_MAX},
                field=f"criteria-{i}-weight",
            ) from None
    duplicates = [n for n, k in Counter(names).items() if k > 1]
    if duplicates:
        raise SelectionError(
            _("Criteria: each name once (%(names)s).") % {"names": ", ".join(duplicates)}, field="criteria"
        )
    with transaction.atomic():
        Cycle.objects.select_for_update().get(pk=cycle.pk)
        if Review.objects.filter(assignment__application__cycle=cycle).exists():
            raise Conflict(_("Reviews have been submitted: the rubric of this cycle can no longer change."))
        rubric, _created = Rubric.objects.update_or_create(
            cycle=cycle,
            defaults={
                "scale_min": scale_min,
                "scale_max": scale_max,
                "reviewers_per_application": reviewers_per_application,
                "blind": blind,
                "interview_scale_min": interview_scale_min,
                "interview_scale_max": interview_scale_max,
                "written_task_max": written_task_max,
            },
        )
        rubric.criteria.all().delete()
        RubricCriterion.objects.bulk_create(
            [
                RubricCriterion(rubric=rubric, name=name, description=c.description, weight=c.weight, order=i)
                for i, (name, c) in enumerate(zip(names, criteria, strict=True))
            ]
        )
        audit_record(
            actor=actor,
            action="selection.rubric_saved",
            target=rubric,
            data={
                "scale": [scale_min, scale_max],
                "criteria": [[n, str(c.weight)] for n, c in zip(names, criteria, strict=True)],
                "reviewers_per_application": reviewers_per_application,
                "blind": blind,
            },
        )
    return rubric


def _rubric(cycle: Cycle) -> Rubric:
    rubric = Rubric.objects.filter(cycle=cycle).prefetch_related("criteria").first()
    if rubric is None or not rubric.criteria.all():
        raise SelectionError(_("Set the cycle's rubric first."))
    return rubric


def conflict_declare(
    *, reviewer: User, application: Application, reason: str, recorded_by: User
) -> ConflictOfInterest:
    """Record a conflict; an open assignment on that application is withdrawn and given to someone else."""
    reason = reason.strip()
    if not reason:
        raise SelectionError(
            _("Reason: say briefly why (e.g. colleague, relative, supervisor)."), field="reason"
        )
    if not access.is_reviewer(reviewer):
        raise SelectionError(_("Reviewer: this user is not a reviewer."), field="reviewer")
    with transaction.atomic():
        assignment = (
            ReviewAssignment.objects.select_for_update()
            .filter(application=application, reviewer=reviewer)
            .first()
        )
        if assignment is not None and Review.objects.filter(assignment=assignment).exists():
            raise Conflict(
                _(
                    "A review of this application was already submitted: ask the programme officer to handle it."
                )
            )
        conflict, _created = ConflictOfInterest.objects.get_or_create(
            reviewer=reviewer,
            application=application,
            defaults={"reason": reason, "recorded_by": recorded_by},
        )
        if assignment is not None:
            assignment.delete()
        audit_record(
            actor=recorded_by,
            action="selection.conflict_declared",
            target=application,
            data={"reviewer": reviewer.pk, "reason": reason, "was_assigned": assignment is not None},
        )
        status = Application.objects.filter(pk=application.pk).values_list("status", flat=True).get()
        if assignment is not None and status == Status.UNDER_REVIEW:
            reviews_assign(cycle=application.cycle, actor=recorded_by, only=[application.pk])
    return conflict


@dataclass
class AssignmentResult:
    created: int
    applications: int
    short: list[tuple[Application, int]]  # applications that could not get enough reviewers, and how many


def reviews_assign(
    *,
    cycle: Cycle,
    actor: User,
    reviewers: Sequence[User] | None = None,
    only: Sequence[int] | None = None,
) -> AssignmentResult:
    """Give each eligible or under-review application `reviewers_per_application` reviewers.

    Greedy and balanced: every application takes the least-loaded reviewers it is not in conflict
    with (ties broken by user id), so loads differ by at most one where no conflict intervenes.
    Existing assignments are kept; eligible applications move to under review. Idempotent.
    """
    rubric = _rubric(cycle)
    pool = (
        list(reviewers)
        if reviewers is not None
        else list(User.objects.filter(role=Role.REVIEWER, is_active=True).order_by("pk"))
    )
    pool = [r for r in pool if access.is_reviewer(r)]
    if not pool:
        raise SelectionError(_("Reviewers: there is no active reviewer to assign."), field="reviewers")
    need = rubric.reviewers_per_application
    with transaction.atomic():
        Cycle.objects.select_for_update().get(pk=cycle.pk)
        applications = Application.objects.filter(cycle=cycle, status__in=REVIEWABLE).order_by("pk")
        if only is not None:
            applications = applications.filter(pk__in=only)
        applications_list = list(applications)
        load = Counter(
            ReviewAssignment.objects.filter(application__cycle=cycle).values_list("reviewer_id", flat=True)
        )
        assigned: dict[int, set[int]] = {}
        for app_id, reviewer_id in ReviewAssignment.objects.filter(application__cycle=cycle).values_list(
            "application_id", "reviewer_id"
        ):
            assigned.setdefault(app_id, set()).add(reviewer_id)
        conflicts: dict[int, set[int]] = {}
        for app_id, reviewer_id in ConflictOfInterest.objects.filter(application__cycle=cycle).values_list(
            "application_id", "reviewer_id"
        ):
            conflicts.setdefault(app_id, set()).add(reviewer_id)
        new: list[ReviewAssignment] = []
        short: list[tuple[Application, int]] = []
        for application in applications_list:
            have = assigned.get(application.pk, set())
            barred = have | conflicts.get(application.pk, set())
            missing = need - len(have)
            candidates = sorted((r for r in pool if r.pk not in barred), key=lambda r: (load[r.pk], r.pk))
            for reviewer in candidates[: max(missing, 0)]:
                new.append(ReviewAssignment(application=application, reviewer=reviewer))
                load[reviewer.pk] += 1
                have = have | {reviewer.pk}
            assigned[application.pk] = have
            if len(have) < need:
                short.append((application, need - len(have)))
        ReviewAssignment.objects.bulk_create(new)
        for application in applications_list:
            if application.status == Status.ELIGIBLE and assigned.get(application.pk):
                application_decide(
                    application=application,
                    to=Status.UNDER_REVIEW,
                    actor=actor,
                    reason="assigned to reviewers",
                    expected_version=application.version,
                )
        audit_record(
            actor=actor,
            action="selection.reviews_assigned",
            target=cycle,
            data={
                "created": [[a.application_id, a.reviewer_id] for a in new],
                "short": [[a.pk, n] for a, n in short],
            },
        )
    return AssignmentResult(created=len(new), applications=len(applications_list), short=short)


def _parse_score(raw: Any, *, low: int, high: int, label: str, field: str) -> int:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise SelectionError(
            _("%(label)s: give a whole number from %(low)s to %(high)s.")
            % {"label": label, "low": low, "high": high},
            field=field,
        ) from None
    if value != value.to_integral_value() or not low <= value <= high:
        raise SelectionError(
            _("%(label)s: %(value)s is outside the scale (a whole number from %(low)s to %(high)s).")
            % {"label": label, "value": raw, "low": low, "high": high},
            field=field,
        )
    return int(value)


def assignment_for_reviewer(*, reviewer: User, assignment_id: int) -> ReviewAssignment:
    """The assignment, if it is this reviewer's; otherwise NotAllowed (nobody sees others' work)."""
    assignment = (
        access.scope_review_assignments(
            reviewer, ReviewAssignment.objects.select_related("application__cycle")
        )
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        raise NotAllowed(_("This review is not assigned to you."))
    return assignment


def review_scores_parse(rubric: Rubric, scores: dict[str, Any]) -> tuple[dict[RubricCriterion, int], Decimal]:
    """Every criterion's score on the rubric's scale, and the weighted mean (or a refusal naming it)."""
    parsed: dict[RubricCriterion, int] = {}
    for criterion in rubric.criteria.all():
        raw = scores.get(str(criterion.pk))
        field = f"score-{criterion.pk}"
        if raw is None or str(raw).strip() == "":
            raise SelectionError(_("%(label)s: give a score.") % {"label": criterion.name}, field=field)
        parsed[criterion] = _parse_score(
            raw, low=rubric.scale_min, high=rubric.scale_max, label=criterion.name, field=field
        )
    weight = sum((c.weight for c in parsed), Decimal(0))
    weighted = sum((c.weight * s for c, s in parsed.items()), Decimal(0))
    return parsed, (weighted / weight).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def review_submit(*, assignment_id: int, reviewer: User, scores: dict[str, Any], comment: str = "") -> Review:
    """Submit the scores of one assigned application, once. `scores`: {criterion id (str): score}."""
    assignment = assignment_for_reviewer(reviewer=reviewer, assignment_id=assignment_id)
    application = assignment.application
    rubric = _rubric(application.cycle)
    if application.status != Status.UNDER_REVIEW:
        raise SelectionError(_("The document review of this application is closed."))
    parsed, total = review_scores_parse(rubric, scores)
    try:
        with transaction.atomic():
            if Review.objects.filter(assignment=assignment).exists():
                raise Conflict(_("You already submitted this review; it cannot be submitted twice."))
            review = Review.objects.create(assignment=assignment, total=total, comment=comment.strip())
            ReviewScore.objects.bulk_create(
                [ReviewScore(review=review, criterion=c, score=s) for c, s in parsed.items()]
            )
            audit_record(
                actor=reviewer,
                action="selection.review_submitted",
                target=application,
                data={
                    "assignment": assignment.pk,
                    "total": str(total),
                    "scores": {c.name: s for c, s in parsed.items()},
                },
            )
    except IntegrityError:  # a double click racing the first submission
        raise Conflict(_("You already submitted this review; it cannot be submitted twice.")) from None
    return review


@dataclass(frozen=True)
class ReviewInput:
    assignment_id: int
    reviewer: User
    scores: dict[str, Any]
    comment: str = ""


def reviews_submit_bulk(*, reviews: Sequence[ReviewInput]) -> list[Review]:
    """Submit many reviews at once (a loader of past years: `jpo demo`), each checked as `review_submit`
    checks one: the assignment is the reviewer's (`access.scope_review_assignments`), the application
    under review, every criterion scored on its rubric's scale, not submitted before. One refusal
    refuses all, before anything is written. Written in bulk, with one audit row per review; returned in
    the order given."""
    if not reviews:
        return []
    found: dict[int, ReviewAssignment] = {}
    by_reviewer: dict[int, tuple[User, list[int]]] = {}
    for entry in reviews:
        by_reviewer.setdefault(entry.reviewer.pk, (entry.reviewer, []))[1].append(entry.assignment_id)
    for reviewer, ids in by_reviewer.values():
        theirs = access.scope_review_assignments(
            reviewer, ReviewAssignment.objects.select_related("application__cycle")
        ).filter(pk__in=ids)
        found.update({a.pk: a for a in theirs if a.reviewer_id == reviewer.pk})
    rubrics: dict[int, Rubric] = {}
    rows: list[tuple[ReviewAssignment, ReviewInput, dict[RubricCriterion, int], Decimal]] = []
    for entry in reviews:
        assignment = found.get(entry.assignment_id)
        if assignment is None:
            raise NotAllowed(_("This review is not assigned to you."))
        application = assignment.application
        if application.cycle_id not in rubrics:
            rubrics[application.cycle_id] = _rubric(application.cycle)
        if application.status != Status.UNDER_REVIEW:
            raise SelectionError(_("The document review of this application is closed."))
        parsed, total = review_scores_parse(rubrics[application.cycle_id], entry.scores)
        rows.append((assignment, entry, parsed, total))
    with transaction.atomic():
        if Review.objects.filter(assignment_id__in=list(found)).exists():
            raise Conflict(_("You already submitted this review; it cannot be submitted twice."))
        created = Review.objects.bulk_create(
            [Review(assignment=a, total=total, comment=e.comment.strip()) for a, e, _p, total in rows]
        )
        ReviewScore.objects.bulk_create(
            [
                ReviewScore(review=review, criterion=c, score=score)
                for review, (_a, _e, parsed, _t) in zip(created, rows, strict=True)
                for c, score in parsed.items()
            ],
            batch_size=1000,
        )
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    actor=e.reviewer,
                    action="selection.review_submitted",
                    target_type=Application._meta.label_lower,
                    target_id=str(a.application_id),
                    data={
                        "assignment": a.pk,
                        "total": str(total),
                        "scores": {c.name: score for c, score in parsed.items()},
                    },
                )
                for a, e, parsed, total in rows
            ],
            batch_size=1000,
        )
    return created


def shortlist_close(
    *, cycle: Cycle, actor: User, cutoff: int, method: str = "z", force_reason: str = ""
) -> Shortlist:
    """Close stage one: the top `cutoff` applications are shortlisted, the others not.

    Refused (nothing written) while the application window is open (unless `force_reason` says why),
    when reviews are outstanding, when the cut-off splits a tie, or when the shortlist is already
    closed. Every applicant is told by e-mail in the same transaction.
    """
    from jpo.selection.selectors import ranking

    if method not in ("z", "raw"):
        raise SelectionError(_("Ranked by: choose the corrected or the raw score."), field="method")
    with transaction.atomic():
        Cycle.objects.select_for_update().get(pk=cycle.pk)
        if Shortlist.objects.filter(cycle=cycle).exists():
            raise Conflict(_("The shortlist of this cycle is already closed."))
        window_gate(cycle=cycle, actor=actor, step="shortlist", force_reason=force_reason)
        table = ranking(cycle=cycle, method=method, cutoff=cutoff)
        if not table.rows:
            raise SelectionError(_("No application is under review in this cycle."))
        if not 1 <= cutoff <= len(table.rows):
            raise SelectionError(
                _("Places on the shortlist: a number from 1 to %(n)s.") % {"n": len(table.rows)},
                field="cutoff",
            )
        if table.outstanding:
            raise SelectionError(
                _("%(n)s assigned reviews are not submitted yet: the shortlist cannot close.")
                % {"n": table.outstanding}
            )
        if table.tie_at_cutoff:
            raise SelectionError(
                _(
                    "The cut-off splits a tie (ranks %(ranks)s have the same score): move the cut-off to include or exclude all of them."
                )
                % {"ranks": ", ".join(str(r.position) for r in table.rows if r.tie_at_cutoff)},
                field="cutoff",
            )
        for row in table.rows:
            application_decide(
                application=row.application,
                to=Status.SHORTLISTED if row.in_shortlist else Status.NOT_SHORTLISTED,
                actor=actor,
                reason=f"document review rank {row.position} of {len(table.rows)} (cut-off {cutoff}, {method})",
                expected_version=row.application.version,
            )
        shortlist = Shortlist.objects.create(cycle=cycle, cutoff=cutoff, method=method, closed_by=actor)
        ShortlistEntry.objects.bulk_create(
            (
                ShortlistEntry(
                    shortlist=shortlist,
                    place=place,
                    application_id=row.application.pk,
                    receipt_number=row.application.receipt_number or "",
                    position=row.position,
                    raw_mean=row.raw_mean,
                    z_mean=row.z_mean,
                    reviews=row.reviews,
                    tie=row.tie,
                    shortlisted=row.in_shortlist,
                )
                for place, row in enumerate(table.rows, start=1)
            ),
            batch_size=1000,
        )
        audit_record(
            actor=actor,
            action="selection.shortlist_closed",
            target=cycle,
            data={"cutoff": cutoff, "method": method, "shortlisted": cutoff, "of": len(table.rows)},
        )
    return shortlist


# --- Assignment by hand --------------------------------------------------------------------------------


def review_assign_one(*, application: Application, reviewer: User, actor: User) -> ReviewAssignment:
    """Assign one named reviewer to one application (officers), beside the balanced assignment: never
    against a declared conflict of interest, only while the application is eligible or under review.
    An eligible application moves to under review."""
    if not access.is_officer(actor):
        raise NotAllowed(_("Only a programme officer assigns reviewers."))
    if not (access.is_reviewer(reviewer) and reviewer.is_active):
        raise SelectionError(_("Reviewer: choose an active reviewer from the list."), field="reviewer")
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("cycle").get(pk=application.pk)
        if application.status not in REVIEWABLE:
            raise SelectionError(
                _("Reviewers are assigned while the application is eligible or under review (now: %(s)s).")
                % {"s": Status(application.status).label}
            )
        _rubric(application.cycle)
        if ConflictOfInterest.objects.filter(application=application, reviewer=reviewer).exists():
            raise SelectionError(
                _("This reviewer declared a conflict of interest with this application: choose another."),
                field="reviewer",
            )
        if ReviewAssignment.objects.filter(application=application, reviewer=reviewer).exists():
            raise Conflict(_("This reviewer is already assigned to this application."))
        assignment = ReviewAssignment.objects.create(application=application, reviewer=reviewer)
        if application.status == Status.ELIGIBLE:
            application_decide(
                application=application,
                to=Status.UNDER_REVIEW,
                actor=actor,
                reason="assigned to a reviewer",
                expected_version=application.version,
            )
        audit_record(
            actor=actor,
            action="selection.reviewer_assigned",
            target=application,
            data={"reviewer": reviewer.pk, "username": reviewer.username},
        )
    return assignment


def review_unassign(*, assignment_id: int, actor: User, reason: str) -> None:
    """Take one reviewer off one application (officers), with a reason, while the review is not
    submitted and the shortlist is open (a submitted review is withdrawn first, as a correction)."""
    if not access.is_officer(actor):
        raise NotAllowed(_("Only a programme officer assigns reviewers."))
    why = reason.strip()
    if not why:
        raise SelectionError(_("Give the reason for removing the reviewer."), field="reason")
    with transaction.atomic():
        assignment = (
            ReviewAssignment.objects.select_for_update()
            .select_related("application", "reviewer")
            .filter(pk=assignment_id)
            .first()
        )
        if assignment is None:
            raise SelectionError(_("This assignment does not exist (any more)."))
        if assignment.application.status not in REVIEWABLE:
            raise SelectionError(
                _("The shortlist is closed: the reviews of this application can no longer change.")
            )
        if Review.objects.filter(assignment=assignment).exists():
            raise Conflict(
                _(
                    "This reviewer submitted the review: withdraw the review first (as a correction), then remove the reviewer."
                )
            )
        assignment.delete()
        audit_record(
            actor=actor,
            action="selection.reviewer_unassigned",
            target=assignment.application,
            data={
                "reviewer": assignment.reviewer_id,
                "username": assignment.reviewer.username,
                "reason": why,
            },
        )

"""Corrections in selection: a decision, a review's scores, an interview score.

Officers correct what was recorded by mistake, always with a reason: a decision is replaced through the
workflow's table of corrections (`applications.workflow.CORRECTIONS`, the one transition function), a
review or an interview score is amended or withdrawn (the reviewer or interviewer may then score
again) while its stage is open. Each correction is one audit record on the application holding the
reason and the values before and after; the application's record page shows them. Rankings and the
final list read the corrected rows.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jpo.accounts import access
from jpo.accounts.models import User
from jpo.accounts.services import audit_record
from jpo.applications.models import Application
from jpo.applications.workflow import CORRECTIONS, Status
from jpo.selection.models import InterviewScore, Review, ReviewScore, Rubric
from jpo.selection.services.decisions import application_decide
from jpo.selection.services.errors import NotAllowed, SelectionError
from jpo.selection.services.reviews import _parse_score, _rubric, review_scores_parse
from jpo.selection.services.stage_two import missing_scores_check


def _officer(actor: User) -> None:
    if not access.is_officer(actor):
        raise NotAllowed(_("Only a programme officer corrects a recorded step."))


def _reason(reason: str) -> str:
    if not reason.strip():
        raise SelectionError(_("Give the reason for the correction."), field="reason")
    return reason.strip()


def decision_correct(
    *, application: Application, actor: User, to: str, reason: str, expected_version: int | None
) -> None:
    """Replace a decision recorded by mistake (or take it back to the step before). The applicant is
    told the corrected result by e-mail when it is one they are told about."""
    _officer(actor)
    why = _reason(reason)
    source = Status(application.status)
    allowed = CORRECTIONS.get(source, frozenset())
    if to not in allowed:
        raise SelectionError(
            _("Decision: choose one of the corrections offered for “%(status)s”.") % {"status": source.label},
            field="decision",
        )
    if application.offers.exists():
        raise SelectionError(
            _("An offer was made on this decision: withdraw the offer before correcting the decision.")
        )
    if to == Status.PASSED:
        missing_scores_check(application)
    application_decide(
        application=application,
        to=to,
        actor=actor,
        reason=f"correction: {why}",
        expected_version=expected_version,
        correction=True,
    )


def _review(review_id: int) -> Review:
    review = (
        Review.objects.select_related("assignment__application__cycle", "assignment__reviewer")
        .prefetch_related("scores__criterion")
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise SelectionError(_("This review does not exist (any more)."))
    if review.assignment.application.status != Status.UNDER_REVIEW:
        raise SelectionError(
            _("The shortlist is closed: the reviews of this application can no longer change.")
        )
    return review


def _review_values(review: Review) -> dict[str, Any]:
    return {
        "reviewer": review.assignment.reviewer.username,
        "total": str(review.total),
        "scores": {s.criterion.name: s.score for s in review.scores.all()},
    }


def review_amend(*, review_id: int, actor: User, scores: dict[str, Any], reason: str) -> Review:
    """Correct a submitted review's scores (the same scale and criteria as submitting it)."""
    _officer(actor)
    why = _reason(reason)
    review = _review(review_id)
    application = review.assignment.application
    parsed, total = review_scores_parse(_rubric(application.cycle), scores)
    with transaction.atomic():
        before = _review_values(review)
        for row in review.scores.all():
            if row.criterion in parsed:
                ReviewScore.objects.filter(pk=row.pk).update(score=parsed[row.criterion])
        Review.objects.filter(pk=review.pk).update(total=total)
        review = _review(review_id)
        audit_record(
            actor=actor,
            action="selection.review_amended",
            target=application,
            data={"reason": why, "before": before, "after": _review_values(review)},
        )
    return review


def review_withdraw(*, review_id: int, actor: User, reason: str) -> None:
    """Withdraw a submitted review: the assignment stays, and the reviewer can submit it again."""
    _officer(actor)
    why = _reason(reason)
    review = _review(review_id)
    with transaction.atomic():
        before = _review_values(review)
        review.delete()
        audit_record(
            actor=actor,
            action="selection.review_withdrawn",
            target=review.assignment.application,
            data={"reason": why, "before": before, "after": {}},
        )


def _interview_score(score_id: int) -> InterviewScore:
    row = (
        InterviewScore.objects.select_related("interview__application__cycle", "interviewer")
        .filter(pk=score_id)
        .first()
    )
    if row is None:
        raise SelectionError(_("This interview score does not exist (any more)."))
    if row.interview.application.status != Status.INTERVIEW:
        raise SelectionError(_("Stage two of this application is closed: correct the decision first."))
    return row


def interview_score_amend(*, score_id: int, actor: User, score: Any, reason: str) -> InterviewScore:
    _officer(actor)
    why = _reason(reason)
    row = _interview_score(score_id)
    cycle = row.interview.application.cycle
    rubric = Rubric.objects.filter(cycle=cycle).first() or Rubric(cycle=cycle)
    value = _parse_score(
        score,
        low=rubric.interview_scale_min,
        high=rubric.interview_scale_max,
        label=_("Interview score"),
        field="score",
    )
    with transaction.atomic():
        before = {"interviewer": row.interviewer.username, "score": row.score}
        InterviewScore.objects.filter(pk=row.pk).update(score=value)
        row.score = value
        audit_record(
            actor=actor,
            action="selection.interview_score_amended",
            target=row.interview.application,
            data={"reason": why, "before": before, "after": {**before, "score": value}},
        )
    return row


def interview_score_withdraw(*, score_id: int, actor: User, reason: str) -> None:
    """Withdraw an interview score: the interviewer can score the interview again."""
    _officer(actor)
    why = _reason(reason)
    row = _interview_score(score_id)
    with transaction.atomic():
        before = {"interviewer": row.interviewer.username, "score": row.score}
        row.delete()
        audit_record(
            actor=actor,
            action="selection.interview_score_withdrawn",
            target=row.interview.application,
            data={"reason": why, "before": before, "after": {}},
        )

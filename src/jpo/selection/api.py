"""The results release through the API (programme officers): prepare decisions in bulk, schedule a
release, read it with the record of its e-mails, cancel it before its time. The same services and
permission helpers as the pages; every refusal is `{"detail": ..., "field": ...}` with its status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import SessionAuth

from jpo.accounts import access
from jpo.applications.models import Application
from jpo.applications.schemas import ErrorOut
from jpo.core.api import answered, found
from jpo.programme.models import Cycle
from jpo.selection import selectors as selection_selectors
from jpo.selection.models import InterviewScore, PreparedDecision, Release, Review
from jpo.selection.selectors import releases as release_selectors
from jpo.selection.selectors.releases import CandidateFilter
from jpo.selection.services import corrections as correction_services
from jpo.selection.services import releases as release_services
from jpo.selection.services.errors import SelectionError


class OfficerSession(SessionAuth):
    """A signed-in session (with CSRF) of a programme officer; another role is refused (403) before the
    body is read."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and not access.is_officer(user):
            raise HttpError(403, "Programme officers only.")
        return user


router = Router(tags=["results release"], auth=OfficerSession())
TOKYO = ZoneInfo("Asia/Tokyo")
MAX_IDS = 10_000
MAX_PAGE = 500
# A fiscal year in the cycles' range (anything else is simply not found, never an overflow).
FiscalYear = Path(..., ge=1974, le=9999)

T = TypeVar("T")
Decision = Literal["passed", "not_passed", "recommended"]


class FilterIn(Schema):
    """The preparation page's filter: every matching application, never listed one by one."""

    status: Literal["", "interview", "passed"] = ""
    scored: Literal["", "yes", "no"] = Field("", description="yes: with an interview score; no: without")
    prepared: Literal["", "yes", "no"] = Field("", description="yes: with a prepared decision; no: without")
    q: str = Field("", max_length=100, description="receipt number or name contains")


class PrepareIn(Schema):
    decision: Decision
    reason: str = Field(..., min_length=1, max_length=2000)
    applications: list[int] | None = Field(
        None, max_length=MAX_IDS, description="application ids; or give `filter` instead"
    )
    filter: FilterIn | None = Field(None, description="every application matching it; or give `applications`")


class DiscardIn(Schema):
    applications: list[int] = Field(..., min_length=1, max_length=MAX_IDS)


class CountOut(Schema):
    count: int


class ScheduleIn(Schema):
    release_at: dt.datetime = Field(
        ..., description="when the results go out; without a time zone it is read as Japan time (JST)"
    )


class CancelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


class ReleaseOut(Schema):
    id: int
    cycle: str
    release_at: dt.datetime
    status: Literal["scheduled", "running", "done", "cancelled", "failed"]
    total: int
    processed: int
    released: int
    refused: int
    created_at: dt.datetime
    cancelled_at: dt.datetime | None
    cancel_reason: str
    error: str


class EmailOut(Schema):
    recipient: str
    subject: str
    state: str
    attempts: int
    sent_at: dt.datetime | None


class ItemOut(Schema):
    application: int
    receipt_number: str | None
    decision: str
    reason: str
    state: Literal["prepared", "released", "refused"]
    released_at: dt.datetime | None
    error: str
    email: EmailOut | None


class ItemsOut(Schema):
    count: int
    offset: int
    items: list[ItemOut]


def _officer(request: HttpRequest) -> Any:
    """The officer (the router's auth let only officers through; checked again: deny by default)."""
    if not access.is_officer(request.user):
        raise HttpError(403, "Programme officers only.")
    return request.user


def _cycle(fiscal_year: int) -> Cycle:
    cycle = Cycle.objects.filter(fiscal_year=fiscal_year).first()
    if cycle is None:
        raise HttpError(404, f"cycle FY{fiscal_year}: not found")
    return cycle


def _release(release_id: int) -> Release:
    return found(Release.objects.select_related("cycle"), release_id, "release")


def _refused(error: SelectionError) -> Status[dict[str, Any]]:
    return Status(error.status_code, {"detail": error.message, "field": error.field})


def _answered(change: Callable[[], T], answer: Callable[[T], Any], *, status: int = 200) -> Status[Any]:
    """`change()` (a service call) answered by `answer(its result)`, or its refusal as the error body."""
    return answered(change, answer, refusals=(SelectionError,), refused=_refused, status=status)


def _release_out(release: Release) -> dict[str, Any]:
    return {
        "id": release.pk,
        "cycle": release.cycle.code,
        "release_at": release.release_at,
        "status": release.status,
        "total": release.total,
        "processed": release.processed,
        "released": release.released,
        "refused": release.refused,
        "created_at": release.created_at,
        "cancelled_at": release.cancelled_at,
        "cancel_reason": release.cancel_reason,
        "error": release.error,
    }


def _item_out(item: PreparedDecision) -> dict[str, Any]:
    email = item.notification.email if item.notification is not None else None
    return {
        "application": item.application_id,
        "receipt_number": item.application.receipt_number,
        "decision": item.decision,
        "reason": item.reason,
        "state": item.state,
        "released_at": item.released_at,
        "error": item.error,
        "email": None
        if email is None
        else {
            "recipient": email.recipient,
            "subject": email.subject,
            "state": email.state,
            "attempts": email.attempts,
            "sent_at": email.sent_at,
        },
    }


ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.post(
    "/cycles/{fiscal_year}/decisions/prepare",
    response={200: CountOut, **ERRORS},
    summary="Prepare one decision for many applications",
    description=(
        "Prepares `decision` with `reason` for the given `applications` (ids) or for every application "
        "matching `filter` (MOFA track, at the interview stage or passed). All or nothing: an application "
        "the decision cannot apply to, or one in a scheduled release, refuses the request (400, 409). A "
        "prepared decision changes nothing the applicant sees until its release runs."
    ),
    operation_id="decisions_prepare",
    url_name="decisions_prepare",
)
def decisions_prepare(
    request: HttpRequest, payload: PrepareIn, fiscal_year: int = FiscalYear
) -> Status[dict[str, Any]]:
    actor = _officer(request)
    cycle = _cycle(fiscal_year)
    if (payload.applications is None) == (payload.filter is None):
        return Status(400, {"detail": "give either applications or filter", "field": "applications"})
    if payload.filter is not None:
        chosen = release_selectors.release_candidates(
            cycle=cycle, filters=CandidateFilter(**payload.filter.dict())
        )
    else:
        chosen = Application.objects.filter(pk__in=payload.applications or [])
    return _answered(
        lambda: release_services.decisions_prepare(
            cycle=cycle, actor=actor, decision=payload.decision, reason=payload.reason, applications=chosen
        ),
        lambda n: {"count": n},
    )


@router.post(
    "/cycles/{fiscal_year}/decisions/discard",
    response={200: CountOut, **ERRORS},
    summary="Withdraw prepared decisions that are not scheduled",
    operation_id="decisions_discard",
    url_name="decisions_discard",
)
def decisions_discard(
    request: HttpRequest, payload: DiscardIn, fiscal_year: int = FiscalYear
) -> Status[dict[str, Any]]:
    actor = _officer(request)
    cycle = _cycle(fiscal_year)
    return _answered(
        lambda: release_services.decisions_discard(
            cycle=cycle, actor=actor, applications=Application.objects.filter(pk__in=payload.applications)
        ),
        lambda n: {"count": n},
    )


@router.get(
    "/cycles/{fiscal_year}/releases",
    response={200: list[ReleaseOut], 403: ErrorOut, 404: ErrorOut},
    summary="Releases of results of a cycle, latest first",
    operation_id="releases_list",
    url_name="releases",
)
def releases_list(request: HttpRequest, fiscal_year: int = FiscalYear) -> list[dict[str, Any]]:
    _officer(request)
    cycle = _cycle(fiscal_year)
    return [_release_out(r) for r in release_selectors.releases_for_cycle(cycle=cycle)]


@router.post(
    "/cycles/{fiscal_year}/releases",
    response={201: ReleaseOut, **ERRORS},
    summary="Schedule a release of every prepared, unscheduled decision of a cycle",
    description=(
        "The task worker runs it at `release_at` and never before: then each decision takes effect and "
        "its result e-mail is queued in the outbox. A time without a zone is Japan time (JST)."
    ),
    operation_id="release_create",
    url_name="release_create",
)
def release_create(request: HttpRequest, payload: ScheduleIn, fiscal_year: int = FiscalYear) -> Status[Any]:
    actor = _officer(request)
    cycle = _cycle(fiscal_year)
    release_at = payload.release_at
    if timezone.is_naive(release_at):
        release_at = release_at.replace(tzinfo=TOKYO)
    return _answered(
        lambda: release_services.release_schedule(cycle=cycle, actor=actor, release_at=release_at),
        _release_out,
        status=201,
    )


@router.get(
    "/releases/{release_id}",
    response={200: ReleaseOut, 403: ErrorOut, 404: ErrorOut},
    summary="One release: status and progress",
    operation_id="release_get",
    url_name="release",
)
def release_get(request: HttpRequest, release_id: int = Path(..., ge=1, le=2**31 - 1)) -> dict[str, Any]:
    _officer(request)
    return _release_out(_release(release_id))


@router.get(
    "/releases/{release_id}/decisions",
    response={200: ItemsOut, 403: ErrorOut, 404: ErrorOut},
    summary="The record of a release: each decision with its state and its e-mail",
    operation_id="release_decisions",
    url_name="release_decisions",
)
def release_decisions(
    request: HttpRequest,
    release_id: int = Path(..., ge=1, le=2**31 - 1),
    offset: int = Query(0, ge=0, le=2**31 - 1),
    limit: int = Query(100, ge=1, le=MAX_PAGE),
) -> dict[str, Any]:
    _officer(request)
    release = _release(release_id)
    rows = release_selectors.release_items(release=release)
    return {
        "count": rows.count(),
        "offset": offset,
        "items": [_item_out(item) for item in rows[offset : offset + limit]],
    }


@router.post(
    "/releases/{release_id}/cancel",
    response={200: ReleaseOut, **ERRORS},
    summary="Cancel a scheduled release (its decisions go back to the prepared ones)",
    operation_id="release_cancel",
    url_name="release_cancel",
)
def release_cancel(
    request: HttpRequest, payload: CancelIn, release_id: int = Path(..., ge=1, le=2**31 - 1)
) -> Status[dict[str, Any]]:
    actor = _officer(request)
    release = _release(release_id)
    return _answered(
        lambda: release_services.release_cancel(release=release, actor=actor, reason=payload.reason),
        _release_out,
    )


# --- Corrections of recorded steps (officers) ------------------------------------------------------

corrections_router = Router(tags=["corrections"], auth=OfficerSession())
RecordId = Path(..., ge=1, le=2**31 - 1)
Reason = Field(..., min_length=1, max_length=2000, description="why the recorded step is corrected")


class DecisionCorrectIn(Schema):
    to: str = Field(
        ...,
        max_length=30,
        description="the corrected status: one of the corrections offered for the current one",
    )
    reason: str = Reason
    version: int | None = Field(
        None,
        ge=0,
        le=2**31 - 1,
        description="the application's `version` as read; if given, a change since is refused (409)",
    )


class ReviewAmendIn(Schema):
    scores: dict[str, str | int] = Field(
        ..., max_length=50, description="criterion id: score, on the cycle's scale"
    )
    reason: str = Reason


class InterviewScoreAmendIn(Schema):
    score: str | int = Field(..., description="on the cycle's interview scale")
    reason: str = Reason


class WithdrawIn(Schema):
    reason: str = Reason


class RecordEventOut(Schema):
    at: dt.datetime
    actor: str | None
    what: str
    summary: str
    reason: str


class RecordOut(Schema):
    application: int
    status: str
    version: int
    corrections: list[str] = Field(description="the statuses a correction of the decision may choose now")
    history: list[RecordEventOut]


def _record_out(application_id: int) -> dict[str, Any]:
    application = selection_selectors.application_for_officer(pk=application_id)
    record = selection_selectors.application_record(application=application)
    return {
        "application": application.pk,
        "status": application.status,
        "version": application.version,
        "corrections": [value for value, _label in record["corrections"]],
        "history": [
            {
                "at": e["at"],
                "actor": e["actor"].username if e["actor"] else None,
                "what": str(e["what"]),
                "summary": str(e["summary"] or ""),
                "reason": e["reason"],
            }
            for e in record["history"]
        ],
    }


def _application(application_id: int) -> Application:
    return found(Application.objects.select_related("cycle"), application_id, "application")


def _application_of(model: Any, pk: int, path: str) -> int:
    application_id = model.objects.filter(pk=pk).values_list(path, flat=True).first()
    if application_id is None:
        raise HttpError(404, f"{model._meta.model_name} {pk}: not found")
    return int(application_id)


def _corrected(change: Callable[[], object], application_id: int) -> Status[Any]:
    """The correction made by `change` (a service call) answered with the application's record as it is
    now, or the service's refusal as the API's error body."""
    return _answered(change, lambda _result: _record_out(application_id))


@corrections_router.post(
    "/applications/{application_id}/decision/correct",
    response={200: RecordOut, **ERRORS},
    summary="Correct a recorded decision, with a reason",
    description=(
        "Programme officers. `to` must be one of the corrections the workflow offers for the current "
        "status (listed as `corrections` in the answer); a decision an offer was made on is refused. "
        "The applicant is told the corrected result when it is one they are told about."
    ),
    operation_id="decision_correct",
    url_name="decision_correct",
)
def decision_correct(
    request: HttpRequest, payload: DecisionCorrectIn, application_id: int = RecordId
) -> Status[dict[str, Any]]:
    actor = _officer(request)
    application = _application(application_id)
    return _corrected(
        lambda: correction_services.decision_correct(
            application=application,
            actor=actor,
            to=payload.to,
            reason=payload.reason,
            expected_version=payload.version,
        ),
        application.pk,
    )


@corrections_router.get(
    "/applications/{application_id}/record",
    response={200: RecordOut, 403: ErrorOut, 404: ErrorOut},
    summary="An application's decisions and the history of their corrections",
    operation_id="application_record",
    url_name="application_record",
)
def application_record(request: HttpRequest, application_id: int = RecordId) -> dict[str, Any]:
    _officer(request)
    return _record_out(_application(application_id).pk)


@corrections_router.post(
    "/reviews/{review_id}/amend",
    response={200: RecordOut, **ERRORS},
    summary="Amend a submitted review's scores, with a reason",
    description="Programme officers, while the shortlist of the application is open; the same scale "
    "and criteria as submitting the review.",
    operation_id="review_amend",
    url_name="review_amend",
)
def review_amend(
    request: HttpRequest, payload: ReviewAmendIn, review_id: int = RecordId
) -> Status[dict[str, Any]]:
    actor = _officer(request)
    application_id = _application_of(Review, review_id, "assignment__application_id")
    return _corrected(
        lambda: correction_services.review_amend(
            review_id=review_id,
            actor=actor,
            scores={k: str(v) for k, v in payload.scores.items()},
            reason=payload.reason,
        ),
        application_id,
    )


@corrections_router.post(
    "/reviews/{review_id}/withdraw",
    response={200: RecordOut, **ERRORS},
    summary="Withdraw a submitted review, with a reason (the reviewer can submit it again)",
    operation_id="review_withdraw",
    url_name="review_withdraw",
)
def review_withdraw(
    request: HttpRequest, payload: WithdrawIn, review_id: int = RecordId
) -> Status[dict[str, Any]]:
    actor = _officer(request)
    application_id = _application_of(Review, review_id, "assignment__application_id")
    return _corrected(
        lambda: correction_services.review_withdraw(review_id=review_id, actor=actor, reason=payload.reason),
        application_id,
    )


@corrections_router.post(
    "/interview-scores/{score_id}/amend",
    response={200: RecordOut, **ERRORS},
    summary="Amend an interview score, with a reason",
    description="Programme officers, while stage two of the application is open; the cycle's "
    "interview scale.",
    operation_id="interview_score_amend",
    url_name="interview_score_amend",
)
def interview_score_amend(
    request: HttpRequest, payload: InterviewScoreAmendIn, score_id: int = RecordId
) -> Status[dict[str, Any]]:
    actor = _officer(request)
    application_id = _application_of(InterviewScore, score_id, "interview__application_id")
    return _corrected(
        lambda: correction_services.interview_score_amend(
            score_id=score_id, actor=actor, score=str(payload.score), reason=payload.reason
        ),
        application_id,
    )


@corrections_router.post(
    "/interview-scores/{score_id}/withdraw",
    response={200: RecordOut, **ERRORS},
    summary="Withdraw an interview score, with a reason (the interviewer can score again)",
    operation_id="interview_score_withdraw",
    url_name="interview_score_withdraw",
)
def interview_score_withdraw(
    request: HttpRequest, payload: WithdrawIn, score_id: int = RecordId
) -> Status[dict[str, Any]]:
    actor = _officer(request)
    application_id = _application_of(InterviewScore, score_id, "interview__application_id")
    return _corrected(
        lambda: correction_services.interview_score_withdraw(
            score_id=score_id, actor=actor, reason=payload.reason
        ),
        application_id,
    )

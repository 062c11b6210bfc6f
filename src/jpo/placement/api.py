"""Corrections of recorded placement steps through the API: an outcome, a return to the ministry, the
dates of a dispatch, amended or withdrawn with a reason.

The same services as the dispatch and secondment pages (`placement.services.corrections`), so the same
people may do them (officers; the host organization's focal point for an outcome; the ministry's HR for
a return) and the same rules refuse them. Every refusal is `{"detail": ..., "field": ...}`: 403 for
someone not entitled, 404 for an unknown record, 409 when the record changed since `version` was read,
400 for a value the rules refuse (a date after today, an end before the start, no reason, ...), 422 for
a malformed body (a date that is not an ISO date)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import SessionAuth

from jpo.accounts import access
from jpo.accounts.access import request_user
from jpo.applications.schemas import ErrorOut
from jpo.core.api import answered, found
from jpo.placement import selectors
from jpo.placement.models import Dispatch, Outcome, OutcomeKind, Secondment
from jpo.placement.services import corrections
from jpo.programme.models import Organization


class RoleSession(SessionAuth):
    """A signed-in session (with CSRF) of one of the roles that may make the correction at all; any
    other role is refused (403) before the body is read. Whether this person may correct this record
    (their organization's dispatch, their ministry's secondment) is the service's check."""

    def __init__(self, *roles: Callable[[Any], bool]) -> None:
        super().__init__()
        self.roles = roles

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and not any(role(user) for role in self.roles):
            raise HttpError(403, "You may not correct this record.")
        return user


router = Router(tags=["corrections"])
OUTCOME_REPORTERS = RoleSession(access.is_officer, access.is_focal_point)
OFFICERS = RoleSession(access.is_officer)
RETURN_RECORDERS = RoleSession(access.is_officer, access.is_ministry_hr)

RecordId = Path(..., ge=1, le=2**31 - 1)
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
Reason = Field(..., min_length=1, max_length=2000, description="why the recorded step is corrected")
Version = Field(
    None,
    ge=0,
    le=2**31 - 1,
    description="the record's `version` as read; if given, a record changed since is refused (409)",
)


class WithdrawIn(Schema):
    reason: str = Reason
    version: int | None = Version


class OutcomeAmendIn(Schema):
    kind: str = Field(..., description="one of: " + ", ".join(OutcomeKind.values))
    recorded_on: dt.date
    organization: str | None = Field(None, max_length=50, description="organization code")
    grade: str = Field("", max_length=8)
    contract_type: str = Field("", max_length=50)
    notes: str = Field("", max_length=2000)
    reason: str = Reason
    version: int | None = Version


class DatesIn(Schema):
    start_date: dt.date
    planned_end_date: dt.date
    end_date: dt.date | None = Field(None, description="null: the recorded actual end is withdrawn")
    reason: str = Reason
    version: int | None = Version


class ReturnAmendIn(Schema):
    returned_on: dt.date
    assignment_after_return: str = Field(..., max_length=200)
    reason: str = Reason
    version: int | None = Version


class OutcomeOut(Schema):
    kind: str
    organization: str | None
    grade: str
    contract_type: str
    recorded_on: dt.date


class HistoryOut(Schema):
    at: dt.datetime
    actor: str | None
    what: str
    reason: str


class DispatchOut(Schema):
    id: int
    version: int
    start_date: dt.date
    planned_end_date: dt.date
    end_date: dt.date | None
    outcome: OutcomeOut | None
    history: list[HistoryOut]


class SecondmentOut(Schema):
    id: int
    version: int
    dispatch: int
    returned_on: dt.date | None
    assignment_after_return: str
    history: list[HistoryOut]


def _refused(error: ValidationError | PermissionDenied) -> Status[dict[str, Any]]:
    """A service's refusal as the API's error body (the first field at fault named)."""
    if isinstance(error, PermissionDenied):
        return Status(403, {"detail": "You may not correct this record.", "field": None})
    status = getattr(error, "status_code", 400)
    if hasattr(error, "error_dict"):
        field, messages = next(iter(error.message_dict.items()))
        return Status(status, {"detail": " ".join(messages), "field": None if field == "__all__" else field})
    return Status(status, {"detail": " ".join(error.messages), "field": None})


def _dispatch(dispatch_id: int) -> Dispatch:
    return found(
        Dispatch.objects.select_related("application__cycle", "post__organization"), dispatch_id, "dispatch"
    )


def _secondment(secondment_id: int) -> Secondment:
    return found(Secondment.objects.select_related("dispatch"), secondment_id, "secondment")


def _corrected(change: Callable[[], object], answer: Callable[[], dict[str, Any]]) -> Status[Any]:
    """The correction made by `change` (a service call) answered with the record as it is now, or the
    service's refusal as the API's error body."""
    return answered(
        change, lambda _result: answer(), refusals=(ValidationError, PermissionDenied), refused=_refused
    )


def _history(dispatch: Dispatch) -> list[dict[str, Any]]:
    return [
        {
            "at": row["at"],
            "actor": row["actor"].username if row["actor"] else None,
            "what": str(row["what"]),
            "reason": row["reason"],
        }
        for row in selectors.record_history(dispatch=dispatch)
    ]


def _dispatch_out(dispatch_id: int) -> dict[str, Any]:
    dispatch = Dispatch.objects.get(pk=dispatch_id)
    outcome = Outcome.objects.select_related("organization").filter(dispatch=dispatch).first()
    return {
        "id": dispatch.pk,
        "version": dispatch.version,
        "start_date": dispatch.start_date,
        "planned_end_date": dispatch.planned_end_date,
        "end_date": dispatch.end_date,
        "outcome": None
        if outcome is None
        else {
            "kind": outcome.kind,
            "organization": outcome.organization.code if outcome.organization else None,
            "grade": outcome.grade,
            "contract_type": outcome.contract_type,
            "recorded_on": outcome.recorded_on,
        },
        "history": _history(dispatch),
    }


def _secondment_out(secondment_id: int) -> dict[str, Any]:
    secondment = Secondment.objects.select_related("dispatch").get(pk=secondment_id)
    return {
        "id": secondment.pk,
        "version": secondment.version,
        "dispatch": secondment.dispatch_id,
        "returned_on": secondment.returned_on,
        "assignment_after_return": secondment.assignment_after_return,
        "history": _history(secondment.dispatch),
    }


@router.post(
    "/dispatches/{dispatch_id}/outcome/amend",
    response={200: DispatchOut, **ERRORS},
    summary="Amend the recorded outcome of a dispatch, with a reason",
    description=(
        "Officers, or the focal point of the host organization. The same rules as recording the outcome "
        "(no date after today, the organization a kind needs); an outcome set by the return to the "
        "ministry is corrected on the secondment instead."
    ),
    operation_id="outcome_amend",
    auth=OUTCOME_REPORTERS,
    url_name="outcome_amend",
)
def outcome_amend(
    request: HttpRequest, payload: OutcomeAmendIn, dispatch_id: int = RecordId
) -> Status[dict[str, Any]]:
    dispatch = _dispatch(dispatch_id)
    organization = None
    if payload.organization:
        organization = Organization.objects.filter(code=payload.organization).first()
        if organization is None:
            return Status(
                400, {"detail": f"organization {payload.organization}: not found", "field": "organization"}
            )
    return _corrected(
        lambda: corrections.outcome_amend(
            actor=request_user(request),
            dispatch=dispatch,
            reason=payload.reason,
            kind=payload.kind,
            recorded_on=payload.recorded_on,
            organization=organization,
            grade=payload.grade,
            contract_type=payload.contract_type,
            notes=payload.notes,
            expected_version=payload.version,
        ),
        lambda: _dispatch_out(dispatch.pk),
    )


@router.post(
    "/dispatches/{dispatch_id}/outcome/withdraw",
    response={200: DispatchOut, **ERRORS},
    summary="Withdraw the recorded outcome of a dispatch, with a reason",
    description="The dispatch counts as awaiting its outcome again. Officers, or the host's focal point.",
    operation_id="outcome_withdraw",
    auth=OUTCOME_REPORTERS,
    url_name="outcome_withdraw",
)
def outcome_withdraw(
    request: HttpRequest, payload: WithdrawIn, dispatch_id: int = RecordId
) -> Status[dict[str, Any]]:
    dispatch = _dispatch(dispatch_id)
    return _corrected(
        lambda: corrections.outcome_withdraw(
            actor=request_user(request),
            dispatch=dispatch,
            reason=payload.reason,
            expected_version=payload.version,
        ),
        lambda: _dispatch_out(dispatch.pk),
    )


@router.post(
    "/dispatches/{dispatch_id}/dates/amend",
    response={200: DispatchOut, **ERRORS},
    summary="Correct the start, planned end or actual end of a dispatch, with a reason",
    description=(
        "Officers only. The same rules as recording the dates (an end after the start, within the "
        "programme's maximum, no actual end after today, no overlap with another dispatch of the "
        "person); the milestones and costs follow. `end_date` null withdraws a recorded end."
    ),
    operation_id="dispatch_dates_amend",
    auth=OFFICERS,
    url_name="dispatch_dates_amend",
)
def dispatch_dates_amend(
    request: HttpRequest, payload: DatesIn, dispatch_id: int = RecordId
) -> Status[dict[str, Any]]:
    dispatch = _dispatch(dispatch_id)
    return _corrected(
        lambda: corrections.dispatch_dates_amend(
            actor=request_user(request),
            dispatch=dispatch,
            start_date=payload.start_date,
            planned_end_date=payload.planned_end_date,
            end_date=payload.end_date,
            reason=payload.reason,
            expected_version=payload.version,
        ),
        lambda: _dispatch_out(dispatch.pk),
    )


@router.post(
    "/secondments/{secondment_id}/return/amend",
    response={200: SecondmentOut, **ERRORS},
    summary="Correct the recorded return to the ministry, with a reason",
    description=(
        "Officers, or the ministry's HR. The dispatch's end and the outcome of the return follow the "
        "new date; a date after today or before the start of the dispatch is refused."
    ),
    operation_id="return_amend",
    auth=RETURN_RECORDERS,
    url_name="return_amend",
)
def return_amend(
    request: HttpRequest, payload: ReturnAmendIn, secondment_id: int = RecordId
) -> Status[dict[str, Any]]:
    secondment = _secondment(secondment_id)
    return _corrected(
        lambda: corrections.secondment_return_amend(
            actor=request_user(request),
            secondment=secondment,
            returned_on=payload.returned_on,
            assignment_after_return=payload.assignment_after_return,
            reason=payload.reason,
            expected_version=payload.version,
        ),
        lambda: _secondment_out(secondment.pk),
    )


@router.post(
    "/secondments/{secondment_id}/return/withdraw",
    response={200: SecondmentOut, **ERRORS},
    summary="Withdraw a return to the ministry recorded by mistake, with a reason",
    description="The person is on dispatch again; the end and the outcome the return set are undone.",
    operation_id="return_withdraw",
    auth=RETURN_RECORDERS,
    url_name="return_withdraw",
)
def return_withdraw(
    request: HttpRequest, payload: WithdrawIn, secondment_id: int = RecordId
) -> Status[dict[str, Any]]:
    secondment = _secondment(secondment_id)
    return _corrected(
        lambda: corrections.secondment_return_withdraw(
            actor=request_user(request),
            secondment=secondment,
            reason=payload.reason,
            expected_version=payload.version,
        ),
        lambda: _secondment_out(secondment.pk),
    )

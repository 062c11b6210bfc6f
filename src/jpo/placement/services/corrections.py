"""Corrections of recorded steps: an outcome, a return to the ministry, the dates of a dispatch.

A recorded step is never a dead end: those entitled to record it may amend it or withdraw it, always
with a reason. Each correction is one audit record (`placement.*_amended` / `*_withdrawn`) holding the
reason and the values before and after, shown as the record's history on its page; the rows themselves
keep their django-simple-history trail. Figures computed from the rows (retention, headcount, costs)
read the corrected rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jpo.accounts import access
from jpo.accounts.models import AuditEvent, User
from jpo.accounts.services import audit_record
from jpo.placement.models import Dispatch, MilestoneKind, Outcome, OutcomeKind, Secondment
from jpo.placement.services.costs import dispatch_costs_refresh
from jpo.placement.services.dates import future_refusal
from jpo.placement.services.dispatches import (
    END_BEFORE_START,
    _overlap_check,
    _past_maximum,
    _schedule,
    milestone_dates,
)
from jpo.placement.services.outcomes import outcome_check, require_outcome_reporter
from jpo.placement.services.secondments import NO_ASSIGNMENT, RETURN_BEFORE_START
from jpo.placement.terms import dispatch_terms, end_after_years
from jpo.programme.models import Organization
from jpo.programme.rules.selectors import effective_rules
from jpo.safety.versions import version_claim

NO_REASON = gettext_lazy("Give the reason for the correction.")
RETURN_OUTCOME = gettext_lazy(
    "This outcome comes from the return to the ministry: amend or withdraw the return on the secondment."
)


def _reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": [NO_REASON]})
    return reason.strip()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return str(value.pk) if hasattr(value, "pk") else str(value)


def _outcome_values(outcome: Outcome) -> dict[str, str | None]:
    return {
        "kind": outcome.kind,
        "organization": outcome.organization.code if outcome.organization else None,
        "grade": outcome.grade,
        "contract_type": outcome.contract_type,
        "recorded_on": str(outcome.recorded_on),
    }


def _existing_outcome(dispatch: Dispatch) -> Outcome:
    outcome = Outcome.objects.select_related("organization").filter(dispatch=dispatch).first()
    if outcome is None:
        raise ValidationError(_("No outcome is recorded for this dispatch."))
    if outcome.kind == OutcomeKind.RETURNED_TO_MINISTRY and hasattr(dispatch, "secondment"):
        raise ValidationError(RETURN_OUTCOME)
    return outcome


def outcome_amend(
    *,
    actor: User,
    dispatch: Dispatch,
    reason: str,
    kind: str,
    recorded_on: dt.date,
    organization: Organization | None = None,
    grade: str = "",
    contract_type: str = "",
    notes: str = "",
    expected_version: int | None = None,
) -> Outcome:
    """Correct the recorded outcome (the same people and rules as recording it, plus a reason)."""
    require_outcome_reporter(actor, dispatch)
    why = _reason(reason)
    organization = outcome_check(
        dispatch=dispatch, kind=kind, recorded_on=recorded_on, organization=organization, grade=grade
    )
    with transaction.atomic():
        version_claim(dispatch, expected_version=expected_version)
        outcome = _existing_outcome(dispatch)
        before = _outcome_values(outcome)
        outcome.kind = kind
        outcome.organization = organization
        outcome.grade = grade.strip()
        outcome.contract_type = contract_type.strip()
        outcome.recorded_on = recorded_on
        outcome.notes = notes
        outcome.full_clean()
        outcome.save()
        dispatch.milestones.filter(kind=MilestoneKind.OUTCOME).update(done_on=recorded_on)
        audit_record(
            actor=actor,
            action="placement.outcome_amended",
            target=dispatch,
            data={"reason": why, "before": before, "after": _outcome_values(outcome)},
        )
    return outcome


def outcome_withdraw(
    *, actor: User, dispatch: Dispatch, reason: str, expected_version: int | None = None
) -> None:
    """Withdraw a recorded outcome: the dispatch counts as awaiting its outcome again."""
    require_outcome_reporter(actor, dispatch)
    why = _reason(reason)
    with transaction.atomic():
        version_claim(dispatch, expected_version=expected_version)
        outcome = _existing_outcome(dispatch)
        before = _outcome_values(outcome)
        outcome.delete()
        dispatch.milestones.filter(kind=MilestoneKind.OUTCOME).update(done_on=None)
        audit_record(
            actor=actor,
            action="placement.outcome_withdrawn",
            target=dispatch,
            data={"reason": why, "before": before, "after": {}},
        )


# --- The return to the ministry ---------------------------------------------------------------------


def _return_values(secondment: Secondment, dispatch: Dispatch) -> dict[str, str | None]:
    return {
        "returned_on": _text(secondment.returned_on),
        "assignment_after_return": secondment.assignment_after_return,
        "end_date": _text(dispatch.end_date),
    }


def _end_before_return(secondment: Secondment) -> dt.date | None:
    """The dispatch's end before the return set it (kept in the return's audit record)."""
    event = (
        AuditEvent.objects.filter(
            action="placement.secondment_return",
            target_type=secondment._meta.label_lower,
            target_id=str(secondment.pk),
        )
        .order_by("-at", "-id")
        .first()
    )
    raw = event.data.get("previous_end") if event else None
    return dt.date.fromisoformat(raw) if raw else None


def _returned(secondment: Secondment) -> Secondment:
    locked = Secondment.objects.select_for_update().select_related("dispatch").get(pk=secondment.pk)
    if locked.returned_on is None:
        raise ValidationError(_("No return to the ministry is recorded."))
    return locked


def secondment_return_amend(
    *,
    actor: User,
    secondment: Secondment,
    returned_on: dt.date,
    assignment_after_return: str,
    reason: str,
    expected_version: int | None = None,
) -> Secondment:
    """Correct the date of the return or the assignment after it; the dispatch's end and the outcome of
    the return follow the new date."""
    access.require_secondment_scope(actor, secondment)
    why = _reason(reason)
    with transaction.atomic():
        secondment = _returned(secondment)
        version_claim(secondment, expected_version=expected_version)
        dispatch = secondment.dispatch
        errors: dict[str, list[Any]] = {}
        if returned_on <= dispatch.start_date + dt.timedelta(days=1):
            errors["returned_on"] = [RETURN_BEFORE_START % {"start": dispatch.start_date}]
        future = future_refusal(returned_on, what=_("The return to the ministry"))
        if future:
            errors["returned_on"] = [future]
        if not assignment_after_return.strip():
            errors["assignment_after_return"] = [NO_ASSIGNMENT]
        if errors:
            raise ValidationError(errors)
        before = _return_values(secondment, dispatch)
        assert secondment.returned_on is not None
        old_last_day = min(secondment.returned_on - dt.timedelta(days=1), dispatch.planned_end_date)
        secondment.returned_on = returned_on
        secondment.assignment_after_return = assignment_after_return.strip()
        secondment.full_clean()
        secondment.save(update_fields=["returned_on", "assignment_after_return"])
        if dispatch.end_date == old_last_day:  # the end the return had set moves with it
            dispatch.end_date = min(returned_on - dt.timedelta(days=1), dispatch.planned_end_date)
            dispatch.save(update_fields=["end_date"])
            version_claim(dispatch, expected_version=None)
        if Outcome.objects.filter(dispatch=dispatch, kind=OutcomeKind.RETURNED_TO_MINISTRY).update(
            recorded_on=returned_on,
            notes=_("Assignment after return: %(a)s") % {"a": secondment.assignment_after_return},
        ):
            dispatch.milestones.filter(kind=MilestoneKind.OUTCOME).update(done_on=returned_on)
        audit_record(
            actor=actor,
            action="placement.return_amended",
            target=secondment,
            data={"reason": why, "before": before, "after": _return_values(secondment, dispatch)},
        )
        dispatch_costs_refresh(dispatch=dispatch, actor=actor)
    return secondment


def secondment_return_withdraw(
    *, actor: User, secondment: Secondment, reason: str, expected_version: int | None = None
) -> Secondment:
    """The return was recorded by mistake: the person is on dispatch again, the end the return set is
    undone and the outcome it created is withdrawn."""
    access.require_secondment_scope(actor, secondment)
    why = _reason(reason)
    with transaction.atomic():
        secondment = _returned(secondment)
        version_claim(secondment, expected_version=expected_version)
        dispatch = secondment.dispatch
        before = _return_values(secondment, dispatch)
        assert secondment.returned_on is not None
        set_by_return = min(secondment.returned_on - dt.timedelta(days=1), dispatch.planned_end_date)
        if dispatch.end_date == set_by_return:
            dispatch.end_date = _end_before_return(secondment)
            dispatch.save(update_fields=["end_date"])
            version_claim(dispatch, expected_version=None)
        if Outcome.objects.filter(dispatch=dispatch, kind=OutcomeKind.RETURNED_TO_MINISTRY).delete()[0]:
            dispatch.milestones.filter(kind=MilestoneKind.OUTCOME).update(done_on=None)
        secondment.returned_on = None
        secondment.assignment_after_return = ""
        secondment.save(update_fields=["returned_on", "assignment_after_return"])
        audit_record(
            actor=actor,
            action="placement.return_withdrawn",
            target=secondment,
            data={"reason": why, "before": before, "after": _return_values(secondment, dispatch)},
        )
        dispatch_costs_refresh(dispatch=dispatch, actor=actor)
    return secondment


# --- The dates of a dispatch ------------------------------------------------------------------------


def _dates(dispatch: Dispatch) -> dict[str, str | None]:
    return {
        "start_date": _text(dispatch.start_date),
        "planned_end_date": _text(dispatch.planned_end_date),
        "end_date": _text(dispatch.end_date),
    }


def dispatch_dates_amend(
    *,
    actor: User,
    dispatch: Dispatch,
    start_date: dt.date,
    planned_end_date: dt.date,
    end_date: dt.date | None,
    reason: str,
    expected_version: int | None = None,
) -> Dispatch:
    """Correct the start, the planned end or the actual end (empty: the recorded end is withdrawn).
    Officers only; the same rules as recording them, the milestones and costs follow."""
    if not access.is_officer(actor):
        raise PermissionDenied
    why = _reason(reason)
    with transaction.atomic():
        dispatch = (
            Dispatch.objects.select_for_update().select_related("application__cycle").get(pk=dispatch.pk)
        )
        version_claim(dispatch, expected_version=expected_version)
        errors: dict[str, list[Any]] = {}
        if planned_end_date <= start_date:
            errors["planned_end_date"] = [END_BEFORE_START]
        else:
            cycle = dispatch.application.cycle
            terms = dispatch_terms(cycle.fiscal_year, effective_rules(cycle))
            if terms.maximum_years is not None and planned_end_date > end_after_years(
                start_date, terms.maximum_years
            ):
                errors["planned_end_date"] = [_past_maximum(terms, start_date, cycle)]
        if end_date is not None:
            if end_date <= start_date:
                errors["end_date"] = [END_BEFORE_START]
            elif end_date > planned_end_date:
                errors["end_date"] = [
                    _("The end is after the planned end (%(end)s): extend the dispatch first.")
                    % {"end": planned_end_date}
                ]
            future = future_refusal(end_date, what=_("The actual end"))
            if future:
                errors["end_date"] = [future]
        outcome = Outcome.objects.filter(dispatch=dispatch).first()
        if outcome is not None and outcome.recorded_on < start_date:
            errors.setdefault("start_date", []).append(
                _("The outcome is dated %(day)s, before this start: amend the outcome first.")
                % {"day": outcome.recorded_on}
            )
        if errors:
            raise ValidationError(errors)
        _overlap_check(
            applicant_id=dispatch.application.applicant_id,
            start=start_date,
            end=end_date or planned_end_date,
            exclude=dispatch.pk,
        )
        before = _dates(dispatch)
        dispatch.start_date, dispatch.planned_end_date, dispatch.end_date = (
            start_date,
            planned_end_date,
            end_date,
        )
        dispatch.full_clean(exclude=["application", "post", "offer"])
        dispatch.save(update_fields=["start_date", "planned_end_date", "end_date"])
        due = milestone_dates(dispatch)
        for milestone in dispatch.milestones.filter(done_on__isnull=True):
            milestone.due_on = due[milestone.kind]
            milestone.save(update_fields=["due_on"])
            milestone.reminders.all().delete()  # a new due date asks again
        secondment = Secondment.objects.filter(dispatch=dispatch, returned_on__isnull=True).first()
        if secondment is not None and secondment.planned_return_date <= planned_end_date:
            secondment.planned_return_date = planned_end_date + dt.timedelta(days=1)
            secondment.save(update_fields=["planned_return_date"])
        dispatch_costs_refresh(dispatch=dispatch, actor=actor)
        audit_record(
            actor=actor,
            action="placement.dates_amended",
            target=dispatch,
            data={"reason": why, "before": before, "after": _dates(dispatch)},
        )
        _schedule(dispatch)
    return dispatch

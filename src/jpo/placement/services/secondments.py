"""Secondment of national civil servants (Dispatch Act, Act No. 117 of 1970): the ministry plans the
return, consults the NPA for periods over 5 years (NPA Rule 18-0) and records the return."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jpo.accounts import access
from jpo.accounts.models import User
from jpo.accounts.services import audit_record
from jpo.placement.models import Dispatch, MilestoneKind, Outcome, OutcomeKind, Secondment
from jpo.placement.services.costs import dispatch_costs_refresh
from jpo.placement.services.dates import future_refusal
from jpo.placement.terms import NPA_CONSULTATION_YEARS, add_years
from jpo.safety.versions import version_claim

RETURN_BEFORE_START = gettext_lazy("The return must come after the dispatch started (%(start)s).")
NO_ASSIGNMENT = gettext_lazy("Name the assignment after return, so the experience can be used.")
ALREADY_RETURNED = gettext_lazy("The return was already recorded on %(day)s.")


def needs_npa_consultation(*, start: dt.date, planned_return: dt.date) -> bool:
    """A dispatch period longer than 5 years needs consultation with the NPA (NPA Rule 18-0; NPA white paper FY2019: https://www.jinji.go.jp/hakusho/R1/1-2-01-2.html)."""
    return planned_return > add_years(start, NPA_CONSULTATION_YEARS)


def secondment_plan(
    *,
    actor: User,
    secondment: Secondment,
    planned_return_date: dt.date,
    npa_consulted_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Secondment:
    """Plan the return. `expected_version`: the secondment's version the form was read at."""
    access.require_secondment_scope(actor, secondment)
    with transaction.atomic():
        secondment = Secondment.objects.select_for_update().select_related("dispatch").get(pk=secondment.pk)
        version_claim(secondment, expected_version=expected_version)
        if secondment.returned_on is not None:
            raise ValidationError(ALREADY_RETURNED % {"day": secondment.returned_on})
        if planned_return_date <= secondment.dispatch.start_date:
            raise ValidationError(
                {"planned_return_date": [RETURN_BEFORE_START % {"start": secondment.dispatch.start_date}]}
            )
        future = future_refusal(npa_consulted_on, what=_("The NPA consultation"))
        if future:
            raise ValidationError({"npa_consulted_on": [future]})
        previous = secondment.planned_return_date
        secondment.planned_return_date = planned_return_date
        if npa_consulted_on is not None:
            secondment.npa_consulted_on = npa_consulted_on
        secondment.save(update_fields=["planned_return_date", "npa_consulted_on"])
        audit_record(
            actor=actor,
            action="placement.secondment_plan",
            target=secondment,
            data={
                "from": str(previous),
                "to": str(planned_return_date),
                "needs_npa": needs_npa_consultation(
                    start=secondment.dispatch.start_date, planned_return=planned_return_date
                ),
            },
        )
    return secondment


def secondment_record_return(
    *,
    actor: User,
    secondment: Secondment,
    returned_on: dt.date,
    assignment_after_return: str,
    expected_version: int | None = None,
) -> Secondment:
    """The civil servant is back at the ministry: the dispatch ends, the outcome says so (unless the JPO
    had already taken a post), and the assignment after return is kept."""
    access.require_secondment_scope(actor, secondment)
    with transaction.atomic():
        secondment = Secondment.objects.select_for_update().select_related("dispatch").get(pk=secondment.pk)
        version_claim(secondment, expected_version=expected_version)
        dispatch: Dispatch = secondment.dispatch
        errors: dict[str, list] = {}
        if secondment.returned_on is not None:
            raise ValidationError(ALREADY_RETURNED % {"day": secondment.returned_on})
        if returned_on <= dispatch.start_date + dt.timedelta(days=1):
            errors["returned_on"] = [RETURN_BEFORE_START % {"start": dispatch.start_date}]
        future = future_refusal(returned_on, what=_("The return to the ministry"))
        if future:
            errors["returned_on"] = [future]
        if not assignment_after_return.strip():
            errors["assignment_after_return"] = [NO_ASSIGNMENT]
        if errors:
            raise ValidationError(errors)
        secondment.returned_on = returned_on
        secondment.assignment_after_return = assignment_after_return.strip()
        secondment.full_clean()
        secondment.save(update_fields=["returned_on", "assignment_after_return"])
        previous_end = dispatch.end_date
        last_day = returned_on - dt.timedelta(days=1)
        if dispatch.end_date is None or dispatch.end_date > last_day:
            dispatch.end_date = min(last_day, dispatch.planned_end_date)
            dispatch.save(update_fields=["end_date"])
            version_claim(dispatch, expected_version=None)  # a dispatch form read before is now stale
        if not Outcome.objects.filter(dispatch=dispatch).exists():
            Outcome.objects.create(
                dispatch=dispatch,
                kind=OutcomeKind.RETURNED_TO_MINISTRY,
                recorded_on=returned_on,
                notes=_("Assignment after return: %(a)s") % {"a": secondment.assignment_after_return},
            )
            dispatch.milestones.filter(kind=MilestoneKind.OUTCOME, done_on__isnull=True).update(
                done_on=returned_on
            )
        audit_record(
            actor=actor,
            action="placement.secondment_return",
            target=secondment,
            data={
                "returned_on": str(returned_on),
                "assignment": secondment.assignment_after_return,
                # What the dispatch's end was before the return set it, so a withdrawal restores it.
                "previous_end": str(previous_end) if previous_end else None,
            },
        )
        dispatch_costs_refresh(dispatch=dispatch, actor=actor)
    return secondment

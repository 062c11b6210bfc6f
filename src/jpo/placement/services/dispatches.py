"""Dispatches: creation from a confirmed offer (with the secondment of a civil servant), extensions up to
the policy maximum, the actual end, milestones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jpo.accounts import access
from jpo.accounts.models import User
from jpo.accounts.services import audit_record
from jpo.placement.models import Dispatch, Extension, Milestone, MilestoneKind, Offer, OfferStatus, Secondment
from jpo.placement.services.costs import dispatch_costs_refresh
from jpo.placement.services.dates import future_refusal
from jpo.placement.terms import dispatch_terms, end_after_years, start_rule
from jpo.programme.rules.selectors import effective_rules
from jpo.safety.versions import version_claim

# Error messages (tests reuse them).
END_BEFORE_START = gettext_lazy("The end must come after the start.")
OVERLAP = gettext_lazy("%(who)s already has a dispatch from %(start)s to %(end)s that overlaps these dates.")
PAST_MAXIMUM = gettext_lazy(
    "A dispatch may last at most %(years)s years (until %(limit)s) under the policy for %(cycle)s (%(source)s)."
)
NO_MINISTRY = gettext_lazy("A national civil servant must name a home ministry before being dispatched.")
NO_CONSENT = gettext_lazy(
    "The employee's consent must be recorded before a civil servant is dispatched (Dispatch Act, Art. 2(2))."
)
NO_REASON = gettext_lazy("An extension needs a reason.")
CONSENT_AFTER_START = gettext_lazy(
    "The employee's consent must be given before the dispatch starts (Dispatch Act, Art. 2(2))."
)
LATE_START = gettext_lazy("The dispatch must start by %(deadline)s (%(source)s).")


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def milestone_dates(dispatch: Dispatch) -> dict[str, dt.date]:
    """Health check and training before departure; retention outlook 6 months before the end; outcome at the end."""
    return {
        MilestoneKind.HEALTH_CHECK: dispatch.start_date,
        MilestoneKind.TRAINING: dispatch.start_date,
        MilestoneKind.RETENTION_OUTLOOK: add_months(dispatch.planned_end_date, -6),
        MilestoneKind.OUTCOME: dispatch.planned_end_date,
    }


def _overlap_check(*, applicant_id: int, start: dt.date, end: dt.date, exclude: int | None = None) -> None:
    others = Dispatch.objects.filter(
        application__applicant_id=applicant_id, start_date__lte=end
    ).select_related("application__applicant")
    if exclude is not None:
        others = others.exclude(pk=exclude)
    for other in others.filter(
        Q(end_date__gte=start) | Q(end_date__isnull=True, planned_end_date__gte=start)
    ):
        raise ValidationError(
            OVERLAP % {"who": other.application.applicant, "start": other.start_date, "end": other.last_day}
        )


def _schedule(dispatch: Dispatch) -> None:
    from jpo.placement.tasks import schedule_milestone_reminders

    dispatch_id = dispatch.pk
    transaction.on_commit(lambda: schedule_milestone_reminders(dispatch_id=dispatch_id))


def dispatch_create(
    *,
    actor: User,
    offer: Offer,
    start_date: dt.date,
    planned_end_date: dt.date | None = None,
    duty_station: str = "",
    consent_recorded_on: dt.date | None = None,
    planned_return_date: dt.date | None = None,
) -> Dispatch:
    """Dispatch the candidate whose acceptance of `offer` the organization confirmed. Refuses (nothing saved) on any broken rule."""
    if not access.is_officer(actor):
        raise PermissionDenied
    offer = Offer.objects.select_related(
        "application__applicant", "application__cycle", "application__ministry", "post"
    ).get(pk=offer.pk)
    application = offer.application
    cycle = application.cycle
    errors: dict[str, list[Any]] = {}
    if offer.status != OfferStatus.CONFIRMED:
        raise ValidationError(_("Only an offer confirmed by the organization can become a dispatch."))
    if hasattr(application, "dispatch"):
        raise ValidationError(_("This candidate is already dispatched."))
    rules = effective_rules(cycle)
    deadline = start_rule(cycle.fiscal_year, rules)  # enforced only where a source (or rule set) gives it
    if deadline.value is not None and start_date > deadline.value:
        errors.setdefault("start_date", []).append(
            LATE_START % {"deadline": deadline.value, "source": deadline.source}
        )
    terms = dispatch_terms(cycle.fiscal_year, rules)
    if planned_end_date is None:
        if terms.years is None:
            errors.setdefault("planned_end_date", []).append(
                _("The policy gives no dispatch length for %(cycle)s: enter the planned end.")
                % {"cycle": cycle}
            )
        else:
            planned_end_date = end_after_years(start_date, terms.years)
    if planned_end_date is not None:
        if planned_end_date <= start_date:
            errors.setdefault("planned_end_date", []).append(END_BEFORE_START)
        elif terms.maximum_years is not None and planned_end_date > end_after_years(
            start_date, terms.maximum_years
        ):
            errors.setdefault("planned_end_date", []).append(_past_maximum(terms, start_date, cycle))
    if application.is_civil_servant:
        if application.ministry_id is None:
            errors.setdefault("ministry", []).append(NO_MINISTRY)
        if consent_recorded_on is None:
            errors.setdefault("consent_recorded_on", []).append(NO_CONSENT)
        elif consent_recorded_on > start_date:
            errors.setdefault("consent_recorded_on", []).append(CONSENT_AFTER_START)
        else:
            future = future_refusal(consent_recorded_on, what=_("The employee's consent"))
            if future:
                errors.setdefault("consent_recorded_on", []).append(future)
    if errors:
        raise ValidationError(errors)
    assert planned_end_date is not None
    with transaction.atomic():
        _overlap_check(applicant_id=application.applicant_id, start=start_date, end=planned_end_date)
        dispatch = Dispatch(
            application=application,
            post=offer.post,
            offer=offer,
            duty_station=duty_station or offer.post.duty_station,
            start_date=start_date,
            planned_end_date=planned_end_date,
        )
        dispatch.full_clean()
        dispatch.save()
        if application.is_civil_servant:
            assert application.ministry_id is not None and consent_recorded_on is not None
            secondment = Secondment(
                dispatch=dispatch,
                ministry_id=application.ministry_id,
                consent_recorded_on=consent_recorded_on,
                planned_return_date=planned_return_date or planned_end_date + dt.timedelta(days=1),
            )
            secondment.full_clean()
            secondment.save()
        Milestone.objects.bulk_create(
            Milestone(dispatch=dispatch, kind=kind, due_on=due)
            for kind, due in milestone_dates(dispatch).items()
        )
        dispatch_costs_refresh(dispatch=dispatch, actor=actor)
        audit_record(
            actor=actor,
            action="placement.dispatch_create",
            target=dispatch,
            data={"start": str(start_date), "planned_end": str(planned_end_date)},
        )
        _schedule(dispatch)
    return dispatch


def _past_maximum(terms, start: dt.date, cycle) -> str:
    assert terms.maximum_years is not None
    return PAST_MAXIMUM % {
        "years": terms.maximum_years,
        "limit": end_after_years(start, terms.maximum_years),
        "cycle": cycle,
        "source": terms.source,
    }


def dispatch_extend(
    *,
    actor: User,
    dispatch: Dispatch,
    new_planned_end: dt.date,
    reason: str,
    expected_version: int | None = None,
) -> Extension:
    """Extend the planned end. `expected_version`: the dispatch's version the form was read at."""
    if not access.is_officer(actor):
        raise PermissionDenied
    with transaction.atomic():
        dispatch = (
            Dispatch.objects.select_for_update().select_related("application__cycle").get(pk=dispatch.pk)
        )
        version_claim(dispatch, expected_version=expected_version)
        cycle = dispatch.application.cycle
        errors: dict[str, list[Any]] = {}
        if not reason.strip():
            errors["reason"] = [NO_REASON]
        if dispatch.end_date is not None:
            errors.setdefault("new_planned_end", []).append(
                _("This dispatch has ended; it cannot be extended.")
            )
        if new_planned_end <= dispatch.planned_end_date:
            errors.setdefault("new_planned_end", []).append(
                _("The new end must come after the current planned end (%(end)s).")
                % {"end": dispatch.planned_end_date}
            )
        terms = dispatch_terms(cycle.fiscal_year, effective_rules(cycle))
        if terms.maximum_years is None:
            errors.setdefault("new_planned_end", []).append(
                _(
                    "The policy gives no maximum dispatch length for %(cycle)s; the extension cannot be checked."
                )
                % {"cycle": cycle}
            )
        elif new_planned_end > end_after_years(dispatch.start_date, terms.maximum_years):
            errors.setdefault("new_planned_end", []).append(_past_maximum(terms, dispatch.start_date, cycle))
        if errors:
            raise ValidationError(errors)
        _overlap_check(
            applicant_id=dispatch.application.applicant_id,
            start=dispatch.start_date,
            end=new_planned_end,
            exclude=dispatch.pk,
        )
        extension = Extension.objects.create(
            dispatch=dispatch,
            previous_planned_end=dispatch.planned_end_date,
            new_planned_end=new_planned_end,
            reason=reason.strip(),
            decided_by=actor,
        )
        dispatch.planned_end_date = new_planned_end
        dispatch.extension_reason = reason.strip()
        dispatch.save(update_fields=["planned_end_date", "extension_reason"])
        dates = milestone_dates(dispatch)
        for milestone in dispatch.milestones.filter(
            done_on__isnull=True, kind__in=[MilestoneKind.RETENTION_OUTLOOK, MilestoneKind.OUTCOME]
        ):
            milestone.due_on = dates[milestone.kind]
            milestone.save(update_fields=["due_on"])
            milestone.reminders.all().delete()  # a new due date asks again
        secondment = Secondment.objects.filter(dispatch=dispatch).first()
        if secondment is not None and secondment.planned_return_date <= new_planned_end:
            secondment.planned_return_date = new_planned_end + dt.timedelta(days=1)
            secondment.save(update_fields=["planned_return_date"])
            version_claim(secondment, expected_version=None)  # a plan form read before is now stale
        dispatch_costs_refresh(dispatch=dispatch, actor=actor)
        audit_record(
            actor=actor,
            action="placement.dispatch_extend",
            target=dispatch,
            data={"from": str(extension.previous_planned_end), "to": str(new_planned_end), "reason": reason},
        )
        _schedule(dispatch)
    return extension


def dispatch_end(
    *, actor: User, dispatch: Dispatch, end_date: dt.date, expected_version: int | None = None
) -> Dispatch:
    """Record the actual last day (an early end, or the planned end reached)."""
    if not access.is_officer(actor):
        raise PermissionDenied
    with transaction.atomic():
        dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        version_claim(dispatch, expected_version=expected_version)
        if end_date <= dispatch.start_date:
            raise ValidationError({"end_date": [END_BEFORE_START]})
        future = future_refusal(end_date, what=_("The actual end"))
        if future:
            raise ValidationError({"end_date": [future]})
        if end_date > dispatch.planned_end_date:
            raise ValidationError(
                {
                    "end_date": [
                        _("The end is after the planned end (%(end)s): extend the dispatch first.")
                        % {"end": dispatch.planned_end_date}
                    ]
                }
            )
        dispatch.end_date = end_date
        dispatch.save(update_fields=["end_date"])
        dispatch_costs_refresh(dispatch=dispatch, actor=actor)
        audit_record(
            actor=actor, action="placement.dispatch_end", target=dispatch, data={"end": str(end_date)}
        )
    return dispatch


def milestone_complete(*, actor: User, milestone: Milestone, done_on: dt.date, notes: str = "") -> Milestone:
    dispatch = milestone.dispatch
    access.require_dispatch_scope(actor, dispatch)
    if access.is_ministry_hr(actor):
        raise PermissionDenied
    if milestone.kind == MilestoneKind.OUTCOME:
        raise ValidationError(_("The outcome milestone is completed by recording the outcome."))
    future = future_refusal(done_on, what=_("The day the step was done"))
    if future:
        raise ValidationError({"done_on": [future]})
    with transaction.atomic():
        milestone.done_on = done_on
        milestone.notes = notes
        milestone.save(update_fields=["done_on", "notes"])
        audit_record(
            actor=actor, action="placement.milestone_done", target=milestone, data={"kind": milestone.kind}
        )
    return milestone

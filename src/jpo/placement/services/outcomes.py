"""Outcomes of dispatches and later career follow-up."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jpo.accounts import access
from jpo.accounts.models import User
from jpo.accounts.services import audit_record
from jpo.placement.models import CareerFollowUp, Dispatch, MilestoneKind, Outcome, OutcomeKind
from jpo.placement.services.dates import future_refusal
from jpo.programme.models import Organization
from jpo.safety.versions import version_claim


def outcome_record(
    *,
    actor: User,
    dispatch: Dispatch,
    kind: str,
    recorded_on: dt.date,
    organization: Organization | None = None,
    grade: str = "",
    contract_type: str = "",
    notes: str = "",
    expected_version: int | None = None,
) -> Outcome:
    """Record the outcome of a dispatch: officers, or the host organization's focal point. Once recorded it
    is corrected with a reason (`outcome_amend`, `outcome_withdraw`), never overwritten silently.
    `expected_version`: the dispatch's version the form was read at."""
    require_outcome_reporter(actor, dispatch)
    organization = outcome_check(
        dispatch=dispatch, kind=kind, recorded_on=recorded_on, organization=organization, grade=grade
    )
    with transaction.atomic():
        version_claim(dispatch, expected_version=expected_version)
        if Outcome.objects.filter(dispatch=dispatch).exists():
            raise ValidationError(ALREADY_RECORDED)
        outcome = Outcome(
            dispatch=dispatch,
            kind=kind,
            organization=organization,
            grade=grade.strip(),
            contract_type=contract_type.strip(),
            recorded_on=recorded_on,
            notes=notes,
        )
        outcome.full_clean()
        outcome.save()
        dispatch.milestones.filter(kind=MilestoneKind.OUTCOME, done_on__isnull=True).update(
            done_on=recorded_on
        )
        audit_record(
            actor=actor, action="placement.outcome", target=outcome, data={"kind": kind, "created": True}
        )
    return outcome


ALREADY_RECORDED = gettext_lazy("The outcome is already recorded: amend it (with a reason) instead.")


def require_outcome_reporter(actor: User, dispatch: Dispatch) -> None:
    """Officers, or the focal point of the host organization."""
    access.require_dispatch_scope(actor, dispatch)
    if not (access.is_officer(actor) or access.is_focal_point(actor)):
        raise PermissionDenied


def outcome_check(
    *,
    dispatch: Dispatch,
    kind: str,
    recorded_on: dt.date,
    organization: Organization | None,
    grade: str,
) -> Organization | None:
    """The rules of an outcome (ValidationError naming the fields); returns the organization to store."""
    errors: dict[str, list[str]] = {}
    if kind not in OutcomeKind.values:
        errors["kind"] = [_("Unknown outcome.")]
    if kind == OutcomeKind.REGULAR_POST_SAME:
        organization = organization or dispatch.post.organization
        if organization.pk != dispatch.post.organization_id:
            errors["organization"] = [
                _("A regular post at the same organization names the host organization.")
            ]
    if kind == OutcomeKind.OTHER_ORGANIZATION:
        if organization is None:
            errors["organization"] = [_("Name the other international organization.")]
        elif organization.pk == dispatch.post.organization_id:
            errors["organization"] = [
                _("That is the host organization: choose “regular post at the same organization”.")
            ]
    if kind in (OutcomeKind.REGULAR_POST_SAME, OutcomeKind.OTHER_ORGANIZATION) and not grade.strip():
        errors["grade"] = [_("Give the grade of the post.")]
    if kind == OutcomeKind.RETURNED_TO_MINISTRY:
        errors["kind"] = [
            _("A return to the ministry is recorded on the secondment (by the ministry or an officer).")
        ]
    if kind in (OutcomeKind.OTHER_EMPLOYMENT, OutcomeKind.UNKNOWN):
        organization = None
    if recorded_on < dispatch.start_date:
        errors["recorded_on"] = [_("The outcome cannot be recorded before the dispatch started.")]
    future = future_refusal(recorded_on, what=_("The date of the outcome"))
    if future:
        errors["recorded_on"] = [future]
    if errors:
        raise ValidationError(errors)
    return organization


def follow_up_record(
    *,
    actor: User,
    dispatch: Dispatch,
    recorded_on: dt.date,
    organization: Organization | None = None,
    grade: str = "",
    senior_post: bool = False,
    notes: str = "",
) -> CareerFollowUp:
    access.require_dispatch_scope(actor, dispatch)
    if not (access.is_officer(actor) or access.is_focal_point(actor)):
        raise PermissionDenied
    if recorded_on < dispatch.start_date:
        raise ValidationError({"recorded_on": [_("A follow-up cannot predate the dispatch.")]})
    future = future_refusal(recorded_on, what=_("The date of the follow-up"))
    if future:
        raise ValidationError({"recorded_on": [future]})
    if not (grade.strip() or notes.strip()):
        raise ValidationError({"grade": [_("Give the grade reached or a note.")]})
    with transaction.atomic():
        follow_up = CareerFollowUp.objects.create(
            dispatch=dispatch,
            recorded_on=recorded_on,
            organization=organization,
            grade=grade.strip(),
            senior_post=senior_post,
            notes=notes,
        )
        audit_record(actor=actor, action="placement.follow_up", target=follow_up, data={"grade": grade})
    return follow_up

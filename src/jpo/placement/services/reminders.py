"""Milestone reminders: who is asked what, and when. Run by the background tasks in `jpo.placement.tasks`.

- Retention outlook: 6 months before the planned end, the JPO and the host organization's focal points
  are asked for the outlook of a regular post.
- Outcome: at the planned end, the officers and the focal points are asked to record the outcome;
  until they do, the dispatch is listed as an overdue outcome.
- Health check and pre-departure training: officers and the JPO are reminded `BEFORE_DEPARTURE_DAYS`
  before the start (an operational choice of this system, not a programme rule).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jpo.accounts.models import Role, User
from jpo.placement.models import Milestone, MilestoneKind, Reminder
from jpo.placement.services.notify import send_on_commit

BEFORE_DEPARTURE_DAYS = 30


def fire_date(milestone: Milestone) -> dt.date:
    if milestone.kind in (MilestoneKind.HEALTH_CHECK, MilestoneKind.TRAINING):
        return milestone.due_on - dt.timedelta(days=BEFORE_DEPARTURE_DAYS)
    return milestone.due_on


def _recipients(milestone: Milestone) -> list[tuple[User | None, str]]:
    dispatch = milestone.dispatch
    applicant = dispatch.application.applicant
    jpo: list[tuple[User | None, str]] = [
        (applicant.user, applicant.user.email if applicant.user else applicant.email)
    ]
    focal = [
        (u, u.email)
        for u in User.objects.filter(
            role=Role.FOCAL_POINT, organization_id=dispatch.post.organization_id, is_active=True
        )
    ]
    officers: list[tuple[User | None, str]] = [
        (u, u.email) for u in User.objects.filter(role=Role.OFFICER, is_active=True)
    ]
    if milestone.kind == MilestoneKind.RETENTION_OUTLOOK:
        return jpo + focal
    if milestone.kind == MilestoneKind.OUTCOME:
        return officers + focal
    return officers + jpo


def _message(milestone: Milestone) -> tuple[str, str]:
    dispatch = milestone.dispatch
    who = dispatch.application.applicant
    post = dispatch.post
    if milestone.kind == MilestoneKind.RETENTION_OUTLOOK:
        return (
            _("JPO retention outlook requested: %(who)s") % {"who": who},
            _(
                "The dispatch of %(who)s at %(post)s ends on %(end)s. Please report the outlook for a regular post "
                "after the dispatch in the JPO system."
            )
            % {"who": who, "post": post, "end": dispatch.planned_end_date},
        )
    if milestone.kind == MilestoneKind.OUTCOME:
        return (
            _("JPO outcome required: %(who)s") % {"who": who},
            _(
                "The dispatch of %(who)s at %(post)s ended on %(end)s. Please record its outcome in the JPO system."
            )
            % {"who": who, "post": post, "end": dispatch.planned_end_date},
        )
    return (
        _("%(step)s due: %(who)s") % {"step": milestone.get_kind_display(), "who": who},
        _("%(step)s for %(who)s is due by %(due)s, before the dispatch to %(post)s.")
        % {"step": milestone.get_kind_display(), "who": who, "due": milestone.due_on, "post": post},
    )


def milestone_remind(*, milestone: Milestone, today: dt.date) -> list[Reminder]:
    """Send the reminders of one milestone if it is open and due; idempotent (one per recipient)."""
    if milestone.done_on is not None or fire_date(milestone) > today:
        return []
    if milestone.kind == MilestoneKind.OUTCOME and hasattr(milestone.dispatch, "outcome"):
        return []
    subject, body = _message(milestone)
    created = []
    for user, email in _recipients(milestone):
        if not email:
            continue
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    milestone=milestone,
                    recipient=user,
                    email=email,
                    subject=subject,
                    body=body,
                    emailed_at=timezone.now(),
                )
        except IntegrityError:  # already reminded
            continue
        send_on_commit(recipients=[email], subject=subject, body=body)
        created.append(reminder)
    return created


def reminders_send_due(*, today: dt.date) -> int:
    """Every open milestone whose reminder date has come (the daily sweep)."""
    count = 0
    lead = dt.timedelta(days=BEFORE_DEPARTURE_DAYS)
    milestones = Milestone.objects.filter(done_on__isnull=True, due_on__lte=today + lead).select_related(
        "dispatch__application__applicant__user", "dispatch__post__organization", "dispatch__outcome"
    )
    for milestone in milestones:
        with transaction.atomic():
            count += len(milestone_remind(milestone=milestone, today=today))
    return count

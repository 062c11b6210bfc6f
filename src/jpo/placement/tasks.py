"""Background work (django-tasks on the project's database; the worker is `jpo db_worker`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from jpo.placement.models import Milestone
from jpo.placement.services.dates import TOKYO, today_in_tokyo


@task()
def send_due_reminders() -> int:
    """The daily sweep: remind about every open milestone whose date has come."""
    from jpo.placement.services.reminders import reminders_send_due

    return reminders_send_due(today=today_in_tokyo())


@task()
def remind_milestone(milestone_id: int) -> int:
    """One milestone, enqueued to run on its reminder date."""
    from jpo.placement.services.reminders import milestone_remind

    milestone = (
        Milestone.objects.filter(pk=milestone_id)
        .select_related("dispatch__application__applicant__user", "dispatch__post")
        .first()
    )
    if milestone is None:
        return 0
    with transaction.atomic():
        return len(milestone_remind(milestone=milestone, today=today_in_tokyo()))


def schedule_milestone_reminders(*, dispatch_id: int) -> None:
    """Enqueue one reminder task per open milestone of a dispatch, to run on its reminder date (Tokyo 09:00).
    A task that runs after the milestone changed simply finds nothing to do (idempotent)."""
    from jpo.placement.services.reminders import fire_date

    for milestone in Milestone.objects.filter(dispatch_id=dispatch_id, done_on__isnull=True):
        when = dt.datetime.combine(fire_date(milestone), dt.time(9, 0), tzinfo=TOKYO)
        remind_milestone.using(run_after=max(when, timezone.now())).enqueue(milestone.pk)

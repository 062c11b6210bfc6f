"""Reminders run as django-tasks on the database backend; the real worker (`db_worker --batch`) runs them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from jpo.accounts.models import Role
from jpo.outbox.services import emails_send_due
from jpo.placement.models import MilestoneKind, Reminder
from jpo.placement.services.dispatches import dispatch_extend, milestone_complete
from jpo.placement.services.outcomes import outcome_record
from jpo.placement.services.reminders import milestone_remind, reminders_send_due
from jpo.placement.tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def test_dispatch_enqueues_one_task_per_milestone_and_the_worker_runs_them(make_user) -> None:
    officer = f.officer()
    today = dt.date.today()
    cycle = f.cycle(today.year if today.month >= 4 else today.year - 1)
    org = f.organization()
    make_user(Role.FOCAL_POINT, organization=org)
    # A dispatch that started 19 months ago: its retention-outlook reminder date has passed.
    start = today - dt.timedelta(days=580)
    old_cycle = f.cycle(start.year - 1 if start.month < 2 else start.year)
    dispatch = f.dispatched(actor=officer, cycle_row=old_cycle, org=org, start=start)
    assert cycle
    assert DBTaskResult.objects.filter(task_path__endswith="remind_milestone").count() == 4
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "default", verbosity=0)
    outlook = dispatch.milestones.get(kind=MilestoneKind.RETENTION_OUTLOOK)
    reminders = Reminder.objects.filter(milestone=outlook)
    emails = set(reminders.values_list("email", flat=True))
    assert dispatch.application.applicant.email in emails
    assert any(e.startswith("focal_point") for e in emails)
    assert any(m.subject.startswith("JPO retention outlook") or "JPO" in m.subject for m in mail.outbox)
    # The outcome is not due yet: no reminder about it.
    assert not Reminder.objects.filter(milestone__kind=MilestoneKind.OUTCOME).exists()


@pytest.mark.usefixtures("later")
def test_reminders_are_sent_once_and_stop_when_the_outcome_is_recorded(make_user) -> None:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer, start=dt.date(2025, 1, 6))
    before_departure = dispatch.milestones.filter(
        kind__in=[MilestoneKind.HEALTH_CHECK, MilestoneKind.TRAINING]
    )
    assert reminders_send_due(today=dt.date(2024, 12, 7)) >= 2  # 30 days before the start
    for milestone in before_departure:
        milestone_complete(actor=officer, milestone=milestone, done_on=dt.date(2024, 12, 10))
    emails_send_due()  # the outbox's sweep sends the queued e-mails (the worker's reminder tasks stay)
    mail.outbox.clear()
    assert reminders_send_due(today=dt.date(2026, 7, 4)) == 0  # the day before the 6-month mark
    first = reminders_send_due(today=dt.date(2026, 7, 5))
    assert first >= 1
    assert reminders_send_due(today=dt.date(2026, 7, 6)) == 0  # idempotent
    emails_send_due()
    assert len(mail.outbox) == first
    outcome_milestone = dispatch.milestones.get(kind=MilestoneKind.OUTCOME)
    assert milestone_remind(
        milestone=outcome_milestone, today=dt.date(2027, 1, 5)
    )  # the end: ask for the outcome
    outcome_record(actor=officer, dispatch=dispatch, kind="unknown", recorded_on=dt.date(2027, 1, 6))
    outcome_milestone.refresh_from_db()
    assert outcome_milestone.done_on == dt.date(2027, 1, 6)


def test_extension_moves_the_reminders(make_user) -> None:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer, start=dt.date(2025, 1, 6))
    dispatch.milestones.filter(kind__in=[MilestoneKind.HEALTH_CHECK, MilestoneKind.TRAINING]).update(
        done_on=dt.date(2025, 1, 1)
    )
    reminders_send_due(today=dt.date(2026, 7, 5))
    assert Reminder.objects.filter(milestone__kind=MilestoneKind.RETENTION_OUTLOOK).exists()
    dispatch_extend(
        actor=officer, dispatch=dispatch, new_planned_end=dt.date(2028, 1, 5), reason="post pending"
    )
    assert not Reminder.objects.filter(milestone__kind=MilestoneKind.RETENTION_OUTLOOK).exists()
    assert reminders_send_due(today=dt.date(2026, 7, 6)) == 0
    assert reminders_send_due(today=dt.date(2027, 7, 5)) >= 1


def test_sweep_command_runs_now(capsys) -> None:
    call_command("placement_reminders", "--now")
    assert "reminders sent" in capsys.readouterr().out
    call_command("placement_reminders")
    assert DBTaskResult.objects.filter(task_path__endswith="send_due_reminders").exists()


def test_an_offer_schedules_its_own_lapse_just_after_the_deadline(make_user) -> None:
    from jpo.placement.models import Offer, OfferStatus
    from jpo.placement.services.dates import TOKYO, today_in_tokyo
    from jpo.placement.services.matching import match_run_create, match_run_send
    from jpo.placement.services.offers import lapse_offer

    officer = f.officer()
    cycle = f.cycle(2024)
    org = f.organization()
    f.post(actor=officer, cycle_row=cycle, org=org)
    f.candidate(cycle_row=cycle, preferences=[org], actor=officer)
    [offer] = match_run_send(actor=officer, run=match_run_create(actor=officer, cycle=cycle))
    task = DBTaskResult.objects.get(task_path__endswith="lapse_offer")
    assert offer.respond_by is not None
    deadline_over = dt.datetime.combine(offer.respond_by + dt.timedelta(days=1), dt.time(0, 5), tzinfo=TOKYO)
    assert task.run_after == deadline_over
    assert offer.respond_by > today_in_tokyo()
    # Run early (or twice) it changes nothing; once the deadline is over the offer lapses.
    assert lapse_offer.call(offer.pk) == 0
    Offer.objects.filter(pk=offer.pk).update(respond_by=today_in_tokyo() - dt.timedelta(days=1))
    assert lapse_offer.call(offer.pk) == 1
    offer.refresh_from_db()
    assert offer.status == OfferStatus.LAPSED

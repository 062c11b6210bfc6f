"""The outbox: recorded before sending, sent after commit, retried with back-off, sent once."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from jpo.outbox.models import Email, EmailState
from jpo.outbox.services import BACKOFF, MAX_ATTEMPTS, email_queue, email_send, emails_send_due
from jpo.outbox.tests.smtp import SMTP_BACKEND, smtp_down, smtp_up

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.mark.django_db
def test_an_email_is_recorded_in_the_transaction_and_sent_only_after_commit(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        (email,) = email_queue(
            recipients=["a@example.jp", " a@example.jp", ""], subject="Hello\nthere", body="B", kind="test"
        )
        assert Email.objects.get().state == EmailState.PENDING
        assert mail.outbox == []
    email.refresh_from_db()
    assert (email.state, email.attempts, email.subject) == (EmailState.SENT, 1, "Hello there")
    assert [m.to for m in mail.outbox] == [["a@example.jp"]]


@pytest.mark.django_db
def test_a_rolled_back_change_sends_nothing(settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        email_queue(recipients=["a@example.jp"], subject="S", body="B", kind="test")
        raise RuntimeError("the change failed")
    assert Email.objects.count() == 0 and mail.outbox == []


@pytest.mark.django_db
def test_smtp_down_is_retried_with_backoff_then_marked_failed_with_the_error(settings: Any) -> None:
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    (email,) = email_queue(recipients=["a@example.jp"], subject="S", body="B", kind="test")
    now = timezone.now()
    waits = []
    with smtp_down():
        for attempt in range(1, MAX_ATTEMPTS + 1):
            assert email_send(email_id=email.pk, now=now - dt.timedelta(seconds=1)) == "skipped"
            state = email_send(email_id=email.pk, now=now)
            email.refresh_from_db()
            assert email.attempts == attempt
            assert "ConnectionRefusedError" in email.last_error
            if attempt < MAX_ATTEMPTS:
                assert state == EmailState.PENDING
                waits.append(email.next_attempt_at - now)
                now = email.next_attempt_at
            else:
                assert state == EmailState.FAILED
    assert waits == list(BACKOFF)
    assert email.state == EmailState.FAILED and email.sent_at is None


@pytest.mark.django_db
def test_after_smtp_comes_back_the_sweep_sends_what_is_due(settings: Any) -> None:
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.TASKS = IMMEDIATE
    with smtp_down():
        (email,) = email_queue(recipients=["a@example.jp"], subject="Subject", body="Body", kind="test")
        email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.state == EmailState.PENDING and email.attempts == 1
    with smtp_up() as received:
        assert emails_send_due(now=email.next_attempt_at - dt.timedelta(seconds=1))["sent"] == 0
        assert emails_send_due(now=email.next_attempt_at)["sent"] == 1
        assert emails_send_due(now=email.next_attempt_at)["sent"] == 0  # sent once
    assert [to for _, to, _ in received] == [["a@example.jp"]]
    email.refresh_from_db()
    assert email.state == EmailState.SENT and email.attempts == 2 and email.last_error == ""


@pytest.mark.django_db
def test_an_email_whose_worker_died_mid_send_is_sent_by_the_sweep(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    (email,) = email_queue(recipients=["a@example.jp"], subject="S", body="B", kind="test")
    now = timezone.now()
    # A worker claimed it and was killed: the row stays "sending" with a lease.
    Email.objects.filter(pk=email.pk).update(
        state=EmailState.SENDING, attempts=1, lease_until=now + dt.timedelta(minutes=5)
    )
    assert emails_send_due(now=now) == {"recovered": 0, "sent": 0, "retrying": 0, "failed": 0}
    later = now + dt.timedelta(minutes=6)
    assert emails_send_due(now=later)["sent"] == 1
    email.refresh_from_db()
    assert email.state == EmailState.SENT and email.attempts == 2
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_outbox_send_command_reports_what_it_did(settings: Any, capsys: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    email_queue(recipients=["a@example.jp", "b@example.jp"], subject="S", body="B", kind="test")
    call_command("outbox_send")
    assert "sent=2" in capsys.readouterr().out
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_run_each_task_exactly_once(settings: Any) -> None:
    """The loop of `jpo db_worker` (its Worker, without the signal handlers a thread cannot set), twice
    at once on one queue: each e-mail task is claimed by one of them and runs once."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        pytest.skip(
            "two workers need a database file or server; the in-memory test database is one connection"
        )
    emails = email_queue(
        recipients=[f"user{i}@example.jp" for i in range(30)], subject="S", body="B", kind="test"
    )
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.count() == 30
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            Worker(
                queue_names=["default"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=name,
                excluded_queue_names=[],
            ).run()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"worker{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.recipient for e in emails)
    assert set(Email.objects.values_list("state", "attempts")) == {(EmailState.SENT, 1)}
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 30
    ran_by = list(DBTaskResult.objects.values_list("worker_ids", flat=True))
    assert all(len(ids) == 1 for ids in ran_by)  # no task was claimed by two workers

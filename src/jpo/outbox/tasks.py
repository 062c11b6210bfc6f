"""The outbox's background work, run by the task worker (`jpo db_worker`)."""

from __future__ import annotations

from django_tasks import task

from jpo.outbox.services import email_send


@task()
def email_send_task(email_id: int) -> str:
    """Send one e-mail of the outbox (claimed once; a failure is retried later with back-off)."""
    return email_send(email_id=email_id)


@task()
def emails_send_task(email_ids: list[int]) -> dict[str, int]:
    """Send a batch of e-mails of the outbox (a bulk queue's); each is claimed once, as one by one."""
    states: dict[str, int] = {}
    for email_id in email_ids:
        state = email_send(email_id=email_id)
        states[state] = states.get(state, 0) + 1
    return states

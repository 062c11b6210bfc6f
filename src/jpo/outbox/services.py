"""Queue and send e-mails through the outbox. Every e-mail of the system goes through `email_queue`."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from jpo.outbox.models import Email, EmailAttachment, EmailState

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    """A file to send with an e-mail."""

    filename: str
    content: bytes
    content_type: str


# The only moves an e-mail's state makes (a failed e-mail is queued again only by a person).
TRANSITIONS: dict[str, frozenset[str]] = {
    EmailState.PENDING: frozenset({EmailState.SENDING}),
    EmailState.SENDING: frozenset({EmailState.SENT, EmailState.PENDING, EmailState.FAILED}),
    EmailState.FAILED: frozenset({EmailState.PENDING}),
    EmailState.SENT: frozenset(),
}
MAX_ATTEMPTS = 6
# Wait after the 1st, 2nd, ... failed attempt: about 10 hours in all before an e-mail is marked failed.
BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=8),
)
LEASE = dt.timedelta(minutes=5)
BATCH = 500  # e-mails per row insert and per sending task of a bulk queue


def _transition(pk: int, *, source: str, target: str, **fields: Any) -> bool:
    """Move one row from `source` to `target` if it is still in `source` (a claim: one caller wins)."""
    if target not in TRANSITIONS[source]:
        raise ValueError(f"e-mail state {source} -> {target} is not allowed")
    return Email.objects.filter(pk=pk, state=source).update(state=target, **fields) == 1


def email_queue(
    *,
    recipients: Iterable[str],
    subject: str,
    body: str,
    kind: str,
    attachments: Sequence[Attachment] = (),
) -> list[Email]:
    """Record one e-mail per recipient (with its attachments, if any); they are handed to the task
    worker when the transaction commits."""
    addresses = sorted({r.strip() for r in recipients if r and r.strip()})
    if not addresses:
        return []
    now = timezone.now()
    subject = " ".join(subject.split())[:255]
    with transaction.atomic():
        rows = [
            Email.objects.create(
                kind=kind, recipient=address, subject=subject, body=body, next_attempt_at=now
            )
            for address in addresses
        ]
        EmailAttachment.objects.bulk_create(
            EmailAttachment(email=row, filename=a.filename, content_type=a.content_type, content=a.content)
            for row in rows
            for a in attachments
        )
    ids = [row.pk for row in rows]
    # robust: the change itself is committed; an e-mail that cannot be handed over now is sent by
    # the sweep (`jpo outbox_send`).
    transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return rows


# Columns of an e-mail inserted in bulk (the rest: null until it is leased or sent).
COLUMNS = (
    "id",
    "kind",
    "recipient",
    "subject",
    "body",
    "state",
    "attempts",
    "last_error",
    "created_at",
    "next_attempt_at",
)


def emails_queue_bulk(*, messages: Sequence[tuple[str, str, str]], kind: str) -> list[int]:
    """`email_queue` for many e-mails at once, each (recipient, subject, body); returns their ids, in
    the order given (None-free: give a recipient for each). Rows are inserted in bulk and handed to the
    task worker in batches (one task per batch) when the transaction commits."""
    from jpo.core.bulksql import ids_reserve, rows_insert

    now, pending = timezone.now(), EmailState.PENDING.value
    with transaction.atomic():
        ids = ids_reserve(Email, len(messages))
        rows_insert(
            Email,
            COLUMNS,
            (
                (pk, kind, recipient.strip(), " ".join(subject.split())[:255], body, pending, 0, "", now, now)
                for pk, (recipient, subject, body) in zip(ids, messages, strict=True)
            ),
        )
    transaction.on_commit(lambda: _enqueue_batches(ids), robust=True)
    return ids


def _enqueue_batches(ids: list[int]) -> None:
    for start in range(0, len(ids), BATCH):
        emails_send_task.enqueue(ids[start : start + BATCH])


def email_requeue(*, email_id: int, now: dt.datetime | None = None) -> bool:
    """Queue a failed e-mail again (a person asked), with a fresh round of attempts; False if it had not failed."""
    now = now or timezone.now()
    with transaction.atomic():
        requeued = _transition(
            email_id,
            source=EmailState.FAILED,
            target=EmailState.PENDING,
            attempts=0,
            next_attempt_at=now,
            lease_until=None,
        )
        if requeued:
            transaction.on_commit(lambda: _enqueue([email_id]), robust=True)
    return requeued


def _enqueue(ids: list[int], *, run_after: dt.datetime | None = None) -> None:
    task = email_send_task
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # this backend cannot run later: the sweep sends it when it is due
        task = task.using(run_after=run_after)
    for pk in ids:
        task.enqueue(pk)


def email_send(*, email_id: int, now: dt.datetime | None = None) -> str:
    """Send one queued e-mail if it is due; retry later with back-off if the mail server fails.

    Returns the e-mail's state afterwards ("skipped" if another worker has it or it is not due).
    """
    now = now or timezone.now()
    claimed = (
        Email.objects.filter(pk=email_id, state=EmailState.PENDING, next_attempt_at__lte=now).update(
            state=EmailState.SENDING, attempts=F("attempts") + 1, lease_until=now + LEASE
        )
        == 1
    )
    if not claimed:
        return "skipped"
    email = Email.objects.get(pk=email_id)
    try:
        message = EmailMessage(email.subject, email.body, None, [email.recipient])
        for attachment in email.attachments.all():
            message.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
        message.send(fail_silently=False)
    except Exception as error:  # the mail server (outside) failed: record why, try again later
        return _failed(email, error=f"{type(error).__name__}: {error}"[:2000], now=now)
    _transition(
        email.pk,
        source=EmailState.SENDING,
        target=EmailState.SENT,
        sent_at=now,
        lease_until=None,
        last_error="",
    )
    return EmailState.SENT


def _failed(email: Email, *, error: str, now: dt.datetime) -> str:
    if email.attempts >= MAX_ATTEMPTS:
        _transition(
            email.pk, source=EmailState.SENDING, target=EmailState.FAILED, last_error=error, lease_until=None
        )
        logger.error("e-mail %s to %s failed %s times: %s", email.pk, email.recipient, email.attempts, error)
        return EmailState.FAILED
    retry_at = now + BACKOFF[min(email.attempts, len(BACKOFF)) - 1]
    _transition(
        email.pk,
        source=EmailState.SENDING,
        target=EmailState.PENDING,
        last_error=error,
        lease_until=None,
        next_attempt_at=retry_at,
    )
    logger.warning("e-mail %s: attempt %s failed (%s); next at %s", email.pk, email.attempts, error, retry_at)
    _enqueue([email.pk], run_after=retry_at)
    return EmailState.PENDING


def emails_send_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The sweep: re-queue e-mails whose sender died mid-send (lease expired), then send all that are due."""
    now = now or timezone.now()
    counts = {"recovered": 0, "sent": 0, "retrying": 0, "failed": 0}
    for email in Email.objects.filter(state=EmailState.SENDING, lease_until__lt=now):
        target = EmailState.FAILED if email.attempts >= MAX_ATTEMPTS else EmailState.PENDING
        if _transition(
            email.pk,
            source=EmailState.SENDING,
            target=target,
            lease_until=None,
            next_attempt_at=now,
            last_error=email.last_error or "the worker stopped while sending",
        ):
            counts["recovered"] += 1
    due = Email.objects.filter(state=EmailState.PENDING, next_attempt_at__lte=now).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        state = email_send(email_id=pk, now=now)
        if state == EmailState.SENT:
            counts["sent"] += 1
        elif state == EmailState.PENDING:
            counts["retrying"] += 1
        elif state == EmailState.FAILED:
            counts["failed"] += 1
    return counts


# The tasks are declared beside the work they run (and the `_enqueue...` that start them), so the
# services and their tasks never import each other.
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

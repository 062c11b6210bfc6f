"""E-mails of placement, queued in the outbox (sent after the transaction commits)."""

from __future__ import annotations

from jpo.outbox.services import email_queue


def send_on_commit(*, recipients: list[str], subject: str, body: str) -> None:
    email_queue(recipients=recipients, subject=subject, body=body, kind="placement")

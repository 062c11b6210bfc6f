"""E-mails of placement, queued in the outbox (sent after the transaction commits)."""

from __future__ import annotations

from typing import Any

from jpo.accounts.models import Role, User
from jpo.outbox.services import email_queue


def focal_point_emails(organization_id: int) -> list[str]:
    return list(
        User.objects.filter(role=Role.FOCAL_POINT, organization_id=organization_id, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def officer_emails() -> list[str]:
    return list(
        User.objects.filter(role=Role.OFFICER, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def send_on_commit(*, recipients: list[str], subject: str, body: str) -> None:
    email_queue(recipients=recipients, subject=subject, body=body, kind="placement")


def notify_on_commit(*, organization: Any, applicant: Any, subject: str, body: str) -> None:
    send_on_commit(
        recipients=[*focal_point_emails(organization.pk), applicant.email], subject=subject, body=body
    )

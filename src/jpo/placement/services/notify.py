"""E-mail through Django's mail machinery, sent only after the transaction commits."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from jpo.accounts.models import Role, User


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
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
    )


def notify_on_commit(*, organization: Any, applicant: Any, subject: str, body: str) -> None:
    send_on_commit(
        recipients=[*focal_point_emails(organization.pk), applicant.email], subject=subject, body=body
    )

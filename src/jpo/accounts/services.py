"""Writes about people and access. Every other app records its audit trail through `audit_record`."""

from __future__ import annotations

from typing import Any

from django.db import models

from jpo.accounts.models import AuditEvent, User


def audit_record(
    *, actor: User | None, action: str, target: models.Model, data: dict[str, Any] | None = None
) -> AuditEvent:
    """Append one audit row. Call it inside the same transaction as the write it describes."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        data=data or {},
    )

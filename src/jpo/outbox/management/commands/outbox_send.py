"""`jpo outbox_send`: send every due e-mail of the outbox now (run it from cron as a safety net)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jpo.outbox.services import emails_send_due


class Command(BaseCommand):
    help = "Send every queued e-mail that is due, and re-queue those whose worker stopped mid-send."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = emails_send_due()
        self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))

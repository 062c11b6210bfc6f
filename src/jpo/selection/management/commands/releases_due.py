"""`jpo releases_due`: run every release of results whose time has come (run it from cron as a safety net)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jpo.selection.services.releases import releases_due


class Command(BaseCommand):
    help = "Run every scheduled release of results that is due; fail those whose worker stopped."

    def handle(self, *args: Any, **options: Any) -> None:
        releases = releases_due()
        self.stdout.write(
            f"releases={len(releases)} released={sum(r.released for r in releases)} "
            f"refused={sum(r.refused for r in releases)}"
        )

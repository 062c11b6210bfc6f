"""`jpo load_workforce`: load the published census series, former-JPO figures and targets (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jpo.workforce.services import workforce_load_reference_data


class Command(BaseCommand):
    help = "Load the published workforce statistics shipped with the app. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        workforce_load_reference_data(stdout=self.stdout)

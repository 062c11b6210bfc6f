"""`jpo placement_reminders`: enqueue the daily reminder sweep (run it from cron; `jpo db_worker` executes it).
With --now the sweep runs in this process instead."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jpo.placement.tasks import send_due_reminders


class Command(BaseCommand):
    help = "Enqueue (or, with --now, run) the placement milestone reminder sweep."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Run the sweep here instead of enqueuing it.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            count = send_due_reminders.call()
            self.stdout.write(f"{count} reminders sent")
        else:
            result = send_due_reminders.enqueue()
            self.stdout.write(f"enqueued {result.id}")

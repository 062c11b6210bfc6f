"""`jpo placement_reminders`: enqueue the daily placement sweep (run it from cron; `jpo db_worker` executes
it): milestone reminders, and offers unanswered past their deadline, which lapse and go to the reserve
list. With --now the sweep runs in this process instead."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jpo.placement.services.offers import lapse_due_offers
from jpo.placement.tasks import send_due_reminders


class Command(BaseCommand):
    help = "Enqueue (or, with --now, run) the daily placement sweep: milestone reminders and offer deadlines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Run the sweep here instead of enqueuing it.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            count = send_due_reminders.call()
            lapsed = lapse_due_offers.call()
            self.stdout.write(f"{count} reminders sent, {lapsed} offers lapsed")
        else:
            for sweep in (send_due_reminders, lapse_due_offers):
                result = sweep.enqueue()
                self.stdout.write(f"enqueued {result.id}")

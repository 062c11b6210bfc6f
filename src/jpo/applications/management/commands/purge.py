"""`jpo purge --cycle FY2020 [--dry-run]`: anonymise the applicants of a closed cycle once its retention
period (JPO_PERSONAL_DATA_RETENTION_DAYS) has passed. Exit 2 when the cycle is unknown, not closed, still
within the period, or no period is set; nothing is written then."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jpo.applications.services import PurgeRefused, cycle_purge, cycle_purge_plan
from jpo.programme.models import Cycle

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = (
        "Anonymise the applicants of a closed cycle after the retention period "
        "(JPO_PERSONAL_DATA_RETENTION_DAYS). Statistics stay the same. Exit 2: refused, nothing written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cycle", required=True, help="the cycle, e.g. FY2020")
        parser.add_argument("--dry-run", action="store_true", help="say what would be done, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["cycle"].strip().upper()
        year = code[2:] if code.startswith("FY") else ""
        if not (year.isdigit() and len(year) == 4):
            raise CommandError(
                f"--cycle: {options['cycle']!r} is not a cycle such as FY2020", returncode=EXIT_BAD_INPUT
            )
        cycle = Cycle.objects.filter(fiscal_year=int(year)).first()
        if cycle is None:
            raise CommandError(f"--cycle: there is no cycle {code}", returncode=EXIT_BAD_INPUT)
        now = timezone.now()
        try:
            plan = cycle_purge_plan(cycle=cycle, now=now)
        except PurgeRefused as refusal:
            raise CommandError(str(refusal), returncode=EXIT_BAD_INPUT) from None
        summary = (
            f"{cycle.code}: closed {timezone.localdate(plan.closed_at).isoformat()}; "
            f"{len(plan.purge)} applicant(s) to anonymise; kept: {plan.kept_selected} selected or dispatched, "
            f"{plan.kept_other_cycle} also in a cycle still within its retention period; "
            f"{plan.already} already anonymised."
        )
        if options["dry_run"]:
            self.stdout.write(f"{summary} Dry run: nothing written.")
            return
        cycle_purge(plan=plan, now=now)
        self.stdout.write(f"{summary} Done.")

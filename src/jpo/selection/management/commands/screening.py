"""`jpo screening FISCAL_YEAR [--apply] [--actor USERNAME] [--force-reason TEXT]`

Screen a cycle's submitted applications (or, with --apply, move them to their outcomes and queue the
e-mails of the screened out) in this process, printing the progress after every committed chunk. The
run is recorded like one started from the officer's page, so that page shows the same progress bar.
Exit 2 with one line on stderr for an unknown cycle or user, while another run of the cycle is open, or
while the application window is open (unless --force-reason says why to screen before it closes).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jpo.accounts.models import User
from jpo.programme.models import Cycle
from jpo.selection.models import RunStatus, ScreeningRun
from jpo.selection.services import screening
from jpo.selection.services.errors import SelectionError


class Command(BaseCommand):
    help = "Screen a cycle's applications (or apply the outcomes with --apply), showing progress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("fiscal_year", type=int, help="the cycle, e.g. 2026")
        parser.add_argument("--apply", action="store_true", help="move statuses to the screening outcomes")
        parser.add_argument("--actor", default="", help="username recorded as the officer (default: none)")
        parser.add_argument(
            "--force-reason", default="", help="why to screen before the application window closes (recorded)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = Cycle.objects.filter(fiscal_year=options["fiscal_year"]).first()
        if cycle is None:
            raise CommandError(f"No cycle for fiscal year {options['fiscal_year']}.", returncode=2)
        actor = None
        if options["actor"]:
            actor = User.objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(f"No user named {options['actor']!r}.", returncode=2)
        kind = ScreeningRun.Kind.APPLY if options["apply"] else ScreeningRun.Kind.SCREEN
        try:
            run = screening.screening_run_start(
                cycle=cycle,
                actor=actor,
                kind=kind,
                background=False,
                force_reason=options["force_reason"],
            )
        except SelectionError as error:
            raise CommandError(str(error.message), returncode=2) from None
        started = time.perf_counter()

        def progress(processed: int, total: int) -> None:
            share = processed / total if total else 1.0
            self.stdout.write(
                f"{kind} {cycle.code}: {processed:,} / {total:,} ({share:.0%}) {time.perf_counter() - started:.1f} s"
            )

        run = screening.screening_run_execute(run_id=run.pk, progress=progress)
        if run.status != RunStatus.DONE:
            raise CommandError(f"The run ended {run.status}: {run.error}", returncode=1)
        self.stdout.write(
            f"done: {run.changed:,} of {run.total:,} changed in {time.perf_counter() - started:.1f} s"
        )
        if run.error:
            self.stdout.write(f"skipped:\n{run.error}")

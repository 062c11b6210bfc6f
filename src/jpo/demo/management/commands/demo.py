"""`jpo demo`: load real reference data, the demo logins and SYNTHETIC people (only what is missing).

    jpo demo [--seed 2026] [--scale 1.0] [--today YYYY-MM-DD] [--reset]

The synthetic data is placed relative to the day of the first load, so that one cycle is open for
applications that day; later runs create only what is missing and never overwrite (see
jpo.demo.load).

Refuses to run when settings.PRODUCTION is true (exit status 2).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jpo.demo.load import demo_load
from jpo.demo.plan import DemoDateError
from jpo.programme.models import Cycle
from jpo.programme.services import ReferenceDataError, reference_cycles
from jpo.representation.services import representation_load_reference_data
from jpo.workforce.services import workforce_load_reference_data

PRODUCTION_REFUSAL = "jpo demo refuses to run in production (JPO_ENV=production): it creates demo logins with a public password."

# Other apps' real reference data, loaded after the programme's (each idempotent, each prints progress).
REFERENCE_LOADERS: list[Callable[..., Any]] = [
    representation_load_reference_data,
    workforce_load_reference_data,
]


TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
REFERENCE_LAST_CYCLE = max(int(row["fiscal_year"]) for row in reference_cycles())


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-11-30, not {value!r}") from exc


class Command(BaseCommand):
    # `make run` runs the system checks with `jpo migrate` just before; a second pass costs a second.
    requires_system_checks: list[str] = []
    help = (
        "Load real reference data (organizations, agreements, ministries, cycles FY2017-FY2026, tracks), "
        "one demo login per role, and SYNTHETIC cycles, applicants, applications, posts, dispatches and "
        "outcomes placed around today, so that one cycle is open for applications. Creates only what is "
        "missing: what an officer edited survives a second run; --reset rebuilds."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed: same seed, same people (2026)."
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Size of the synthetic funnel (1.0 = a few hundred per cycle).",
        )
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="The day the demo is placed around: one cycle open for applications that day (default: "
            "today in Asia/Tokyo). After the first load it only decides which dispatches have ended.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete all synthetic people, demo posts and synthetic cycles first, then load around --today.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(PRODUCTION_REFUSAL, returncode=2)
        scale = options["scale"]
        if not 0 < scale <= 10:
            raise CommandError(f"--scale must be above 0 and at most 10, not {scale}", returncode=2)
        today: dt.date = options["today"] or timezone.localdate()
        started = time.monotonic()

        def progress(line: str) -> None:
            self.stdout.write(f"[{time.monotonic() - started:6.1f}s] {line}")

        try:
            result = demo_load(
                seed=options["seed"], scale=scale, today=today, reset=options["reset"], progress=progress
            )
        except ReferenceDataError as exc:
            raise CommandError(f"reference data: {exc}", returncode=2) from exc
        except DemoDateError as exc:
            raise CommandError(f"--today: {exc}", returncode=2) from exc
        for loader in REFERENCE_LOADERS:
            loader(stdout=self.stdout)
        elapsed = time.monotonic() - started
        anchor = f", placed around {result.anchor}" if result.anchor and result.anchor != today else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"jpo demo done in {elapsed:.1f}s (seed {options['seed']}, scale {scale}, today {today}{anchor}). "
                "All applicants, applications, posts, dispatches and outcomes are SYNTHETIC "
                "(Applicant.is_synthetic; e-mails on example.jp / example.com), and so are the cycles after "
                f"FY{REFERENCE_LAST_CYCLE}; the organizations, ministries and cycles up to FY{REFERENCE_LAST_CYCLE} "
                "are real reference data with sources."
            )
        )
        if result.conflict:
            self.stdout.write(self.style.WARNING("Synthetic data was NOT loaded: " + result.conflict))
        # Open "now", or at noon of the day given with --today.
        now = (
            timezone.now()
            if today == timezone.localdate()
            else dt.datetime.combine(today, dt.time(12), TOKYO)
        )
        if not Cycle.objects.filter(applications_open__lte=now, applications_close__gt=now).exists():
            self.stdout.write(
                self.style.WARNING(
                    f"No cycle is open for applications on {today} (the demo was placed around "
                    f"{result.anchor}, or an officer changed the windows): `jpo demo --reset` rebuilds it around today."
                )
            )

"""`jpo load_representation`: load (or refresh) the reference data of the desirable ranges. Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jpo.core.tabular import ImportRefused
from jpo.representation.services import (
    MEMBER_STATES_FILE,
    POPULATION_FILE,
    PUBLISHED_COUNTS_FILE,
    SCALE_FILE,
    STAFF_FILE,
    representation_load_reference_data,
)
from jpo.representation.validation import describe


class Command(BaseCommand):
    help = (
        "Load Member States, scales of assessments, populations, staff counts and published status counts "
        "from CSV (by default the files shipped in jpo/representation/data). All or nothing; running it "
        "again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--member-states", default=str(MEMBER_STATES_FILE), help="iso3,m49,name,admission_date"
        )
        parser.add_argument("--scale", default=str(SCALE_FILE), help="iso3,period,rate_pct")
        parser.add_argument("--population", default=str(POPULATION_FILE), help="iso3,year,population")
        parser.add_argument("--staff", default=str(STAFF_FILE), help="iso3,as_of,staff,source")
        parser.add_argument(
            "--published-counts", default=str(PUBLISHED_COUNTS_FILE), help="as_of,status,count,source"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            representation_load_reference_data(
                stdout=self.stdout,
                member_states=options["member_states"],
                scale=options["scale"],
                population=options["population"],
                staff=options["staff"],
                published_counts=options["published_counts"],
            )
        except ImportRefused as exc:
            for error in exc.errors[1:]:  # the first is in the message
                self.stderr.write(describe(error))
            raise CommandError(f"{exc} — nothing was loaded.", returncode=2) from None
        self.stdout.write(self.style.SUCCESS("Reference data for the desirable ranges is loaded."))

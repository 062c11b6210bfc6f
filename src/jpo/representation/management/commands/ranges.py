"""`jpo ranges STATES.csv --base 3500 [--members N] [--format csv|json]`.

Input: a UTF-8 CSV with the header iso3,name,assessment_pct,population,staff, one row per Member State.
Output (stdout): iso3,name,lower,midpoint,upper,staff,status, the midpoint unrounded to two decimals
(rounded half up for display), status one of unrepresented, under, within, over. Population shares are
taken over the rows of the file. Bad input exits with status 2 and one line on stderr naming the row
and column of the first error and how many more there are. The other parameters (weights, bands, 14-post floor) are those of parameters.yaml today.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jpo.core.tabular import ImportRefused
from jpo.representation.calculator import CalculatorError, ParameterTable, StateInput, compute_ranges
from jpo.representation.services import RATE_SUM_TOLERANCE
from jpo.representation.validation import (
    WHOLE_FILE,
    FileErrors,
    parse_decimal,
    parse_iso3,
    parse_text,
    parse_whole,
    read_rows,
)
from jpo.safety import numbers as safe_numbers
from jpo.safety.cells import write_csv

INPUT_COLUMNS = ["iso3", "name", "assessment_pct", "population", "staff"]
OUTPUT_COLUMNS = ["iso3", "name", "lower", "midpoint", "upper", "staff", "status"]


def _positive_decimal(value: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"“{value}” is not a number") from None
    if not number.is_finite() or number <= 0:
        raise argparse.ArgumentTypeError(f"{value} must be a number greater than 0")
    try:  # the range the web form accepts
        return safe_numbers.parse_decimal(number, minimum=Decimal(1), maximum=Decimal(100_000), places=2)
    except safe_numbers.NumberError as error:
        raise argparse.ArgumentTypeError(f"{value}: {error}") from None


def _members(value: str) -> int:
    try:  # the range the web form accepts
        return safe_numbers.parse_int(value, minimum=0, maximum=1000)  # 0: refused below, naming the rows
    except safe_numbers.NumberError as error:
        raise argparse.ArgumentTypeError(f"{value}: {error}") from None


def read_states(path: str) -> list[StateInput]:
    """The Member States of the file; ImportRefused lists every error of every row."""
    errors = FileErrors("")
    rows = read_rows(path, required=INPUT_COLUMNS, errors=errors)
    if not rows and not errors:
        errors.add(2, WHOLE_FILE, "no Member State rows after the header")
    states = []
    seen: dict[str, int] = {}
    total = Decimal(0)
    for line, row in rows:
        before = len(errors)
        iso3 = errors.cell(parse_iso3, row["iso3"], line=line)
        if iso3 in seen:
            errors.add(line, "iso3", f"{iso3} already appears on line {seen[iso3]}")
        elif iso3 is not None:
            seen[iso3] = line
        rate = errors.cell(parse_decimal, row["assessment_pct"], line=line, column="assessment_pct")
        if rate is not None and rate > 100:
            errors.add(line, "assessment_pct", f"{rate} is above 100")
        state = StateInput(
            iso3=iso3,
            name=errors.cell(parse_text, row["name"], line=line, column="name"),
            assessment_pct=rate,
            population=errors.cell(
                parse_whole, row["population"], line=line, column="population", maximum=10**18
            ),
            staff=errors.cell(parse_whole, row["staff"], line=line, column="staff"),
        )
        if len(errors) == before:
            total += rate
            states.append(state)
    errors.check()
    if abs(total - 100) > RATE_SUM_TOLERANCE:
        errors.add(
            0,
            "assessment_pct",
            f"the assessment_pct values add up to {total}, not 100 (tolerance ±{RATE_SUM_TOLERANCE})",
        )
    if sum(state.population for state in states) <= 0:
        errors.add(0, "population", "the populations add up to 0")
    errors.check()
    return states


class Command(BaseCommand):
    help = "Compute desirable ranges and statuses from a CSV of Member States (see the module docstring)."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def error(message: str) -> NoReturn:
            if not parser.called_from_command_line:
                raise CommandError(f"Error: {message}")
            sys.stderr.write(f"jpo ranges: {message}\n")
            sys.exit(2)

        parser.error = error  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("states", help="CSV with header iso3,name,assessment_pct,population,staff")
        parser.add_argument("--base", required=True, type=_positive_decimal, help="base figure B (posts)")
        parser.add_argument(
            "--members", type=_members, default=None, help="number N of Member States (default: rows)"
        )
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            states = read_states(options["states"])
        except ImportRefused as refused:  # one line: the first error and how many more
            raise CommandError(f"{options['states']}: {refused}", returncode=2) from None
        members = options["members"]
        if members is None:
            members = len(states)
        if members < len(states):
            raise CommandError(
                f"--members {members} is fewer than the {len(states)} rows of {options['states']}",
                returncode=2,
            )
        try:
            # Weights, bands and the 14-post floor: those in force today (parameters.yaml).
            parameters = (
                ParameterTable.load()
                .at(timezone.localdate())
                .parameters(base_figure=options["base"], member_states=members)
            )
            ranges = compute_ranges(states, parameters)
        except CalculatorError as exc:
            raise CommandError(f"{options['states']}: {exc}", returncode=2) from None
        records: list[dict[str, Any]] = [
            {
                "iso3": r.iso3,
                "name": r.name,
                "lower": r.lower,
                "midpoint": f"{r.midpoint_2dp:.2f}",
                "upper": r.upper,
                "staff": r.staff,
                "status": r.status.value,
            }
            for r in ranges
        ]
        if options["format"] == "json":
            for record in records:
                record["midpoint"] = float(record["midpoint"])
            self.stdout.write(json.dumps(records, ensure_ascii=False, indent=1))
            return
        rows = [OUTPUT_COLUMNS, *([record[c] for c in OUTPUT_COLUMNS] for record in records)]
        self.stdout.write(write_csv(rows, lineterminator="\n"), ending="")

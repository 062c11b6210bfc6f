"""Reads: the inputs of one period from the database, fed to the calculator.

A snapshot costs a fixed number of queries whatever the number of States (one per table).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from jpo.core.errors import DomainError
from jpo.representation.calculator import (
    CalculatorError,
    Parameters,
    ParameterTable,
    ResolvedParameters,
    StateInput,
    StateRange,
    Status,
    compute_ranges,
    count_by_status,
)
from jpo.representation.models import (
    AssessmentRate,
    MemberState,
    Population,
    PublishedStatusCount,
    StaffCount,
)

JAPAN = "JPN"


@lru_cache(maxsize=1)
def parameter_table() -> ParameterTable:
    return ParameterTable.load()


@dataclass(frozen=True)
class Override:
    """What-if changes for one State (None keeps the stored value)."""

    assessment_pct: Decimal | None = None
    population: int | None = None
    staff: int | None = None


@dataclass(frozen=True)
class Options:
    periods: list[str]
    population_years: list[int]


def representation_options() -> Options:
    periods = list(AssessmentRate.objects.order_by("period").values_list("period", flat=True).distinct())
    years = list(Population.objects.order_by("year").values_list("year", flat=True).distinct())
    return Options(periods=periods, population_years=years)


@dataclass
class Snapshot:
    period: str
    population_year: int
    as_of: dt.date
    resolved: ResolvedParameters
    parameters: Parameters
    base_figure_overridden: bool
    ranges: list[StateRange]
    counts: dict[Status, int]
    staff_rows: dict[str, StaffCount]  # iso3 -> the count used (latest on or before as_of)
    sources: dict[str, str]  # iso3 -> "scale source | population source"
    not_computed: list[str] = field(default_factory=list)  # States without a rate or a population
    published_counts: list[PublishedStatusCount] = field(default_factory=list)

    @property
    def japan(self) -> StateRange | None:
        return next((item for item in self.ranges if item.iso3 == JAPAN), None)


class SnapshotUnavailable(DomainError):
    """The snapshot cannot be computed (a parameter is unknown, or no data): the message says why."""

    code = "representation.unavailable"
    status_code = 409

    def __init__(self, message: str, *, resolved: ResolvedParameters | None = None) -> None:
        super().__init__(message)
        self.resolved = resolved


def representation_snapshot(
    *,
    period: str,
    population_year: int,
    as_of: dt.date,
    base_figure: Decimal | None = None,
    member_states: int | None = None,
    overrides: Mapping[str, Override] | None = None,
) -> Snapshot:
    """Ranges and statuses of all Member States for a scale period, a population year and a date.

    The parameters are those in force at `as_of` (`base_figure` / `member_states` override them); the
    staff of a State is its latest count on or before `as_of`, unknown if there is none.
    """
    overrides = overrides or {}
    resolved = parameter_table().at(as_of)
    try:
        parameters = resolved.parameters(base_figure=base_figure, member_states=member_states)
    except CalculatorError as exc:
        raise SnapshotUnavailable(str(exc), resolved=resolved) from exc

    states = list(MemberState.objects.order_by("name"))
    rates = {
        iso3: (rate, source)
        for iso3, rate, source in AssessmentRate.objects.filter(period=period).values_list(
            "state__iso3", "rate_pct", "source"
        )
    }
    populations = {
        iso3: (value, source)
        for iso3, value, source in Population.objects.filter(year=population_year).values_list(
            "state__iso3", "population", "source"
        )
    }
    staff_rows: dict[str, StaffCount] = {}
    for row in StaffCount.objects.filter(as_of__lte=as_of).select_related("state").order_by("as_of"):
        staff_rows[row.state.iso3] = row  # the latest wins

    inputs = []
    not_computed = []
    sources = {}
    for state in states:
        change = overrides.get(state.iso3, Override())
        rate = (
            change.assessment_pct
            if change.assessment_pct is not None
            else rates.get(state.iso3, (None, ""))[0]
        )
        population = (
            change.population if change.population is not None else populations.get(state.iso3, (None, ""))[0]
        )
        if rate is None or population is None:
            not_computed.append(state.display_name)
            continue
        staff_row = staff_rows.get(state.iso3)
        staff = change.staff if change.staff is not None else (staff_row.staff if staff_row else None)
        inputs.append(
            StateInput(
                iso3=state.iso3,
                name=state.display_name,
                assessment_pct=rate,
                population=population,
                staff=staff,
            )
        )
        sources[state.iso3] = (
            f"{rates.get(state.iso3, (None, ''))[1]} | {populations.get(state.iso3, (None, ''))[1]}"
        )
    if not inputs:
        raise SnapshotUnavailable("no Member State has both a scale rate and a population for this choice")
    try:
        ranges = compute_ranges(inputs, parameters)
    except CalculatorError as exc:
        raise SnapshotUnavailable(str(exc), resolved=resolved) from exc
    return Snapshot(
        period=period,
        population_year=population_year,
        as_of=as_of,
        resolved=resolved,
        parameters=parameters,
        base_figure_overridden=base_figure is not None,
        ranges=ranges,
        counts=count_by_status(ranges),
        staff_rows=staff_rows,
        sources=sources,
        not_computed=not_computed,
        published_counts=list(PublishedStatusCount.objects.order_by("-as_of", "status")),
    )


SORT_KEYS = {
    "name": lambda r: r.name,
    "iso3": lambda r: r.iso3,
    "rate": lambda r: r.assessment_pct,
    "population": lambda r: r.population,
    "midpoint": lambda r: r.midpoint,
    "lower": lambda r: r.lower,
    "upper": lambda r: r.upper,
    "staff": lambda r: (r.staff is None, r.staff or 0),
    "status": lambda r: list(Status).index(r.status),
    "to_lower": lambda r: (r.posts_to_lower is None, r.posts_to_lower or 0),
}


def ranges_filter_sort(
    ranges: list[StateRange],
    *,
    status: str = "",
    query: str = "",
    sort: str = "name",
    descending: bool = False,
) -> list[StateRange]:
    """The table's rows: filtered by status and by a part of the name or ISO code, then sorted."""
    rows = ranges
    if status:
        rows = [r for r in rows if r.status == status]
    if query:
        needle = query.casefold()
        rows = [r for r in rows if needle in r.name.casefold() or needle == r.iso3.casefold()]
    key = SORT_KEYS.get(sort, SORT_KEYS["name"])
    if sort in {"staff", "to_lower"} and descending:
        # Unknown values stay at the end either way.
        known = sorted((r for r in rows if key(r)[0] is False), key=key, reverse=True)
        return known + [r for r in rows if key(r)[0] is True]
    return sorted(rows, key=key, reverse=descending)


def largest_contributors(ranges: list[StateRange], *, count: int = 10) -> list[StateRange]:
    return sorted(ranges, key=lambda r: (-r.assessment_pct, r.name))[:count]

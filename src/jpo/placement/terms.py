"""Dispatch terms and placement rules read from the policy parameters (`jpo.policy`), for a cycle under
its published rule set when the caller passes it (`rules=effective_rules(cycle)`), plus the NPA rule
that the policy does not carry, with its source.

Nothing here hard-codes the dispatch length: it comes from the dated YAML parameters
`dispatch_years` and `dispatch_years_maximum` and `max_organizations`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from jpo.policy import Overlay, resolve_date
from jpo.policy import parameter as _parameter

# Posts at these MOFA danger levels, and the start-of-service deadline, are policy parameters
# (`danger_levels_refused`, `service_start_deadline`), dated as their sources give them: the danger rule
# is documented for FY2026 only, the start deadline for the FY2022 cycle only. Where a cycle's value is
# unknown the rule is not applied. A cycle's published rule set may state them for its year.

# Dispatch Act (Act No. 117 of 1970) and NPA Rule 18-0: a dispatch period longer than 5 years requires
# consultation with the National Personnel Authority (NPA white paper FY2019).
NPA_CONSULTATION_YEARS = 5
NPA_SOURCE = "NPA Rule 18-0 (https://www.jinji.go.jp/hakusho/R1/1-2-01-2.html)"


@dataclass(frozen=True)
class DispatchTerms:
    fiscal_year: int
    years: int | None
    maximum_years: int | None
    source: str


def _known_int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _source_label(value: Any) -> str:
    source = getattr(value, "source", None)
    return getattr(source, "label", "") or ""


def dispatch_terms(fiscal_year: int, rules: Overlay | None = None) -> DispatchTerms:
    """Length in principle and maximum length of a dispatch for a cycle, or None where unknown."""
    try:
        years = _parameter("dispatch_years", fiscal_year, rules=rules)
        maximum = _parameter("dispatch_years_maximum", fiscal_year, rules=rules)
    except (KeyError, ValueError):
        return DispatchTerms(fiscal_year, None, None, "")
    return DispatchTerms(
        fiscal_year=fiscal_year,
        years=_known_int(years.value),
        maximum_years=_known_int(maximum.value),
        source=_source_label(maximum) or _source_label(years),
    )


def max_organizations(fiscal_year: int, rules: Overlay | None = None) -> int | None:
    """How many organizations an application may name (None: unknown, so every preference counts)."""
    try:
        value = _parameter("max_organizations", fiscal_year, rules=rules).value
    except (KeyError, ValueError):
        return None
    return _known_int(value)


@dataclass(frozen=True)
class PlacementRule:
    """A placement rule of one cycle as the policy (or the cycle's rule set) states it, with its source."""

    fiscal_year: int
    value: Any  # None: not known for this cycle, so not applied
    source: str


def _rule(name: str, fiscal_year: int, rules: Overlay | None) -> PlacementRule:
    value = _parameter(name, fiscal_year, rules=rules)
    source = value.source
    label = ""
    if source is not None:
        label = f"{source.label} ({source.url})" if source.url else source.label
    return PlacementRule(fiscal_year, value.value if value.known else None, label)


def danger_rule(fiscal_year: int, rules: Overlay | None = None) -> PlacementRule:
    """The MOFA danger levels refused in the cycle (a frozenset; value None where no source states one)."""
    rule = _rule("danger_levels_refused", fiscal_year, rules)
    if rule.value is None:
        return rule
    return PlacementRule(fiscal_year, frozenset(int(x) for x in rule.value), rule.source)


def start_rule(fiscal_year: int, rules: Overlay | None = None) -> PlacementRule:
    """The date by which service must start (value None where no source states one for the cycle)."""
    rule = _rule("service_start_deadline", fiscal_year, rules)
    if rule.value is None:
        return rule
    return PlacementRule(fiscal_year, resolve_date(rule.value, fiscal_year), rule.source)


def start_deadline(fiscal_year: int, rules: Overlay | None = None) -> dt.date | None:
    value: dt.date | None = start_rule(fiscal_year, rules).value
    return value


def planning_start(fiscal_year: int, rules: Overlay | None = None) -> dt.date:
    """The start date assumed for cost estimates: the cycle's start deadline, or where none is known, the
    only one documented (FY2022: 31 January after the exam year) applied to the cycle. An assumption for
    planning money, never a rule applied to a candidate."""
    return start_deadline(fiscal_year, rules) or dt.date(fiscal_year + 1, 1, 31)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def end_after_years(start: dt.date, years: int) -> dt.date:
    """The last day of a period of `years` years starting on `start` (inclusive)."""
    return add_years(start, years) - dt.timedelta(days=1)


def fiscal_year_of(day: dt.date) -> int:
    """Japanese fiscal year: 1 April to 31 March."""
    return day.year if day.month >= 4 else day.year - 1

"""The UN Secretariat's system of desirable ranges, in pure Python (no Django import).

Formula, for a base figure B shared among N Member States:

    midpoint = membership_weight% * B / N
             + population_weight% * B * (State's population / total population of the States given)
             + contribution_weight% * B * (State's scale rate in per cent / 100)
    half     = max(band% * midpoint, minimum_band)
    lower    = midpoint - half                        (never below 0)
    upper    = max(midpoint + half, minimum_upper_limit)

Rounding (our documented choice): the limits are whole numbers rounded half up (…​.5 goes up) from the
unrounded values above, which are computed from the unrounded midpoint; the midpoint itself is kept
unrounded (shown to two decimals, also rounded half up). Arithmetic is in `Decimal`, so a limit that is
exactly x.5 rounds the same way on every machine.

Status of a State with `staff` nationals in posts subject to geographical distribution:
unrepresented (staff == 0, whatever the limits), under (staff < lower), within (lower <= staff <= upper;
position "below" the midpoint when staff < unrounded midpoint, otherwise "above"), over (staff > upper),
unknown (staff not known: never estimated).

Posts needed: to the lower limit, max(0, lower - staff); to the midpoint, max(0, ceil(midpoint) - staff),
the fewest whole posts at or above the unrounded midpoint.

The parameters are dated data in `parameters.yaml`, in the format of every dated table of the project and
read by the policy's engine (`jpo.policy.parameters.dated_parameter`): see `ParameterTable`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from jpo.core.errors import DomainError
from jpo.policy.dates import parse_iso_date
from jpo.policy.parameters import UNKNOWN, ParameterDefinition, dated_parameter

PARAMETERS_PATH = Path(__file__).with_name("parameters.yaml")

PARAMETER_NAMES = (
    "base_figure",
    "member_states",
    "membership_weight",
    "population_weight",
    "contribution_weight",
    "band",
    "minimum_band",
    "minimum_upper_limit",
)

HUNDRED = Decimal(100)
PRECISION = 40  # significant digits for intermediate Decimal arithmetic


class Status(StrEnum):
    UNREPRESENTED = "unrepresented"
    UNDER = "under"
    WITHIN = "within"
    OVER = "over"
    UNKNOWN = "unknown"


class Position(StrEnum):
    """Where a State within range stands against the (unrounded) midpoint."""

    BELOW = "below"
    ABOVE = "above"


class CalculatorError(DomainError, ValueError):
    """Inputs or parameters the calculator cannot work with (the message says which)."""

    code = "representation.calculator"


class UnknownParameter(CalculatorError):
    def __init__(self, names: Sequence[str], date: dt.date) -> None:
        self.names = tuple(names)
        self.date = date
        super().__init__(f"parameter(s) not known at {date.isoformat()}: {', '.join(names)}")


# --- dated parameters -------------------------------------------------------------------------------
# Read by the policy's engine (`jpo.policy.parameters.dated_parameter`, `in_force`): one format and one
# meaning of `unknown` and `null` in every dated table of the project (ARCHITECTURE.md, "Dated data").


@dataclass(frozen=True)
class PendingSet:
    """A known change of the system whose values are not known (e.g. GA resolution 77/278)."""

    name: str
    applies_from: dt.date
    reference: str
    reference_ja: str = ""  # the same summary in Japanese, for Japanese pages


@dataclass(frozen=True)
class ResolvedValue:
    name: str
    value: Decimal | None
    since: dt.date | None
    reference: str
    uncertain: bool  # inferred: the last confirmed value, used after the date it is confirmed on


@dataclass(frozen=True)
class Notice:
    """Something the reader must know about the parameters at a date. `code` is one of
    "unknown" (name), "uncertain" (name, confirmed_until), "pending" (name, applies_from, reference)."""

    code: str
    data: Mapping[str, str]


@dataclass(frozen=True)
class Parameters:
    """One complete parameter set, as used by the formula (values come from parameters.yaml, never code)."""

    base_figure: Decimal
    member_states: int
    membership_weight: Decimal
    population_weight: Decimal
    contribution_weight: Decimal
    band: Decimal
    minimum_band: Decimal
    minimum_upper_limit: Decimal

    def __post_init__(self) -> None:
        if self.base_figure <= 0:
            raise CalculatorError("the base figure must be greater than 0")
        if self.member_states <= 0:
            raise CalculatorError("the number of Member States must be greater than 0")
        weights = self.membership_weight + self.population_weight + self.contribution_weight
        if weights != HUNDRED:
            raise CalculatorError(f"the three weights must add up to 100 per cent, not {weights}")


@dataclass(frozen=True)
class ResolvedParameters:
    date: dt.date
    values: Mapping[str, ResolvedValue]
    notices: tuple[Notice, ...]

    def value(self, name: str) -> Decimal | None:
        return self.values[name].value

    def parameters(
        self, *, base_figure: Decimal | None = None, member_states: int | None = None
    ) -> Parameters:
        """The complete set at this date; `base_figure` / `member_states` override the dated values."""
        overrides: dict[str, Decimal | None] = {
            "base_figure": base_figure,
            "member_states": Decimal(member_states) if member_states is not None else None,
        }
        chosen: dict[str, Decimal] = {}
        missing = []
        for name in PARAMETER_NAMES:
            value = overrides.get(name)
            if value is None:
                value = self.values[name].value
            if value is None:
                missing.append(name)
            else:
                chosen[name] = value
        if missing:
            raise UnknownParameter(missing, self.date)
        return Parameters(
            base_figure=chosen["base_figure"],
            member_states=int(chosen["member_states"]),
            membership_weight=chosen["membership_weight"],
            population_weight=chosen["population_weight"],
            contribution_weight=chosen["contribution_weight"],
            band=chosen["band"],
            minimum_band=chosen["minimum_band"],
            minimum_upper_limit=chosen["minimum_upper_limit"],
        )


def _as_date(raw: Any, where: str) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return parse_iso_date(str(raw))
    except ValueError as exc:
        raise CalculatorError(f"{where}: {raw!r} is not a date (YYYY-MM-DD)") from exc


def _check_value(raw: Any, where: str) -> None:
    """A dated value: a number, or `unknown` (no source gives it: the calculator asks for it). `null`
    means "does not apply" in every dated table of the project (ARCHITECTURE.md), which no parameter of
    the system of desirable ranges can be: it is refused."""
    if raw == "unknown":
        return
    if raw is None:
        raise CalculatorError(
            f"{where}: null means the rule does not apply; write unknown where no source gives the value"
        )
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise CalculatorError(f"{where}: {raw!r} is not a number")
    try:
        Decimal(str(raw))
    except ArithmeticError as exc:
        raise CalculatorError(f"{where}: {raw!r} is not a number") from exc


def _source_label(entry: Mapping[str, Any]) -> str:
    source = entry.get("source")
    return str(source.get("label") or "").strip() if isinstance(source, Mapping) else ""


def _checked_parameter(name: str, node: Any) -> ParameterDefinition:
    """One parameter of parameters.yaml, checked (every value dated, sourced, a number or unknown) and
    read by the policy's engine."""
    if not isinstance(node, Mapping):
        raise CalculatorError(f"parameters.{name}: not a mapping")
    if not isinstance(node.get("description"), Mapping):
        raise CalculatorError(f"parameters.{name}.description: needs the text in en and ja")
    values: dict[dt.date, Mapping[str, Any]] = {}
    for start, entry in (node.get("values") or {}).items():
        where = f"parameters.{name}.values.{start}"
        if not isinstance(entry, Mapping) or "value" not in entry or not _source_label(entry):
            raise CalculatorError(f"{where}: needs a value and a source (label)")
        _check_value(entry["value"], where)
        values[_as_date(start, where)] = entry
    if not values:
        raise CalculatorError(f"parameters.{name}: no dated values")
    return dated_parameter(name, {**node, "values": values})


def _known(value: Any) -> Decimal | None:
    """The number of a dated value; None where it is unknown (or before the first dated value)."""
    if value is None or value is UNKNOWN:
        return None
    return Decimal(str(value))


@dataclass(frozen=True)
class ParameterTable:
    parameters: Mapping[str, ParameterDefinition]
    pending: tuple[PendingSet, ...]

    @classmethod
    def load(cls, path: Path | str = PARAMETERS_PATH) -> ParameterTable:
        try:
            with open(path, encoding="utf-8") as handle:
                raw = yaml.safe_load(handle)
        except (OSError, yaml.YAMLError) as exc:
            raise CalculatorError(f"cannot read the parameters in {path}: {exc}") from exc
        if not isinstance(raw, Mapping):
            raise CalculatorError(f"{path}: not a mapping of parameters")
        return cls.from_dict(raw)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ParameterTable:
        declared = raw.get("parameters") or {}
        parameters: dict[str, ParameterDefinition] = {}
        for name in PARAMETER_NAMES:
            if name not in declared:
                raise CalculatorError(f"parameters.{name} is missing")
            parameters[name] = _checked_parameter(name, declared[name])
        pending = tuple(
            PendingSet(
                name=str(item["name"]),
                applies_from=_as_date(item["applies_from"], "pending_parameter_sets"),
                reference=_source_label(item),
                reference_ja="".join(str(item.get("reference_ja", "")).split()),
            )
            for item in raw.get("pending_parameter_sets") or []
        )
        return cls(parameters=parameters, pending=pending)

    def at(self, date: dt.date) -> ResolvedParameters:
        values: dict[str, ResolvedValue] = {}
        notices: list[Notice] = []
        for name, parameter in self.parameters.items():
            entry = parameter.on(date)
            value = _known(entry.value)
            uncertain = entry.uncertain and value is not None
            values[name] = ResolvedValue(
                name=name,
                value=value,
                since=entry.since,
                reference=entry.source.label.strip() if entry.source else "",
                uncertain=uncertain,
            )
            if value is None:
                notices.append(Notice("unknown", {"name": name}))
            elif uncertain and entry.since is not None:
                # An uncertain value repeats the last confirmed one from the day after its confirmation.
                confirmed_until = entry.since - dt.timedelta(days=1)
                notices.append(
                    Notice("uncertain", {"name": name, "confirmed_until": confirmed_until.isoformat()})
                )
        for pending in self.pending:
            if pending.applies_from <= date:
                notices.append(
                    Notice(
                        "pending",
                        {
                            "name": pending.name,
                            "applies_from": pending.applies_from.isoformat(),
                            "reference": pending.reference,
                            "reference_ja": pending.reference_ja,
                        },
                    )
                )
        return ResolvedParameters(date=date, values=values, notices=tuple(notices))


# --- the formula ------------------------------------------------------------------------------------


def round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def two_decimals(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RangeFigures:
    membership: Decimal
    population: Decimal
    contribution: Decimal
    midpoint: Decimal  # unrounded
    lower_unrounded: Decimal
    upper_unrounded: Decimal
    lower: int
    upper: int


def desirable_range(
    *, assessment_pct: Decimal, population_share: Decimal, parameters: Parameters
) -> RangeFigures:
    """The range of one State. `assessment_pct` in per cent (9.680), `population_share` as a fraction."""
    if assessment_pct < 0:
        raise CalculatorError("a scale rate cannot be negative")
    if not 0 <= population_share <= 1:
        raise CalculatorError("a population share must be between 0 and 1")
    p = parameters
    with localcontext() as ctx:
        ctx.prec = PRECISION
        base = p.base_figure
        membership = p.membership_weight / HUNDRED * base / Decimal(p.member_states)
        population = p.population_weight / HUNDRED * base * population_share
        contribution = p.contribution_weight / HUNDRED * base * assessment_pct / HUNDRED
        midpoint = membership + population + contribution
        half = max(p.band / HUNDRED * midpoint, p.minimum_band)
        lower_unrounded = midpoint - half
        upper_unrounded = max(midpoint + half, p.minimum_upper_limit)
    return RangeFigures(
        membership=membership,
        population=population,
        contribution=contribution,
        midpoint=midpoint,
        lower_unrounded=lower_unrounded,
        upper_unrounded=upper_unrounded,
        lower=max(0, round_half_up(lower_unrounded)),
        upper=round_half_up(upper_unrounded),
    )


def classify(
    *, staff: int | None, lower: int, upper: int, midpoint: Decimal
) -> tuple[Status, Position | None]:
    if staff is None:
        return Status.UNKNOWN, None
    if staff < 0:
        raise CalculatorError("staff cannot be negative")
    if staff == 0:
        return Status.UNREPRESENTED, None
    if staff < lower:
        return Status.UNDER, None
    if staff > upper:
        return Status.OVER, None
    return Status.WITHIN, (Position.BELOW if staff < midpoint else Position.ABOVE)


def posts_to_midpoint(*, staff: int, midpoint: Decimal) -> int:
    return max(0, int(midpoint.to_integral_value(rounding=ROUND_CEILING)) - staff)


@dataclass(frozen=True)
class StateInput:
    iso3: str
    name: str
    assessment_pct: Decimal
    population: int
    staff: int | None = None


@dataclass(frozen=True)
class StateRange:
    iso3: str
    name: str
    assessment_pct: Decimal
    population: int
    population_share: Decimal
    figures: RangeFigures
    staff: int | None
    status: Status
    position: Position | None
    posts_to_lower: int | None
    posts_to_midpoint: int | None

    @property
    def midpoint(self) -> Decimal:
        return self.figures.midpoint

    @property
    def midpoint_2dp(self) -> Decimal:
        return two_decimals(self.figures.midpoint)

    @property
    def lower(self) -> int:
        return self.figures.lower

    @property
    def upper(self) -> int:
        return self.figures.upper


def compute_ranges(states: Sequence[StateInput], parameters: Parameters) -> list[StateRange]:
    """Ranges and statuses of `states`; population shares are taken over the States given."""
    seen: set[str] = set()
    for state in states:
        if state.iso3 in seen:
            raise CalculatorError(f"{state.iso3} is given twice")
        seen.add(state.iso3)
        if state.population < 0:
            raise CalculatorError(f"{state.iso3}: population cannot be negative")
    total_population = sum(state.population for state in states)
    if states and total_population <= 0:
        raise CalculatorError("the total population must be greater than 0")
    results = []
    with localcontext() as ctx:
        ctx.prec = PRECISION
        total = Decimal(total_population)
        for state in states:
            share = Decimal(state.population) / total
            figures = desirable_range(
                assessment_pct=state.assessment_pct, population_share=share, parameters=parameters
            )
            status, position = classify(
                staff=state.staff, lower=figures.lower, upper=figures.upper, midpoint=figures.midpoint
            )
            results.append(
                StateRange(
                    iso3=state.iso3,
                    name=state.name,
                    assessment_pct=state.assessment_pct,
                    population=state.population,
                    population_share=share,
                    figures=figures,
                    staff=state.staff,
                    status=status,
                    position=position,
                    posts_to_lower=None if state.staff is None else max(0, figures.lower - state.staff),
                    posts_to_midpoint=None
                    if state.staff is None
                    else posts_to_midpoint(staff=state.staff, midpoint=figures.midpoint),
                )
            )
    return results


def count_by_status(ranges: Iterable[StateRange]) -> dict[Status, int]:
    counts = dict.fromkeys(Status, 0)
    for item in ranges:
        counts[item.status] += 1
    return counts

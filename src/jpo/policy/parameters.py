"""Dated, sourced parameters read from `parameters/*.yaml` and the cycle list in `cycles.yaml`.

The value in force for a cycle is the newest one dated on or before 1 April of the cycle's fiscal year
(the date keys are fiscal-year starts). `UNKNOWN` marks a fact no public source gives (docs/sources.md); `None` means the
rule does not apply (ended, or not yet started).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from jpo.policy.dates import fiscal_year_of, fiscal_year_start, in_force, parse_iso_date

POLICY_DIR = Path(__file__).resolve().parent
PARAMETERS_DIR = POLICY_DIR / "parameters"
CYCLES_FILE = POLICY_DIR / "cycles.yaml"


class _Unknown:
    """The explicit 'not known' marker (`value: unknown` in the YAML)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Any = _Unknown()


class UnknownParameterError(KeyError):
    """No parameter file of that name."""


class UnknownCycleError(ValueError):
    """The policy has no rules for that cycle (outside `cycles.yaml`)."""


class CycleFormatError(ValueError):
    """A cycle code that is not of the form FY2022."""


@dataclass(frozen=True)
class Source:
    label: str
    url: str | None

    def as_dict(self) -> dict[str, str | None]:
        return {"label": self.label, "url": self.url}


@dataclass(frozen=True)
class ParameterValue:
    """One parameter as it applies to one fiscal year, with its provenance."""

    name: str
    fiscal_year: int
    value: Any
    since: date | None
    source: Source | None
    see_also: tuple[Source, ...] = ()
    note: str | None = None
    uncertain: bool = False
    external: bool = False
    candidates: tuple[Any, ...] = ()
    exceptions: dict[str, Any] = field(default_factory=dict)

    @property
    def known(self) -> bool:
        return self.value is not UNKNOWN and self.value is not None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "value": to_jsonable(self.value),
            "in_force_since": self.since.isoformat() if self.since else None,
            "source": self.source.as_dict() if self.source else None,
        }
        if self.see_also:
            data["see_also"] = [s.as_dict() for s in self.see_also]
        if self.note:
            data["note"] = self.note
        if self.uncertain:
            data["uncertain"] = True
        if self.external:
            data["external"] = True
        if self.candidates:
            data["candidates"] = [to_jsonable(c) for c in self.candidates]
        if self.exceptions:
            data["exceptions"] = {k: to_jsonable(v) for k, v in self.exceptions.items()}
        return data


def to_jsonable(value: Any) -> Any:
    if value is UNKNOWN:
        return "unknown"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def _source(raw: Any) -> Source | None:
    if raw is None:
        return None
    return Source(label=str(raw["label"]), url=raw.get("url"))


def _value(raw: Any) -> Any:
    return UNKNOWN if raw == "unknown" else raw


def _key_date(key: Any) -> date:
    if isinstance(key, date):
        return key
    return parse_iso_date(str(key))


@dataclass(frozen=True)
class _Entry:
    since: date
    raw: dict[str, Any]


@dataclass(frozen=True)
class ParameterDefinition:
    name: str
    description: dict[str, str]
    unit: str | None
    entries: tuple[_Entry, ...]
    # Where an unknown date of this parameter may fall: the span of the dates recorded for it in other
    # years (`unknown_date_bounds:` in its file); None for a parameter that is not a date.
    unknown_bounds: tuple[Any, Any] | None = None

    def at(self, fiscal_year: int) -> ParameterValue:
        """The value for the cycle of `fiscal_year`: the one in force on 1 April of that year."""
        return self.on(fiscal_year_start(fiscal_year), fiscal_year=fiscal_year)

    def on(self, day: date, *, fiscal_year: int | None = None) -> ParameterValue:
        """The value in force on `day` (`in_force`); before the first dated value, None ("not in
        force"). `fiscal_year` defaults to the fiscal year of `day`."""
        if fiscal_year is None:
            fiscal_year = fiscal_year_of(day)
        chosen = in_force(self.entries, day, since=lambda e: e.since)
        if chosen is None:
            return ParameterValue(self.name, fiscal_year, None, None, None, note="not in force")
        raw = chosen.raw
        return ParameterValue(
            name=self.name,
            fiscal_year=fiscal_year,
            value=_value(raw.get("value")),
            since=chosen.since,
            source=_source(raw.get("source")),
            see_also=tuple(s for s in (_source(x) for x in raw.get("see_also") or []) if s),
            note=raw.get("note"),
            uncertain=bool(raw.get("uncertain", False)),
            external=bool(raw.get("external", False)),
            candidates=tuple(raw.get("candidates") or ()),
            exceptions=dict(raw.get("exceptions") or {}),
        )


def _load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def dated_parameter(name: str, data: Mapping[str, Any]) -> ParameterDefinition:
    """One dated parameter in the format of `parameters/*.yaml` (`description`, `unit`, `values:` keyed by
    the date each value applies from, each with `value` and `source`): the one dated-table format of
    the project, also that of `representation/parameters.yaml`. See `parameters/README.md`."""
    entries = sorted(
        (_Entry(since=_key_date(key), raw=raw) for key, raw in (data.get("values") or {}).items()),
        key=lambda e: e.since,
    )
    bounds = data.get("unknown_date_bounds")
    return ParameterDefinition(
        name=name,
        description=dict(data["description"]),
        unit=data.get("unit"),
        entries=tuple(entries),
        unknown_bounds=(bounds["earliest"], bounds["latest"]) if bounds else None,
    )


@cache
def definitions() -> dict[str, ParameterDefinition]:
    """Every parameter, loaded once from `parameters/*.yaml`."""
    result: dict[str, ParameterDefinition] = {}
    for path in sorted(PARAMETERS_DIR.glob("*.yaml")):
        data = _load_yaml(path)
        name = data["name"]
        if name != path.stem:
            raise ValueError(f"{path.name}: name {name!r} does not match the file name")
        result[name] = dated_parameter(name, data)
    return result


def parameter(name: str, fiscal_year: int, *, rules: Any = None) -> ParameterValue:
    """The value of parameter `name` in force for the cycle of `fiscal_year`, with its source.

    `rules`: an `Overlay` (a rule set); when given, its value governs instead of the YAML history.
    Resolved once per (name, fiscal year) and then shared: the parameter files are read once per
    process (`definitions()`), so the answer cannot change. Treat the result as read-only.

    >>> parameter("organization_track", 2020).value
    ['UNDP', 'WFP', 'OECD', 'OPCW']
    """
    if name not in definitions():
        raise UnknownParameterError(name)
    if rules is not None:
        return rules.resolved(fiscal_year)[name]
    return _resolved(name, fiscal_year)


@lru_cache(maxsize=4096)
def _resolved(name: str, fiscal_year: int) -> ParameterValue:
    return definitions()[name].at(fiscal_year)


def parameter_names() -> list[str]:
    return sorted(definitions())


def resolve_date(rule: Any, fiscal_year: int) -> date:
    """Turn `{month, day, year_offset}` (relative to the exam year) into a date for a cycle."""
    if isinstance(rule, date):
        return rule
    return date(fiscal_year + int(rule.get("year_offset", 0)), int(rule["month"]), int(rule["day"]))


# --- cycles -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    opens: date | None
    closes: date | None
    opens_time: str | None = None
    closes_time: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "opens": self.opens.isoformat() if self.opens else None,
            "closes": self.closes.isoformat() if self.closes else None,
            "opens_time": self.opens_time,
            "closes_time": self.closes_time,
        }


@dataclass(frozen=True)
class CycleInfo:
    """What the policy knows about one cycle. Unknown dates are None."""

    fiscal_year: int
    applications: Window
    pre_registration: Window | None
    published: date | None
    source: Source | None
    note: str | None
    see_also: tuple[Source, ...] = ()  # further citations of the window or the calendar

    @property
    def code(self) -> str:
        return cycle_code(self.fiscal_year)

    def application_dates(self) -> tuple[date, date]:
        """First and last possible application day; an unknown end falls back to the span of the
        application windows recorded in other years (`unknown_date_bounds` in `cycles.yaml`)."""
        low, high = unknown_date_bounds(self.fiscal_year)
        return (self.applications.opens or low, self.applications.closes or high)


def _opt_date(raw: Any) -> date | None:
    if raw is None or raw == "unknown":
        return None
    return _key_date(raw)


def _window(raw: Any) -> Window | None:
    if not raw:
        return None
    return Window(
        opens=_opt_date(raw.get("opens")),
        closes=_opt_date(raw.get("closes")),
        opens_time=raw.get("opens_time"),
        closes_time=raw.get("closes_time"),
    )


@cache
def _cycles_data() -> dict[str, Any]:
    data: dict[str, Any] = _load_yaml(CYCLES_FILE)
    return data


@cache
def cycles() -> dict[int, CycleInfo]:
    result: dict[int, CycleInfo] = {}
    for year, raw in (_cycles_data().get("cycles") or {}).items():
        raw = raw or {}
        result[int(year)] = CycleInfo(
            fiscal_year=int(year),
            applications=_window(raw.get("applications")) or Window(None, None),
            pre_registration=_window(raw.get("pre_registration")),
            published=_opt_date(raw.get("published")),
            source=_source(raw.get("source")),
            note=raw.get("note"),
            see_also=tuple(s for s in (_source(x) for x in raw.get("see_also") or []) if s),
        )
    return dict(sorted(result.items()))


def known_fiscal_years() -> list[int]:
    return list(cycles())


@lru_cache(maxsize=512)
def unknown_date_bounds(fiscal_year: int, name: str | None = None) -> tuple[date, date]:
    """Earliest and latest date an unknown date of this cycle could be.

    For a date parameter (`name`): the span of the dates recorded for that parameter in other years,
    given as `unknown_date_bounds:` in its file. Without a name (or for a parameter without its own
    bounds): the span of the application windows recorded in `cycles.yaml`.
    """
    definition = definitions().get(name) if name else None
    if definition is not None and definition.unknown_bounds is not None:
        earliest, latest = definition.unknown_bounds
    else:
        bounds = _cycles_data()["unknown_date_bounds"]
        earliest, latest = bounds["earliest"], bounds["latest"]
    return resolve_date(earliest, fiscal_year), resolve_date(latest, fiscal_year)


def cycle_code(fiscal_year: int) -> str:
    return f"FY{fiscal_year}"


def parse_cycle(code: str | int, *, known: bool = True) -> int:
    """'FY2022' (or 2022) -> 2022. CycleFormatError for a bad format, UnknownCycleError outside the list
    (with `known=False`, any fiscal year from 1974 to 2100: a cycle that a rule set may govern)."""
    if isinstance(code, bool):
        raise CycleFormatError(f"not a cycle code ({code!r}); expected FY followed by 4 digits, e.g. FY2022")
    if isinstance(code, int):
        year = code
    else:
        text = str(code).strip()
        if len(text) != 6 or text[:2].upper() != "FY" or not (text[2:].isascii() and text[2:].isdigit()):
            raise CycleFormatError(
                f"not a cycle code ({code}); expected FY followed by 4 digits, e.g. FY2022"
            )
        year = int(text[2:])
    if not known:
        if not 1974 <= year <= 2100:
            raise CycleFormatError(
                f"not a cycle the programme can have (FY{year}); expected FY1974 to FY2100"
            )
        return year
    if year not in cycles():
        first, last = known_fiscal_years()[0], known_fiscal_years()[-1]
        raise UnknownCycleError(f"unknown cycle FY{year}: the policy knows FY{first} to FY{last}")
    return year


def cycle_info(cycle: str | int) -> CycleInfo:
    return cycles()[parse_cycle(cycle)]


def rules_version(rules: Any = None) -> str:
    """A stable hash of every parameter file and the cycle list (changes whenever a rule changes); with
    `rules` (an `Overlay`), of those and the overlay's content."""
    if rules is None:
        return _files_version()
    return rules.version


@cache
def _files_version() -> str:
    digest = hashlib.sha256()
    for path in [*sorted(PARAMETERS_DIR.glob("*.yaml")), CYCLES_FILE]:
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]

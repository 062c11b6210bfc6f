"""Rule sets handed to `evaluate` as data: the overlay (pure Python; never reads a database).

Overlay(parameters, *, applications=None, label=None)     raises RulesError(problems) if invalid
    parameters: {name: entry}; entry in the YAML files' format:
        {"value": ..., "source": {"label": ..., "url": ...}, "note": ...,
         "exceptions": {ORG: date}, "candidates": [date, ...], "uncertain": bool}
        (all keys but "value" optional; a bare value without the mapping is accepted too, except
        for language_test whose value is itself a mapping: give it as {"value": {...}}).
        Dates are {month, day, year_offset} relative to the exam year, or ISO dates; "unknown" is
        allowed; a parameter missing from the overlay is unknown for that cycle (not taken from the
        YAML history: a rule set states every rule it governs).
    applications: (opens, closes) dates of the application window (either may be None: unknown),
        used instead of `cycles.yaml`'s window; needed for a cycle the YAML does not know.
    label: shown nowhere in the decision; for the caller's logs.
    .digest (hash of the content), .version (the Decision's rules_version under this overlay),
    .resolved(fiscal_year) -> {name: ParameterValue}, .entries() -> the normalized parameters.
Overlays are immutable and compare and hash by content, so evaluations under an equal overlay
share the per-cycle caches, and a different overlay never sees another's cached rules.

history_rules(fiscal_year) -> {name: entry}     the YAML history of one cycle in the same format
                                                 (the starting point of a new rule set)
CRITERION_PARAMETERS: {criterion id: (parameter names)}   the parameters each criterion reads
unknown_criterion_parameters(overlay_or_entries) -> [name]  criterion parameters left unknown
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from jpo.policy.dates import fiscal_year_start, parse_iso_date
from jpo.policy.parameters import (
    UNKNOWN,
    ParameterValue,
    Source,
    _Entry,
    _files_version,
    definitions,
    to_jsonable,
)
from jpo.policy.validation import validate_entry

CRITERION_PARAMETERS: dict[str, tuple[str, ...]] = {
    "nationality": ("nationality",),
    "age": ("age_limit", "age_reference_date"),
    "degree": ("degree_level", "degree_deadline"),
    "experience": ("experience_months", "experience_types", "experience_deadline"),
    "language": ("language_test", "language_score_validity"),
    "prior_service": ("prior_service",),
    "civil_servant": ("civil_servants",),
}


class RulesError(ValueError):
    """An invalid overlay; `problems` maps each parameter name to what is wrong with it."""

    def __init__(self, problems: Mapping[str, list[str]]) -> None:
        self.problems = {name: list(p) for name, p in problems.items() if p}
        super().__init__("; ".join(p for ps in self.problems.values() for p in ps))


def _plain(value: Any) -> Any:
    """JSON-able form of an entry: dates as ISO text, tuples as lists."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def normalize_entry(raw: Any) -> dict[str, Any]:
    """One entry in its canonical form: a mapping with "value", dates as ISO text, empty parts dropped."""
    entry = _plain(raw) if isinstance(raw, Mapping) and "value" in raw else {"value": _plain(raw)}
    # Empty optional parts are dropped so that equal rules have equal digests.
    return {k: v for k, v in entry.items() if k == "value" or v not in (None, "", {}, [], False)}


class Overlay:
    """A cycle's rules given as data; see the module docstring."""

    __slots__ = ("_entries", "_hash", "_resolved", "applications", "digest", "label", "version")

    def __init__(
        self,
        parameters: Mapping[str, Any],
        *,
        applications: tuple[date | None, date | None] | None = None,
        label: str | None = None,
        fiscal_year: int | None = None,
    ) -> None:
        """`fiscal_year` (optional) checks that ISO dates lie within a year of the exam year."""
        if not isinstance(parameters, Mapping):
            raise RulesError({"parameters": ["expected a mapping of parameter names to values"]})
        entries = {str(name): normalize_entry(raw) for name, raw in parameters.items()}
        problems = {
            name: validate_entry(name, entry, fiscal_year=fiscal_year) for name, entry in entries.items()
        }
        if any(problems.values()):
            raise RulesError(problems)
        if applications is not None:
            opens, closes = applications
            if opens is not None and closes is not None and closes < opens:
                raise RulesError({"applications": ["applications: the window closes before it opens"]})
        self._entries = dict(sorted(entries.items()))
        self.applications = tuple(applications) if applications is not None else None
        self.label = label
        canonical = json.dumps(
            {"parameters": self._entries, "applications": _plain(self.applications)},
            sort_keys=True,
            ensure_ascii=False,
        )
        self.digest = hashlib.sha256(canonical.encode()).hexdigest()[:16]
        self.version = hashlib.sha256(f"{_files_version()}:{self.digest}".encode()).hexdigest()[:16]
        self._hash = hash(self.digest)
        self._resolved: dict[int, dict[str, ParameterValue]] = {}

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Overlay) and other.digest == self.digest

    def __repr__(self) -> str:
        return f"Overlay({self.label or self.digest})"

    def entries(self) -> dict[str, dict[str, Any]]:
        """The parameters as given (normalized; a copy)."""
        return json.loads(json.dumps(self._entries))

    def resolved(self, fiscal_year: int) -> dict[str, ParameterValue]:
        """Every parameter the policy knows, as it applies to `fiscal_year` under this overlay."""
        found = self._resolved.get(fiscal_year)
        if found is None:
            found = {name: self._parameter(name, fiscal_year) for name in definitions()}
            self._resolved[fiscal_year] = found
        return found

    def _parameter(self, name: str, fiscal_year: int) -> ParameterValue:
        entry = self._entries.get(name)
        if entry is None:
            return ParameterValue(name, fiscal_year, UNKNOWN, None, None, note="not given in the rule set")
        raw_source = entry.get("source") or {}
        source = (
            Source(label=str(raw_source.get("label") or ""), url=raw_source.get("url") or None)
            if raw_source
            else None
        )
        value = entry["value"]
        return ParameterValue(
            name=name,
            fiscal_year=fiscal_year,
            value=UNKNOWN if value == "unknown" else _dates(value),
            since=fiscal_year_start(fiscal_year),
            source=source,
            note=entry.get("note"),
            uncertain=bool(entry.get("uncertain", False)),
            candidates=tuple(_dates(c) for c in entry.get("candidates") or ()),
            exceptions={k: _dates(v) for k, v in (entry.get("exceptions") or {}).items()},
        )


def _dates(value: Any) -> Any:
    """ISO date text inside a date value becomes a date (as the YAML reader gives for the files)."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            return parse_iso_date(value)
        except ValueError:
            return value
    return value


def _history_entry(entry: _Entry) -> dict[str, Any]:
    raw = entry.raw
    result: dict[str, Any] = {"value": to_jsonable(raw.get("value"))}
    source = raw.get("source")
    if source:
        result["source"] = {"label": source.get("label"), "url": source.get("url")}
    for key in ("note", "exceptions", "candidates"):
        if raw.get(key):
            result[key] = to_jsonable(raw[key])
    if raw.get("uncertain") or raw.get("external"):
        # One flag in a rule set: the source is weak or outside the official record (same caveat).
        result["uncertain"] = True
    return result


def history_rules(fiscal_year: int) -> dict[str, dict[str, Any]]:
    """The YAML history as it applies to `fiscal_year`, in the overlay's format (value, source, note...).

    A parameter not yet in force that year (no dated value) is `unknown` with a note. For a cycle after
    the last dated value, the newest value is carried forward, as the YAML history does.
    """
    instant = fiscal_year_start(fiscal_year)
    result: dict[str, dict[str, Any]] = {}
    for name, definition in definitions().items():
        chosen = None
        for entry in definition.entries:
            if entry.since <= instant:
                chosen = entry
        if chosen is None:
            result[name] = {"value": "unknown", "note": "No dated value for this cycle in the history."}
        else:
            result[name] = normalize_entry(_history_entry(chosen))
    return result


def unknown_criterion_parameters(rules: Overlay | Mapping[str, Any]) -> list[str]:
    """The parameters of eligibility criteria that are unknown (or missing) in these rules."""
    entries = (
        rules.entries() if isinstance(rules, Overlay) else {k: normalize_entry(v) for k, v in rules.items()}
    )
    names = [name for names in CRITERION_PARAMETERS.values() for name in names]
    return [name for name in names if name not in entries or entries[name]["value"] == "unknown"]

"""Reads of rule sets; `effective_rules(cycle)` is what every evaluation hands to `jpo.policy.evaluate`."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from jpo import policy
from jpo.programme.models import Cycle, RuleSet, RuleSetParameter, RuleSetStatus
from jpo.programme.rules.errors import RuleSetError

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")

_WITH_PARAMETERS = Prefetch("parameters", queryset=RuleSetParameter.objects.order_by("name"))


def _cycle(cycle: Cycle | str | int) -> Cycle | None:
    if isinstance(cycle, Cycle):
        return cycle
    try:
        fiscal_year = policy.parse_cycle(cycle, known=False)
    except ValueError:
        return None
    return Cycle.objects.filter(fiscal_year=fiscal_year).first()


def _rule_set(cycle: Cycle | str | int, status: str) -> RuleSet | None:
    found = _cycle(cycle)
    if found is None:
        return None
    return (
        RuleSet.objects.filter(cycle=found, status=status)
        .select_related("cycle", "created_by", "published_by")
        .prefetch_related(_WITH_PARAMETERS)
        .first()
    )


def published_rule_set(cycle: Cycle | str | int) -> RuleSet | None:
    return _rule_set(cycle, RuleSetStatus.PUBLISHED)


def draft_rule_set(cycle: Cycle | str | int) -> RuleSet | None:
    return _rule_set(cycle, RuleSetStatus.DRAFT)


def parameter_entry(row: RuleSetParameter) -> dict[str, Any]:
    """A parameter row as an entry in the YAML files' format (canonical: empty parts omitted)."""
    raw: dict[str, Any] = {"value": row.value}
    if row.source_label or row.source_url:
        raw["source"] = {"label": row.source_label, "url": row.source_url or None}
    raw.update(note=row.note, exceptions=row.exceptions, candidates=row.candidates, uncertain=row.uncertain)
    return policy.normalize_entry(raw)


def rule_set_entries(rule_set: RuleSet) -> dict[str, dict[str, Any]]:
    """{name: entry} of a rule set (uses the prefetched parameters when there are)."""
    return {row.name: parameter_entry(row) for row in sorted(rule_set.parameters.all(), key=lambda r: r.name)}


def _local_date(instant: dt.datetime | None) -> dt.date | None:
    return instant.astimezone(TOKYO).date() if instant is not None else None


# Overlays of published rule sets, by what makes them: rebuilding one validates and hashes every entry.
_OVERLAYS: dict[tuple[Any, ...], policy.Overlay] = {}


def effective_rules(cycle: Cycle | str | int) -> policy.Overlay | None:
    """The rules that govern `cycle`: its published rule set as an overlay, or None (the YAML history).

    The overlay carries the Cycle's application window (dates in Japan), which then replaces the one in
    the policy's `cycles.yaml`; a cycle the YAML does not know is governed only once a rule set is
    published (before that, `evaluate` raises UnknownCycleError).
    """
    found = _cycle(cycle)
    if found is None:
        return None
    rule_set = published_rule_set(found)
    if rule_set is None:
        return None
    window = (_local_date(found.applications_open), _local_date(found.applications_close))
    key = (rule_set.pk, rule_set.published_at, window)
    overlay = _OVERLAYS.get(key)
    if overlay is None:
        overlay = policy.Overlay(
            rule_set_entries(rule_set),
            applications=window if any(window) else None,
            label=f"{found.code} published rule set",
        )
        if len(_OVERLAYS) > 64:
            _OVERLAYS.clear()
        _OVERLAYS[key] = overlay
    return overlay


def previous_year_rules(fiscal_year: int) -> tuple[str, dict[str, dict[str, Any]]]:
    """(what they are, {name: entry}) of the rules of the year before: published, else the YAML history."""
    previous = fiscal_year - 1
    rule_set = published_rule_set(previous)
    if rule_set is not None:
        return f"FY{previous} published rule set", rule_set_entries(rule_set)
    return f"FY{previous} policy files", policy.history_rules(previous)


@dataclass(frozen=True)
class ParameterDiff:
    name: str
    entry: dict[str, Any] | None  # None: missing from the rule set
    previous: dict[str, Any] | None
    changed: bool  # the value (or its exceptions or possible values) differs; sources and notes aside


def _rule_of(entry: dict[str, Any] | None) -> Any:
    if entry is None:
        return None
    return (entry.get("value"), entry.get("exceptions"), entry.get("candidates"))


def rule_set_diff(rule_set: RuleSet) -> tuple[str, list[ParameterDiff]]:
    """(previous_label, one ParameterDiff per parameter the policy knows) against the previous year."""
    label, previous = previous_year_rules(rule_set.cycle.fiscal_year)
    entries = rule_set_entries(rule_set)
    diffs = [
        ParameterDiff(
            name=name,
            entry=entries.get(name),
            previous=previous.get(name),
            changed=_rule_of(entries.get(name)) != _rule_of(previous.get(name)),
        )
        for name in policy.parameter_names()
    ]
    return label, diffs


def rule_set_document(cycle: Cycle | str | int, *, draft: bool | None = None) -> dict[str, Any]:
    """The cycle's rules in the `jpo rules show` format. `draft`: None the newest (draft, else published,
    else history), True the draft only, False what governs (published, else history)."""
    found = _cycle(cycle)
    if found is not None:
        fiscal_year = found.fiscal_year
    else:
        assert not isinstance(cycle, Cycle)
        fiscal_year = policy.parse_cycle(cycle, known=False)
    code = policy.cycle_code(fiscal_year)
    rule_set = None
    if found is not None and draft is not False:
        rule_set = draft_rule_set(found)
    if rule_set is None and draft is True:
        raise RuleSetError(f"{code} has no draft rule set")
    if rule_set is None and found is not None:
        rule_set = published_rule_set(found)
    if rule_set is not None:
        entries = rule_set_entries(rule_set)
        status = str(rule_set.status)
    elif fiscal_year in policy.known_fiscal_years():
        entries, status = policy.history_rules(fiscal_year), "history"
    else:
        raise RuleSetError(
            f"{code} has no rule set and the policy files do not cover it; load one with jpo rules load"
        )
    return {"cycle": code, "status": status, "parameters": entries}


def _relative(value: Any, fiscal_year: int) -> Any:
    """An ISO date copied from another year's rules becomes {month, day, year_offset} (relative to the
    exam year), so that it keeps its meaning in the new cycle; anything else is returned as it is."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
        rule: dict[str, int] = {"month": day.month, "day": day.day}
        if day.year != fiscal_year:
            rule["year_offset"] = day.year - fiscal_year
        return rule
    return value


def _carried(entry: dict[str, Any], from_year: int) -> dict[str, Any]:
    result = dict(entry)
    result["value"] = _relative(entry["value"], from_year)
    if entry.get("exceptions"):
        result["exceptions"] = {k: _relative(v, from_year) for k, v in entry["exceptions"].items()}
    if entry.get("candidates"):
        result["candidates"] = [_relative(v, from_year) for v in entry["candidates"]]
    return policy.normalize_entry(result)


def starting_rules(cycle: Cycle) -> tuple[str, dict[str, dict[str, Any]]]:
    """(what they are, {name: entry}) of the rules a new draft of `cycle` starts from, which are also the
    rules a draft would replace: the cycle's published rule set, else the policy files of its year, else
    the latest earlier published rule set carried forward (dates made relative to the exam year)."""
    fiscal_year = cycle.fiscal_year
    published = (
        RuleSet.objects.filter(cycle=cycle, status=RuleSetStatus.PUBLISHED)
        .prefetch_related("parameters")
        .first()
    )
    if published is not None:
        return f"{cycle.code} published rule set", rule_set_entries(published)
    if fiscal_year in policy.known_fiscal_years():
        return f"{cycle.code} policy files", policy.history_rules(fiscal_year)
    earlier = (
        RuleSet.objects.filter(status=RuleSetStatus.PUBLISHED, cycle__fiscal_year__lt=fiscal_year)
        .select_related("cycle")
        .prefetch_related("parameters")
        .order_by("-cycle__fiscal_year")
        .first()
    )
    history = policy.history_rules(fiscal_year)
    if earlier is not None:
        from_year = earlier.cycle.fiscal_year
        entries = {name: _carried(e, from_year) for name, e in rule_set_entries(earlier).items()}
        # A parameter the policy learnt after that rule set was published starts from the history.
        return f"{earlier.cycle.code} published rule set", {**history, **entries}
    return f"policy files (FY{policy.known_fiscal_years()[-1]}, carried forward)", history

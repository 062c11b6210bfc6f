"""A scenario: the levers a user states (everything left out is today's policy). One parser for the YAML
file of the command line, the saved scenarios and the web editor, so they accept and refuse the same things.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jpo.core.errors import DomainError

MIN_YEAR, MAX_YEAR = 1950, 2100


class ScenarioError(DomainError, ValueError):
    """Bad input, in one line naming the key."""

    code = "projection.scenario"


@dataclass(frozen=True)
class Scenario:
    """Stated values; None means "as today" (estimated from the app's records or the census)."""

    dispatches_per_year: float | None = None
    retention_rate: float | None = None
    civil_servant_track: bool | None = None
    civil_servant_share: float | None = None
    civil_servant_retention_rate: float | None = None
    civil_servant_slots_refilled: bool | None = None
    mid_career_entries_per_year: float | None = None
    separation_rate: float | None = None
    from_year: int | None = None
    dispatch_years: int | None = None
    fit_from: int | None = None
    today_dispatches_per_year: float | None = None
    today_civil_servant_share: float | None = None
    today_retention_rate: float | None = None
    today_civil_servant_retention_rate: float | None = None

    def stated(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


RATES = {
    "retention_rate",
    "civil_servant_share",
    "civil_servant_retention_rate",
    "separation_rate",
    "today_civil_servant_share",
    "today_retention_rate",
    "today_civil_servant_retention_rate",
}
COUNTS = {"dispatches_per_year", "today_dispatches_per_year"}
SWITCHES = {"civil_servant_track", "civil_servant_slots_refilled"}
YEARS = {"from_year", "fit_from"}
KEYS = [f.name for f in fields(Scenario)]
# Keys a file may carry that are not levers.
LABELS = {"name", "description"}

# What each key means, for the editor and the guide.
HELP: dict[str, Any] = {
    "dispatches_per_year": gettext_lazy("JPO dispatches per year"),
    "retention_rate": gettext_lazy(
        "Share of JPOs (other than civil servants) who get a regular post after the dispatch"
    ),
    "civil_servant_track": gettext_lazy("National civil servants may be dispatched (on since FY2019)"),
    "civil_servant_share": gettext_lazy("Share of dispatches going to national civil servants"),
    "civil_servant_retention_rate": gettext_lazy(
        "Share of civil-servant JPOs who get a regular post (others return to their ministry)"
    ),
    "civil_servant_slots_refilled": gettext_lazy(
        "With the track off, civil servants' slots go to other applicants"
    ),
    "mid_career_entries_per_year": gettext_lazy("Mid-career entries per year beyond today's level"),
    "separation_rate": gettext_lazy("Share of staff leaving each year"),
    "from_year": gettext_lazy("First year the changed levers apply"),
    "dispatch_years": gettext_lazy(
        "Length of a dispatch in years (former JPOs enter regular posts after it)"
    ),
    "fit_from": gettext_lazy("First census year used for calibration"),
    "today_dispatches_per_year": gettext_lazy(
        "Today's dispatches per year (when the app has no dispatch records)"
    ),
    "today_civil_servant_share": gettext_lazy(
        "Today's share of civil servants among dispatches (when not recorded)"
    ),
    "today_retention_rate": gettext_lazy(
        "Today's retention of JPOs other than civil servants (when no outcome is recorded)"
    ),
    "today_civil_servant_retention_rate": gettext_lazy(
        "Today's retention of civil-servant JPOs (when no outcome is recorded)"
    ),
}


def _number(key: str, raw: Any) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ScenarioError(_("%(key)s must be a number (got %(value)r).") % {"key": key, "value": raw})
    try:
        value = float(raw)
    except ValueError:
        raise ScenarioError(
            _("%(key)s must be a number (got %(value)r).") % {"key": key, "value": raw}
        ) from None
    if not math.isfinite(value):
        raise ScenarioError(_("%(key)s must be a finite number.") % {"key": key})
    return value


def _switch(key: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("on", "off", "true", "false", "yes", "no"):
        return raw.strip().lower() in ("on", "true", "yes")
    raise ScenarioError(_("%(key)s must be on or off (got %(value)r).") % {"key": key, "value": raw})


def _whole(key: str, raw: Any, low: int, high: int) -> int:
    value = _number(key, raw)
    if value != int(value) or not low <= value <= high:
        raise ScenarioError(
            _("%(key)s must be a whole number from %(low)s to %(high)s (got %(value)r).")
            % {"key": key, "low": low, "high": high, "value": raw}
        )
    return int(value)


def parse(data: Mapping[str, Any] | None) -> Scenario:
    """Check every stated key; raise ScenarioError on the first wrong one (an unknown key, a rate outside 0-1...)."""
    if data is None:
        return Scenario()
    if not isinstance(data, Mapping):
        raise ScenarioError(_("A scenario is a mapping of keys to values."))
    values: dict[str, Any] = {}
    for key, raw in data.items():
        if key in LABELS:
            continue
        if key not in KEYS:
            raise ScenarioError(
                _("Unknown scenario key “%(key)s” (known keys: %(known)s).")
                % {"key": key, "known": ", ".join(KEYS)}
            )
        if raw is None:
            continue
        if key in RATES:
            value = _number(key, raw)
            if not 0.0 <= value <= 1.0 or (key == "separation_rate" and value >= 1.0):
                raise ScenarioError(
                    _("%(key)s must lie between 0 and 1 (got %(value)r).") % {"key": key, "value": raw}
                )
            values[key] = value
        elif key in COUNTS:
            value = _number(key, raw)
            if not 0.0 <= value <= 10_000:
                raise ScenarioError(
                    _("%(key)s must lie between 0 and 10,000 (got %(value)r).") % {"key": key, "value": raw}
                )
            values[key] = value
        elif key == "mid_career_entries_per_year":
            value = _number(key, raw)
            if not -10_000 <= value <= 10_000:
                raise ScenarioError(
                    _("%(key)s must lie between -10,000 and 10,000 (got %(value)r).")
                    % {"key": key, "value": raw}
                )
            values[key] = value
        elif key in SWITCHES:
            values[key] = _switch(key, raw)
        elif key in YEARS:
            values[key] = _whole(key, raw, MIN_YEAR, MAX_YEAR)
        elif key == "dispatch_years":
            values[key] = _whole(key, raw, 1, 10)
    return Scenario(**values)

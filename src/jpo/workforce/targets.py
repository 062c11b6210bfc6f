"""Target arithmetic: progress, gap, growth per year needed and achieved. Pure functions, no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DAYS_PER_YEAR = 365.25


def years_between(start: dt.date, end: dt.date) -> float:
    return (end - start).days / DAYS_PER_YEAR


@dataclass(frozen=True)
class TargetProgress:
    target: int
    baseline: int
    baseline_date: dt.date
    deadline: dt.date
    latest: int | None
    latest_date: dt.date | None

    @property
    def gap(self) -> int | None:
        """Headcount still missing at the latest figure (negative: target exceeded)."""
        return None if self.latest is None else self.target - self.latest

    @property
    def progress_percent(self) -> float | None:
        """Latest figure as a share of the target."""
        return None if self.latest is None else 100.0 * self.latest / self.target

    @property
    def distance_covered_percent(self) -> float | None:
        """Share of the way from the baseline to the target covered at the latest figure."""
        if self.latest is None or self.target == self.baseline:
            return None
        return 100.0 * (self.latest - self.baseline) / (self.target - self.baseline)

    @property
    def needed_per_year(self) -> float:
        """Growth per year from the baseline that would have reached the target exactly at the deadline."""
        return (self.target - self.baseline) / years_between(self.baseline_date, self.deadline)

    @property
    def achieved_per_year(self) -> float | None:
        """Growth per year actually achieved between the baseline and the latest figure."""
        if self.latest is None or self.latest_date is None or self.latest_date <= self.baseline_date:
            return None
        return (self.latest - self.baseline) / years_between(self.baseline_date, self.latest_date)

    @property
    def needed_per_year_from_latest(self) -> float | None:
        """Growth per year still needed from the latest figure to the deadline (0 once reached; None once the deadline passed)."""
        if self.latest is None or self.latest_date is None or self.latest_date >= self.deadline:
            return None
        if self.latest >= self.target:
            return 0.0
        return (self.target - self.latest) / years_between(self.latest_date, self.deadline)

    @property
    def reached(self) -> bool | None:
        return None if self.latest is None else self.latest >= self.target

    @property
    def on_track(self) -> bool | None:
        achieved, needed = self.achieved_per_year, self.needed_per_year
        return None if achieved is None else achieved >= needed

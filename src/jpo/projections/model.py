"""The stock-flow model of Japanese staff in professional and higher posts, in pure numpy (no database).

One step per year-end:

    N[y] = (1 - s) * N[y-1] + M + L[y] + e[y],   e[y] ~ Normal(0, sigma^2)

- s: the separation rate (share of staff leaving each year), stated by the user; the census publishes
  stocks, not departures, so it cannot tell leavers from joiners. With s = 0 the leavers are netted inside M.
- M: entries per year other than those the scenario changes (former JPOs at today's level, mid-career
  hires, others, net of leavers when s = 0). Estimated with its standard error by generalised least squares
  on the steps between consecutive published figures; a gap of k years is one k-year step, never filled.
- L[y]: what a scenario's levers add to or take from today's entries (former JPOs entering regular posts:
  dispatches times retention, after the dispatch; mid-career entries).
- sigma: the year-to-year noise, estimated from the same steps' residuals.

Every path draws its own M (from its estimate and standard error) and retention rates (from the
outcome records), then its own yearly noise: the spread of the paths is the honest uncertainty.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from jpo.core.errors import DomainError

PERCENTILES = (10, 50, 90)


class CalibrationError(DomainError, ValueError):
    """The published series cannot support the estimate asked for."""

    code = "projection.calibration"


def year_of(date: dt.date) -> int:
    """The year-end a published figure stands for: one dated in the first half of a year (e.g. '1 Jan 2005')
    counts as the end of the previous year; one dated in the second half counts as that year's end."""
    return date.year if date.month >= 7 else date.year - 1


@dataclass(frozen=True)
class Calibration:
    """The estimated entries per year (with standard error) and yearly noise, and what they rest on."""

    years: tuple[int, ...]
    headcounts: tuple[int, ...]
    separation_rate: float
    entries: float
    entries_se: float
    sigma: float

    @property
    def steps(self) -> int:
        return len(self.years) - 1

    @property
    def gap_years(self) -> tuple[int, ...]:
        present = set(self.years)
        return tuple(y for y in range(self.years[0], self.years[-1] + 1) if y not in present)


def calibrate(observations: Sequence[tuple[int, int]], *, separation_rate: float = 0.0) -> Calibration:
    """Estimate M and sigma from (year, headcount) pairs (any order; at most one per year).

    For a step of k years from N_a to N_b, with phi = 1 - s: N_b - phi^k N_a = A M + noise, where
    A = sum phi^j (j < k) and the noise variance is sigma^2 V, V = sum phi^(2j). Weighted least squares
    with weights 1/V gives M; the weighted residuals give sigma (n - 1 degrees of freedom).
    """
    if not 0.0 <= separation_rate < 1.0:
        raise CalibrationError("separation_rate must lie between 0 and 1.")
    ordered = sorted(observations)
    years = [y for y, _n in ordered]
    if len(set(years)) != len(years):
        raise CalibrationError("At most one published figure per year.")
    if len(ordered) < 3:
        raise CalibrationError(
            "At least three published figures are needed to estimate entries and their spread."
        )
    phi = 1.0 - separation_rate
    rows = []
    for (year_a, n_a), (year_b, n_b) in itertools.pairwise(ordered):
        k = year_b - year_a
        a = sum(phi**j for j in range(k))
        v = sum(phi ** (2 * j) for j in range(k))
        rows.append((n_b - phi**k * n_a, a, v))
    information = sum(a * a / v for _y, a, v in rows)
    entries = sum(a * y / v for y, a, v in rows) / information
    residual = sum((y - a * entries) ** 2 / v for y, a, v in rows)
    sigma = math.sqrt(residual / (len(rows) - 1))
    return Calibration(
        years=tuple(years),
        headcounts=tuple(n for _y, n in ordered),
        separation_rate=separation_rate,
        entries=entries,
        entries_se=sigma / math.sqrt(information),
        sigma=sigma,
    )


@dataclass(frozen=True)
class Rate:
    """A rate with its uncertainty: a Beta(a, b) from counts, or a fixed value stated by the user."""

    value: float
    a: float | None = None
    b: float | None = None

    @classmethod
    def from_counts(cls, successes: int, failures: int) -> Rate:
        # Jeffreys prior: half an observation each way, so no count of zero gives a certainty.
        a, b = successes + 0.5, failures + 0.5
        return cls(value=a / (a + b), a=a, b=b)

    @property
    def drawn(self) -> bool:
        return self.a is not None and self.b is not None


@dataclass(frozen=True)
class Flows:
    """Former JPOs entering regular posts per year: dispatches split by civil-servant status, times retention."""

    dispatches: float
    civil_servant_share: float
    track_on: bool
    replaced: bool

    def split(self) -> tuple[float, float]:
        """(other dispatches, civil-servant dispatches) per year."""
        civil = self.dispatches * self.civil_servant_share
        if self.track_on:
            return self.dispatches - civil, civil
        return (self.dispatches if self.replaced else self.dispatches - civil), 0.0


@dataclass(frozen=True)
class Levers:
    """What a scenario changes, against today's flows, from `from_year` (entries after `lag` years)."""

    today: Flows
    scenario: Flows
    retention_today: Rate
    retention_scenario: Rate | None  # None: as today (the same draw)
    civil_retention_today: Rate
    civil_retention_scenario: Rate | None
    mid_career: float
    from_year: int
    lag: int


@dataclass(frozen=True)
class Draws:
    """Every random number of a run, in the order drawn: entries, yearly noise, then retention rates."""

    entries: np.ndarray  # (paths,)
    retention: np.ndarray  # (4, paths): today, scenario, civil today, civil scenario
    noise: np.ndarray  # (paths, years), drawn year by year


def _rate_draws(rng: np.random.Generator, rate: Rate | None, fallback: np.ndarray, paths: int) -> np.ndarray:
    if rate is None:
        return fallback
    if rate.a is not None and rate.b is not None:
        return rng.beta(rate.a, rate.b, size=paths)
    return np.full(paths, rate.value)


def draw(*, calibration: Calibration, levers: Levers | None, years: int, paths: int, seed: int) -> Draws:
    rng = np.random.default_rng(seed)
    entries = calibration.entries + calibration.entries_se * rng.standard_normal(paths)
    # Year by year (year-major), so the first years' draws do not depend on how far the run goes; before the
    # retention draws, so every scenario run with one seed shares today's noise and differs only by its levers.
    noise = calibration.sigma * rng.standard_normal((years, paths)).T
    retention = np.zeros((4, paths))
    if levers is not None:
        retention[0] = _rate_draws(rng, levers.retention_today, retention[0], paths)
        retention[1] = _rate_draws(rng, levers.retention_scenario, retention[0], paths)
        retention[2] = _rate_draws(rng, levers.civil_retention_today, retention[2], paths)
        retention[3] = _rate_draws(rng, levers.civil_retention_scenario, retention[2], paths)
    return Draws(entries=entries, retention=retention, noise=noise)


def lever_effects(*, levers: Levers | None, draws: Draws, first_year: int, years: int) -> np.ndarray:
    """(paths, years) entries the scenario adds (or removes) against today's policy: zero when unchanged."""
    paths = draws.entries.shape[0]
    out = np.zeros((paths, years))
    if levers is None:
        return out
    others_today, civil_today = levers.today.split()
    others, civil = levers.scenario.split()
    jpo = (others * draws.retention[1] + civil * draws.retention[3]) - (
        others_today * draws.retention[0] + civil_today * draws.retention[2]
    )
    for i in range(years):
        year = first_year + i
        if year >= levers.from_year + levers.lag:
            out[:, i] += jpo
        if year >= levers.from_year:
            out[:, i] += levers.mid_career
    return out


def run_paths(
    *, start: float, separation_rate: float, entries: np.ndarray, effects: np.ndarray, noise: np.ndarray
) -> np.ndarray:
    """The recurrence over all paths at once: (paths, years) headcounts after the start year."""
    phi = 1.0 - separation_rate
    paths, years = noise.shape
    out = np.empty((paths, years))
    level = np.full(paths, float(start))
    for i in range(years):
        level = phi * level + entries + effects[:, i] + noise[:, i]
        out[:, i] = level
    return out


@dataclass(frozen=True)
class Projection:
    first_year: int
    paths: np.ndarray  # (paths, years)

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.first_year + self.paths.shape[1]))

    def percentiles(self) -> np.ndarray:
        """(3, years): the 10th, 50th and 90th percentiles per year."""
        return np.percentile(self.paths, PERCENTILES, axis=0)

    def reached_by(self, headcount: float) -> np.ndarray:
        """(years,): share of paths at or above `headcount` in some year up to and including each year."""
        return np.logical_or.accumulate(self.paths >= headcount, axis=1).mean(axis=0)

    def probability_by(self, headcount: float, deadline_year: int) -> float:
        """Share of paths reaching `headcount` in some year from the first projected year to the deadline."""
        if deadline_year < self.first_year:
            return 0.0
        last = min(deadline_year - self.first_year, self.paths.shape[1] - 1)
        return float(self.reached_by(headcount)[last])


def project(
    *,
    calibration: Calibration,
    start_year: int,
    start: float,
    until: int,
    levers: Levers | None = None,
    paths: int = 10_000,
    seed: int = 2026,
) -> Projection:
    years = until - start_year
    if years < 1:
        raise CalibrationError("The last year must come after the last published figure.")
    drawn = draw(calibration=calibration, levers=levers, years=years, paths=paths, seed=seed)
    effects = lever_effects(levers=levers, draws=drawn, first_year=start_year + 1, years=years)
    result = run_paths(
        start=start,
        separation_rate=calibration.separation_rate,
        entries=drawn.entries,
        effects=effects,
        noise=drawn.noise,
    )
    return Projection(first_year=start_year + 1, paths=result)


def deterministic(
    *, start: float, separation_rate: float, entries: float, effects: Sequence[float]
) -> list[float]:
    """The recurrence without noise (one path), for checking the paths against it."""
    phi = 1.0 - separation_rate
    level, out = float(start), []
    for effect in effects:
        level = phi * level + entries + effect
        out.append(level)
    return out


# ---------------------------------------------------------------- naive baselines for the backtest


def last_value(observations: Sequence[tuple[int, int]], years: Sequence[int]) -> list[float]:
    """The last published figure carried forward."""
    last = max(observations)[1]
    return [float(last) for _y in years]


def linear_trend(observations: Sequence[tuple[int, int]], years: Sequence[int]) -> list[float]:
    """Ordinary least squares of headcount on year over the same published figures, extended."""
    xs = np.array([y for y, _n in observations], dtype=float)
    ys = np.array([n for _y, n in observations], dtype=float)
    slope, intercept = np.polyfit(xs, ys, 1)
    return [float(intercept + slope * y) for y in years]


def errors(forecast: Sequence[float], published: Sequence[float]) -> tuple[float, float]:
    """(mean absolute error, mean absolute percentage error in per cent)."""
    f, p = np.asarray(forecast, dtype=float), np.asarray(published, dtype=float)
    return float(np.mean(np.abs(f - p))), float(100.0 * np.mean(np.abs(f - p) / p))

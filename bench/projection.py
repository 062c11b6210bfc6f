"""Projection benchmark: 10,000 Monte Carlo paths over 30 years (target under 1 s), against a plain
Python loop computing the same paths from the same seed in the same run (same results, checked).

The model is calibrated on the shipped MOFA series (no database needed) and run with a scenario that
moves every lever (dispatches, civil-servant track, retention drawn from counts, mid-career entries,
separation rate), so every part of a real run is timed: draws, lever effects, the recurrence, the
10th/50th/90th percentiles per year and the probability of reaching 1,000 and 1,500.

  .venv/bin/python bench/projection.py            # 10,000 paths x 30 years
  .venv/bin/python bench/projection.py --smoke    # 500 paths x 10 years
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402

# The model is pure numpy: no Django settings or database are needed.
from jpo.projections import model  # noqa: E402
from jpo.projections.model import Flows, Levers, Rate  # noqa: E402

SEED = 2026
TARGETS = (1000, 1500)
SEPARATION = 0.02


def shipped_series() -> list[tuple[int, int]]:
    path = ROOT / "src" / "jpo" / "workforce" / "data" / "mofa_japanese_staff.csv"
    by_year: dict[int, int] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["grade"] == "ALL" and row["sex"] == "ALL" and not row["variant"]:
                year, month = int(row["reference_date"][:4]), int(row["reference_date"][5:7])
                by_year[year if month >= 7 else year - 1] = int(row["headcount"])
    return sorted(by_year.items())


def levers(start_year: int) -> Levers:
    return Levers(
        today=Flows(dispatches=50, civil_servant_share=0.1, track_on=True, replaced=True),
        scenario=Flows(dispatches=70, civil_servant_share=0.15, track_on=True, replaced=True),
        retention_today=Rate.from_counts(60, 40),
        retention_scenario=None,
        civil_retention_today=Rate.from_counts(4, 12),
        civil_retention_scenario=Rate(0.4),
        mid_career=5.0,
        from_year=start_year + 2,
        lag=2,
    )


def vectorised(cal: model.Calibration, start_year: int, start: int, years: int, paths: int) -> tuple:
    projection = model.project(
        calibration=cal,
        start_year=start_year,
        start=start,
        until=start_year + years,
        levers=levers(start_year),
        paths=paths,
        seed=SEED,
    )
    pct = projection.percentiles()
    probabilities = [projection.probability_by(t, start_year + years) for t in TARGETS]
    return projection.paths, pct, probabilities


def _percentile(ordered: list[float], q: float) -> float:
    position = q / 100 * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def plain_loop(cal: model.Calibration, start_year: int, start: int, years: int, paths: int) -> tuple:
    """The same model, one path and one year at a time, drawing the same numbers in the same order."""
    lv = levers(start_year)
    rng = np.random.default_rng(SEED)
    entries = [cal.entries + cal.entries_se * rng.standard_normal() for _ in range(paths)]
    noise = [[0.0] * years for _ in range(paths)]
    for year in range(years):
        for path in range(paths):
            noise[path][year] = cal.sigma * rng.standard_normal()

    def rates(rate: Rate | None, fallback: list[float]) -> list[float]:
        if rate is None:
            return fallback
        if rate.a is not None and rate.b is not None:
            return [rng.beta(rate.a, rate.b) for _ in range(paths)]
        return [rate.value] * paths

    r_today = rates(lv.retention_today, [0.0] * paths)
    r_scenario = rates(lv.retention_scenario, r_today)
    c_today = rates(lv.civil_retention_today, [0.0] * paths)
    c_scenario = rates(lv.civil_retention_scenario, c_today)
    others_today, civil_today = lv.today.split()
    others, civil = lv.scenario.split()
    phi = 1.0 - cal.separation_rate
    out = []
    for path in range(paths):
        jpo = (others * r_scenario[path] + civil * c_scenario[path]) - (
            others_today * r_today[path] + civil_today * c_today[path]
        )
        level, row = float(start), []
        for i in range(years):
            year = start_year + 1 + i
            effect = 0.0
            if year >= lv.from_year + lv.lag:
                effect += jpo
            if year >= lv.from_year:
                effect += lv.mid_career
            level = phi * level + entries[path] + effect + noise[path][i]
            row.append(level)
        out.append(row)
    pct = []
    for q in model.PERCENTILES:
        pct.append([_percentile(sorted(out[p][i] for p in range(paths)), q) for i in range(years)])
    probabilities = [sum(1 for row in out if max(row) >= t) / paths for t in TARGETS]
    return out, pct, probabilities


def best_of(repeats: int, fn, *args) -> tuple[float, tuple]:
    best, result = math.inf, ()
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn(*args)
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--paths", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="a tiny run (500 paths x 10 years)")
    args = parser.parse_args()
    if args.smoke:
        args.paths, args.years, args.repeats = 500, 10, 1
    series = shipped_series()
    cal = model.calibrate(series, separation_rate=SEPARATION)
    start_year, start = series[-1]
    print(
        f"calibration on {len(series)} published figures {series[0][0]}-{start_year} (s = {SEPARATION}): "
        f"entries {cal.entries:.1f} ± {cal.entries_se:.1f}, sigma {cal.sigma:.1f}"
    )
    fast, (paths_v, pct_v, prob_v) = best_of(
        args.repeats, vectorised, cal, start_year, start, args.years, args.paths
    )
    slow, (paths_l, pct_l, prob_l) = best_of(1, plain_loop, cal, start_year, start, args.years, args.paths)
    same_paths = np.array_equal(paths_v, np.array(paths_l))
    same_pct = np.allclose(pct_v, np.array(pct_l), rtol=0, atol=1e-9)
    same = same_paths and same_pct and prob_v == prob_l
    print(f"{args.paths:,} paths x {args.years} years, seed {SEED}")
    print(
        f"vectorised numpy: {fast:.3f} s (best of {args.repeats}; target < 1 s: {'met' if fast < 1 else 'MISSED'})"
    )
    print(f"plain Python loop, same paths: {slow:.3f} s")
    print(f"ratio: the loop takes {slow / fast:.1f}x as long as the vectorised run")
    last = args.years - 1
    print(
        f"same results: {'yes' if same else 'NO'} (paths identical: {same_paths}; percentiles within 1e-9: {same_pct}); "
        f"year {start_year + args.years}: p10 {pct_v[0][last]:.0f}, p50 {pct_v[1][last]:.0f}, p90 {pct_v[2][last]:.0f}; "
        + ", ".join(f"P(reach {t:,}) = {p:.3f}" for t, p in zip(TARGETS, prob_v, strict=True))
    )
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()

"""The model's maths: calibration, the recurrence, percentiles, probabilities, baselines. No database."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from jpo.projections import model
from jpo.projections.model import Calibration, CalibrationError, Flows, Levers, Rate


def calibration(entries: float, *, sigma: float = 0.0, se: float = 0.0, s: float = 0.0) -> Calibration:
    return Calibration(
        years=(2000, 2001, 2002),
        headcounts=(100, 110, 120),
        separation_rate=s,
        entries=entries,
        entries_se=se,
        sigma=sigma,
    )


def test_year_of_counts_early_dates_as_the_previous_year_end() -> None:
    assert model.year_of(dt.date(2005, 1, 1)) == 2004
    assert model.year_of(dt.date(2024, 12, 31)) == 2024
    assert model.year_of(dt.date(2013, 6, 30)) == 2012
    assert model.year_of(dt.date(2013, 7, 1)) == 2013


def test_calibration_recovers_a_straight_line_exactly_across_gaps() -> None:
    # 500 + 20 a year, published with gaps (2003, 2005-2006 missing): the gap is one longer step, not filled.
    observations = [(y, 500 + 20 * (y - 2000)) for y in (2000, 2001, 2002, 2004, 2007, 2008)]
    cal = model.calibrate(observations)
    assert cal.entries == pytest.approx(20.0)
    assert cal.sigma == pytest.approx(0.0, abs=1e-9)
    assert cal.gap_years == (2003, 2005, 2006)
    assert cal.steps == 5


def test_calibration_with_a_separation_rate_recovers_the_recurrence() -> None:
    s, entries = 0.05, 60.0
    level, observations = 800.0, []
    for year in range(2010, 2021):
        if year != 2010:
            level = (1 - s) * level + entries
        if year not in (2013, 2014):
            observations.append((year, level))
    cal = model.calibrate(observations, separation_rate=s)  # type: ignore[arg-type]
    assert cal.entries == pytest.approx(entries)
    assert cal.sigma == pytest.approx(0.0, abs=1e-6)


def test_calibration_refuses_too_few_figures_and_bad_rates() -> None:
    with pytest.raises(CalibrationError):
        model.calibrate([(2000, 1), (2001, 2)])
    with pytest.raises(CalibrationError):
        model.calibrate([(2000, 1), (2001, 2), (2002, 3)], separation_rate=1.0)


def test_standard_error_shrinks_with_more_years_and_noise_gives_sigma() -> None:
    rng = np.random.default_rng(1)
    short = [(2000 + i, 500 + 20 * i + float(rng.normal(0, 10))) for i in range(6)]
    rng = np.random.default_rng(1)
    long = [(2000 + i, 500 + 20 * i + float(rng.normal(0, 10))) for i in range(40)]
    a, b = model.calibrate(short), model.calibrate(long)  # type: ignore[arg-type]
    assert b.entries_se < a.entries_se
    assert b.sigma > 0


def test_with_zero_variance_every_path_is_the_deterministic_recurrence() -> None:
    cal = calibration(15.0, s=0.03)
    levers = Levers(
        today=Flows(dispatches=50, civil_servant_share=0.2, track_on=True, replaced=True),
        scenario=Flows(dispatches=70, civil_servant_share=0.2, track_on=True, replaced=True),
        retention_today=Rate(0.6),
        retention_scenario=None,
        civil_retention_today=Rate(0.3),
        civil_retention_scenario=None,
        mid_career=5.0,
        from_year=2026,
        lag=2,
    )
    projection = model.project(
        calibration=cal, start_year=2024, start=979, until=2034, levers=levers, paths=50
    )
    # 20 more dispatches: 16 others at 60% and 4 civil servants at 30% = 10.8 more entries from 2028;
    # 5 mid-career entries from 2026.
    effects = [0, 5, 5, 15.8, 15.8, 15.8, 15.8, 15.8, 15.8, 15.8]
    expected = model.deterministic(start=979, separation_rate=0.03, entries=15.0, effects=effects)
    assert projection.years == list(range(2025, 2035))
    for path in projection.paths:
        assert path == pytest.approx(expected)
    low, mid, high = projection.percentiles()
    assert mid == pytest.approx(expected)
    assert low == pytest.approx(expected) and high == pytest.approx(expected)


def test_a_scenario_equal_to_today_changes_nothing() -> None:
    cal = calibration(20.0, sigma=15.0, se=3.0)
    same = Flows(dispatches=50, civil_servant_share=0.1, track_on=True, replaced=True)
    levers = Levers(
        today=same,
        scenario=same,
        retention_today=Rate.from_counts(30, 20),
        retention_scenario=None,
        civil_retention_today=Rate.from_counts(2, 5),
        civil_retention_scenario=None,
        mid_career=0.0,
        from_year=2025,
        lag=2,
    )
    effects = model.lever_effects(
        levers=levers,
        draws=model.draw(calibration=cal, levers=levers, years=5, paths=100, seed=3),
        first_year=2025,
        years=5,
    )
    assert not effects.any()


def test_percentiles_are_ordered_and_the_same_seed_gives_the_same_paths() -> None:
    cal = calibration(20.0, sigma=18.0, se=4.0)
    a = model.project(calibration=cal, start_year=2024, start=979, until=2054, paths=2000, seed=7)
    b = model.project(calibration=cal, start_year=2024, start=979, until=2054, paths=2000, seed=7)
    assert np.array_equal(a.paths, b.paths)
    low, mid, high = a.percentiles()
    assert (low <= mid).all() and (mid <= high).all()
    assert (high - low)[-1] > (high - low)[0]  # uncertainty widens with the horizon
    # The first years do not depend on how far the run goes.
    shorter = model.project(calibration=cal, start_year=2024, start=979, until=2030, paths=2000, seed=7)
    assert np.array_equal(shorter.paths, a.paths[:, :6])


def test_probability_is_one_and_zero_in_obvious_cases() -> None:
    cal = calibration(20.0, sigma=5.0, se=1.0)
    projection = model.project(calibration=cal, start_year=2024, start=979, until=2035, paths=1000)
    assert projection.probability_by(900, 2025) == 1.0  # already above it
    assert projection.probability_by(5000, 2035) == 0.0  # far beyond any path
    assert projection.probability_by(1000, 2023) == 0.0  # deadline before the first projected year
    by_year = projection.reached_by(1100)
    assert (np.diff(by_year) >= 0).all()  # once reached, stays reached
    assert 0.0 < projection.probability_by(1100, 2030) < 1.0


def test_retention_drawn_from_counts_spreads_the_paths() -> None:
    rate = Rate.from_counts(6, 4)
    assert rate.value == pytest.approx(6.5 / 11)
    assert Rate(0.4).drawn is False and rate.drawn


def test_track_off_with_and_without_refilled_slots() -> None:
    assert Flows(50, 0.2, track_on=False, replaced=True).split() == (50, 0.0)
    assert Flows(50, 0.2, track_on=False, replaced=False).split() == (40, 0.0)
    assert Flows(50, 0.2, track_on=True, replaced=False).split() == (40, 10)


def test_naive_baselines_and_errors() -> None:
    fitted = [(2000, 100), (2001, 110), (2002, 120)]
    assert model.last_value(fitted, [2003, 2005]) == [120.0, 120.0]
    assert model.linear_trend(fitted, [2003, 2005]) == pytest.approx([130.0, 150.0])
    mae, mape = model.errors([110.0, 90.0], [100.0, 100.0])
    assert mae == pytest.approx(10.0) and mape == pytest.approx(10.0)

"""Projections and backtests from inputs built by hand (no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from jpo.projections import engine
from jpo.projections.engine import Inputs, Published, Records, TargetSpec
from jpo.projections.scenario import ScenarioError, parse


def series(values: dict[int, int]) -> tuple[Published, ...]:
    return tuple(
        Published(year, n, f"end {year}", dt.date(year, 12, 31), "test citation")
        for year, n in sorted(values.items())
    )


LINE = {
    y: 800 + 20 * (y - 2014) for y in range(2014, 2025) if y != 2023
}  # 2023 missing, as in the real series
TARGETS = (
    TargetSpec("1,000 by 2025", 1000, dt.date(2025, 12, 31), "test", True),
    TargetSpec("900 by 2018", 900, dt.date(2018, 12, 31), "test", True),
    TargetSpec("Analyst: 1,500 by 2030", 1500, dt.date(2030, 12, 31), "analyst's note", False),
    TargetSpec("reached", 850, dt.date(2020, 12, 31), "test", True),
)
RECORDS = Records(
    years=(2023, 2024, 2025),
    dispatches=150,
    civil_servants=30,
    retained=60,
    not_retained=40,
    civil_retained=5,
    civil_not_retained=15,
)


def inputs(values: dict[int, int] = LINE, records: Records = RECORDS) -> Inputs:
    return Inputs(
        published=series(values), records=records, targets=TARGETS, dispatch_years=2, track_today=True
    )


def test_projection_shape_and_targets() -> None:
    result = engine.project(inputs(), until=2035, paths=2000)
    data = result.as_json()
    assert [row["year"] for row in data["years"]] == list(range(2025, 2036))
    assert set(data["years"][0]) == {"year", "p10", "p50", "p90"}
    # A straight line with no noise: 20 a year from 1000 at end 2024.
    assert data["years"][0]["p50"] == pytest.approx(1020, abs=0.01)
    by_name = {t.target.name: t for t in result.targets}
    assert by_name["1,000 by 2025"].probability == 1.0  # 1000 published for 2024
    assert by_name["reached"].probability == 1.0
    assert by_name["900 by 2018"].probability is None  # 880 at end 2018: passed, not reached, not projected
    assert by_name["Analyst: 1,500 by 2030"].probability == 0.0  # the line reaches 1,120 by 2030
    assert data["targets"][2] == {"headcount": 1500, "deadline": "2030-12-31", "probability": 0.0}


def test_deadline_passed_unreached_is_not_projected() -> None:
    values = {2014: 800, 2015: 810, 2016: 820, 2017: 830, 2018: 840, 2019: 850}
    result = engine.project(inputs(values), until=2030, paths=500)
    passed = next(t for t in result.targets if t.target.name == "900 by 2018")
    assert passed.probability is None
    assert "deadline passed" in passed.note


def test_every_parameter_says_how_it_was_obtained() -> None:
    result = engine.project(inputs(), until=2030, paths=500)
    bases = {p.key: p.basis for p in result.parameters}
    assert bases["entries"] == "estimated"
    assert bases["separation_rate"] == "not_estimable"
    assert bases["today_dispatches_per_year"] == "estimated"
    assert bases["today_retention_rate"] == "estimated"
    assert all(p.method for p in result.parameters)
    entries = next(p for p in result.parameters if p.key == "entries")
    assert "2023" in entries.method  # the gap is named, not filled


def test_more_dispatches_raise_the_projection_after_the_dispatch() -> None:
    noisy = {y: n + (7 if y % 2 else -7) for y, n in LINE.items()}
    base = engine.project(inputs(noisy), until=2035, paths=4000)
    more = engine.project(
        inputs(noisy), parse({"dispatches_per_year": 100, "from_year": 2026}), until=2035, paths=4000
    )
    # Same seed: identical until the first former JPOs of the larger cohorts arrive (2026 + 2 years).
    assert [r.p50 for r in more.rows[:3]] == [r.p50 for r in base.rows[:3]]
    assert more.rows[-1].p50 > base.rows[-1].p50 + 100  # 50 more a year at ~60% for 8 years
    stated = {p.key: p.basis for p in more.parameters}
    assert stated["dispatches_per_year"] == "stated"


def test_civil_servant_track_off_with_lower_civil_retention_raises_entries_when_slots_are_refilled() -> None:
    base = engine.project(inputs(), until=2035, paths=4000)
    off = engine.project(inputs(), parse({"civil_servant_track": "off"}), until=2035, paths=4000)
    dropped = engine.project(
        inputs(),
        parse({"civil_servant_track": "off", "civil_servant_slots_refilled": False}),
        until=2035,
        paths=4000,
    )
    # Civil servants keep fewer posts (5 of 20) than others (60 of 100): refilling their slots adds entries;
    # dropping them removes the few they would have kept.
    assert off.rows[-1].p50 > base.rows[-1].p50 > dropped.rows[-1].p50


def test_levers_without_records_must_be_stated() -> None:
    bare = inputs(records=Records())
    engine.project(bare, until=2030, paths=200)  # today's policy needs no records
    engine.project(bare, parse({"mid_career_entries_per_year": 5}), until=2030, paths=200)
    with pytest.raises(ScenarioError, match="today_dispatches_per_year"):
        engine.project(bare, parse({"dispatches_per_year": 80}), until=2030, paths=200)
    with pytest.raises(ScenarioError, match="today_civil_servant_share"):
        engine.project(
            bare, parse({"dispatches_per_year": 80, "today_dispatches_per_year": 50}), until=2030, paths=200
        )
    with pytest.raises(ScenarioError, match="today_retention_rate"):
        engine.project(
            bare,
            parse(
                {"dispatches_per_year": 80, "today_dispatches_per_year": 50, "today_civil_servant_share": 0}
            ),
            until=2030,
            paths=200,
        )
    engine.project(
        bare,
        parse(
            {
                "dispatches_per_year": 80,
                "today_dispatches_per_year": 50,
                "today_civil_servant_share": 0,
                "today_retention_rate": 0.5,
            }
        ),
        until=2030,
        paths=200,
    )


def test_until_and_from_year_must_come_after_the_last_figure() -> None:
    with pytest.raises(ScenarioError, match="--until"):
        engine.project(inputs(), until=2024)
    with pytest.raises(ScenarioError, match="from_year"):
        engine.project(inputs(), parse({"from_year": 2020}), until=2030)


def test_backtest_skips_gaps_and_reports_baselines() -> None:
    values = {
        2010: 700,
        2011: 712,
        2012: 731,
        2013: 740,
        2014: 757,
        2015: 770,
        2016: 788,
        2018: 815,
        2019: 830,
    }
    result = engine.backtest(inputs(values), fit_until=2014, paths=2000)
    data = result.as_json()
    assert data["fit_until"] == 2014
    assert [row["year"] for row in data["years"]] == [2015, 2016, 2018, 2019]
    first = data["years"][0]
    assert set(first) == {"year", "forecast", "p10", "p90", "published", "error"}
    assert first["published"] == 770
    assert first["error"] == pytest.approx(first["forecast"] - 770, abs=0.11)
    assert first["p10"] <= first["forecast"] <= first["p90"]
    errors = [abs(r["error"]) for r in data["years"]]
    assert data["mae"] == pytest.approx(sum(errors) / len(errors), abs=0.06)
    assert data["baselines"]["last_value"]["mae"] == pytest.approx((13 + 31 + 58 + 73) / 4, abs=0.01)
    assert set(data["baselines"]) == {"last_value", "linear_trend"}


@pytest.mark.parametrize(
    ("fit_until", "message"),
    [(2023, "No published figure for 2023"), (2024, "No published figure after 2024")],
)
def test_backtest_refuses_a_fit_year_without_data(fit_until: int, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        engine.backtest(inputs(), fit_until=fit_until)


def test_backtest_needs_three_figures_to_fit() -> None:
    with pytest.raises(Exception, match="At least three published figures"):
        engine.backtest(inputs(), fit_until=2015)


def test_levers_apply_from_the_current_year_by_default() -> None:
    later = replace(inputs(), current_year=2027)
    base = engine.project(later, until=2030, paths=500)
    pushed = engine.project(later, parse({"mid_career_entries_per_year": 10}), until=2030, paths=500)
    # 2025 and 2026 are already past: unchanged; from 2027, ten more a year.
    assert [r.p50 for r in pushed.rows[:2]] == [r.p50 for r in base.rows[:2]]
    assert pushed.rows[2].p50 == pytest.approx(base.rows[2].p50 + 10, abs=0.01)
    assert {p.key: p.value for p in pushed.parameters}["from_year"] == "2027"

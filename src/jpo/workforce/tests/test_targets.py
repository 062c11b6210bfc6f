from __future__ import annotations

import datetime as dt

import pytest

from jpo.workforce.targets import TargetProgress


def test_progress_gap_and_growth_of_the_1000_target() -> None:
    p = TargetProgress(
        target=1000,
        baseline=793,
        baseline_date=dt.date(2015, 12, 31),
        deadline=dt.date(2025, 12, 31),
        latest=979,
        latest_date=dt.date(2024, 12, 31),
    )
    assert p.gap == 21
    assert p.progress_percent == pytest.approx(97.9)
    assert p.distance_covered_percent == pytest.approx(100 * 186 / 207)
    # 207 over 10 years (3,653 days) and 186 over 9 years (3,288 days)
    assert p.needed_per_year == pytest.approx(207 / (3653 / 365.25))
    assert p.achieved_per_year == pytest.approx(186 / (3288 / 365.25))
    assert p.needed_per_year_from_latest == pytest.approx(21 / (365 / 365.25))
    assert p.reached is False
    assert p.on_track is False  # 20.66 achieved < 20.70 needed


def test_earlier_target_reached_and_nothing_more_needed() -> None:
    p = TargetProgress(
        target=671,
        baseline=610,
        baseline_date=dt.date(2004, 1, 1),
        deadline=dt.date(2009, 1, 1),
        latest=676,
        latest_date=dt.date(2007, 1, 1),
    )
    assert p.reached is True
    assert p.gap == -5
    assert p.needed_per_year_from_latest == 0.0
    assert p.on_track is True


def test_no_figure_yet() -> None:
    p = TargetProgress(
        target=10,
        baseline=5,
        baseline_date=dt.date(2020, 1, 1),
        deadline=dt.date(2021, 1, 1),
        latest=None,
        latest_date=None,
    )
    assert (p.gap, p.progress_percent, p.achieved_per_year, p.reached, p.on_track) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert p.needed_per_year == pytest.approx(5 / (366 / 365.25))

from __future__ import annotations

import pytest
from scipy.stats import binomtest

from jpo.placement.statistics import RetentionRow, chart_bars, pool_small_groups, wilson


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (10, 10), (45, 100), (1, 1)])
def test_wilson_matches_scipy(k: int, n: int) -> None:
    expected = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    interval = wilson(k, n)
    assert interval is not None
    low, high = interval
    assert low == pytest.approx(expected.low)
    assert high == pytest.approx(expected.high)


def test_wilson_without_observations_and_bad_input() -> None:
    assert wilson(0, 0) is None
    with pytest.raises(ValueError):
        wilson(5, 3)


def test_chart_bars_skip_groups_without_known_outcomes() -> None:
    rows = [RetentionRow("a", "A", retained=3, not_retained=1), RetentionRow("b", "B", pending=2)]
    bars = chart_bars(rows, width=100)
    assert len(bars) == 1
    assert bars[0].width == pytest.approx(75)
    assert bars[0].low_x < 75 < bars[0].high_x


def test_small_groups_are_pooled_and_a_small_pool_is_left_out() -> None:
    rows = [
        RetentionRow(key="a", label="A", dispatches=12, retained=6, not_retained=6),
        RetentionRow(key="b", label="B", dispatches=3, retained=3),
        RetentionRow(key="c", label="C", dispatches=2, not_retained=2),
        RetentionRow(key="d", label="D", dispatches=1, retained=1),
    ]
    pooled = pool_small_groups(rows, minimum=5, label="small")
    assert [(r.key, r.dispatches, r.retained, r.not_retained) for r in pooled] == [
        ("a", 12, 6, 6),
        ("pooled", 6, 4, 2),
    ]
    assert [r.key for r in pool_small_groups(rows[:1] + rows[3:], minimum=5, label="small")] == ["a"]

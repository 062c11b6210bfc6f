from __future__ import annotations

import pytest
from scipy.stats import binomtest

from jpo.placement.statistics import RetentionRow, chart_bars, wilson


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

"""Retention statistics: proportions with Wilson score intervals (scipy for the normal quantile)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import norm


def wilson(successes: int, total: int, confidence: float = 0.95) -> tuple[float, float] | None:
    """Wilson score interval for a binomial proportion; None when there is no observation."""
    if total <= 0:
        return None
    if not 0 <= successes <= total:
        raise ValueError("successes must lie between 0 and total")
    z = float(norm.ppf(1 - (1 - confidence) / 2))
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class RetentionRow:
    key: str
    label: str
    dispatches: int = 0
    retained: int = 0
    not_retained: int = 0
    unknown: int = 0
    pending: int = 0

    @property
    def known(self) -> int:
        return self.retained + self.not_retained

    @property
    def rate(self) -> float | None:
        return self.retained / self.known if self.known else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.retained, self.known)

    @property
    def low(self) -> float | None:
        return self.interval[0] if self.interval else None

    @property
    def high(self) -> float | None:
        return self.interval[1] if self.interval else None


SMALL_GROUP_MINIMUM = 5


def pool_small_groups(rows: list[RetentionRow], *, minimum: int, label: str) -> list[RetentionRow]:
    """Aggregates only, for people who must not see individuals: groups with fewer than `minimum`
    dispatches are pooled into one row, and that row too is left out when it stays below `minimum`."""
    kept = [row for row in rows if row.dispatches >= minimum]
    pooled = RetentionRow(key="pooled", label=label)
    for row in rows:
        if row.dispatches < minimum:
            pooled.dispatches += row.dispatches
            pooled.retained += row.retained
            pooled.not_retained += row.not_retained
            pooled.unknown += row.unknown
            pooled.pending += row.pending
    if pooled.dispatches >= minimum:
        kept.append(pooled)
    return kept


@dataclass
class Bar:
    label: str
    y: float
    width: float
    low_x: float
    high_x: float
    text: str


def chart_bars(rows: list[RetentionRow], *, width: float = 400, row_height: float = 24) -> list[Bar]:
    """Geometry of a horizontal bar chart (rate with interval whiskers) for the SVG template."""
    bars = []
    for i, row in enumerate(rows):
        if row.rate is None or row.interval is None:
            continue
        low, high = row.interval
        bars.append(
            Bar(
                label=row.label,
                y=i * row_height,
                width=row.rate * width,
                low_x=low * width,
                high_x=high * width,
                text=f"{row.rate:.0%} ({low:.0%}–{high:.0%}, n={row.known})",
            )
        )
    return bars

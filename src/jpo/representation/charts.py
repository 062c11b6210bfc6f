"""Server-rendered SVG chart of staff against the desirable range (geometry here, markup in the template)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from jpo.representation.calculator import StateRange


@dataclass(frozen=True)
class ChartRow:
    name: str
    iso3: str
    y: float
    x_lower: float
    x_upper: float
    x_midpoint: float
    x_staff: float | None
    lower: int
    upper: int
    midpoint: str
    staff: int | None
    status: str
    highlight: bool


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    row_height: int
    rows: list[ChartRow]
    ticks: list[tuple[float, int]]
    axis_y: float


def _nice_step(maximum: float, target_ticks: int = 6) -> int:
    raw = maximum / target_ticks
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return int(factor * magnitude) or 1
    return int(10 * magnitude)


def range_chart(
    ranges: Sequence[StateRange],
    *,
    highlight: str = "JPN",
    width: int = 760,
    label_width: int = 200,
    row_height: int = 30,
) -> Chart:
    """One row per State: a bar from lower to upper limit, a tick at the midpoint, a dot at the staff."""
    top = 10
    right = width - 20
    biggest = max([float(r.upper) for r in ranges] + [float(r.staff or 0) for r in ranges] + [1.0])
    step = _nice_step(biggest)
    scale_max = step * math.ceil(biggest / step)

    def x(value: float) -> float:
        return round(label_width + (right - label_width) * value / scale_max, 1)

    rows = []
    for index, item in enumerate(ranges):
        rows.append(
            ChartRow(
                name=item.name,
                iso3=item.iso3,
                y=top + index * row_height,
                x_lower=x(item.lower),
                x_upper=x(item.upper),
                x_midpoint=x(float(item.midpoint)),
                x_staff=None if item.staff is None else x(item.staff),
                lower=item.lower,
                upper=item.upper,
                midpoint=f"{item.midpoint_2dp}",
                staff=item.staff,
                status=str(item.status),
                highlight=item.iso3 == highlight,
            )
        )
    axis_y = top + len(ranges) * row_height + 4
    ticks = [(x(value), value) for value in range(0, scale_max + 1, step)]
    return Chart(
        width=width,
        height=int(axis_y + 30),
        left=label_width,
        right=right,
        row_height=row_height,
        rows=rows,
        ticks=ticks,
        axis_y=axis_y,
    )

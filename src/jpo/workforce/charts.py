"""Server-side SVG charts: geometry in Python, markup in templates (workforce/charts/*.svg). No JavaScript.

Points more than `max_gap_days` apart are not joined: a year with no published figure shows as a gap,
never as an interpolated line.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

# Colours as SVG presentation attributes: the Content-Security-Policy refuses <style> and style= in pages,
# and these charts are inlined into them.
COLOURS = {
    "s1": "#1f5fa8",
    "s2": "#b5452b",
    "s3": "#2a8a4a",
    "s4": "#7a4fa0",
    "target": "#d08a00",
}


@dataclass
class Point:
    date: dt.date
    value: float
    title: str  # hover text: figure, reference date, source


@dataclass
class Series:
    name: str
    points: list[Point]
    css_class: str = "s1"
    dashed: bool = False


@dataclass
class Line:
    """A straight reference line (e.g. from a target's baseline to its goal)."""

    name: str
    start: Point
    end: Point
    css_class: str = "target"


@dataclass
class Bar:
    label: str
    value: float
    title: str


@dataclass
class LineChart:
    title: str
    series: list[Series]
    lines: list[Line] = field(default_factory=list)
    width: int = 760
    height: int = 320
    max_gap_days: int = 400
    y_min: float | None = None


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _year_fraction(date: dt.date) -> float:
    start = dt.date(date.year, 1, 1)
    return date.year + (date - start).days / 365.25


def render_line_chart(chart: LineChart) -> SafeString:
    legend_count = len(chart.series) + len(chart.lines)
    left, right, top, bottom = 56, 16, 14 + 15 * legend_count, 40
    plot_w, plot_h = chart.width - left - right, chart.height - top - bottom
    points = [p for s in chart.series for p in s.points] + [
        p for line in chart.lines for p in (line.start, line.end)
    ]
    if not points:
        return render_to_string("workforce/charts/empty.svg", {"chart": chart})
    xs = [_year_fraction(p.date) for p in points]
    x0, x1 = math.floor(min(xs)), math.ceil(max(xs) + 0.01)
    ys = [p.value for p in points]
    y_low = chart.y_min if chart.y_min is not None else min(0.0, min(ys))
    step = _nice_step(max(ys) - y_low or 1)
    y0 = math.floor(y_low / step) * step
    y1 = math.ceil(max(ys) / step) * step
    if y1 == y0:
        y1 = y0 + step

    def sx(date: dt.date) -> float:
        return round(left + plot_w * (_year_fraction(date) - x0) / (x1 - x0), 1)

    def sy(value: float) -> float:
        return round(top + plot_h * (1 - (value - y0) / (y1 - y0)), 1)

    year_step = max(1, math.ceil((x1 - x0) / 12))
    x_ticks = [{"x": sx(dt.date(y, 1, 1)), "label": y} for y in range(x0, x1 + 1, year_step)]
    y_ticks = []
    value = y0
    while value <= y1 + step / 2:
        y_ticks.append({"y": sy(value), "label": f"{value:,.0f}"})
        value += step
    series_out = []
    for s in chart.series:
        ordered = sorted(s.points, key=lambda p: p.date)
        segments: list[list[Point]] = []
        for p in ordered:
            if segments and (p.date - segments[-1][-1].date).days <= chart.max_gap_days:
                segments[-1].append(p)
            else:
                segments.append([p])
        series_out.append(
            {
                "name": s.name,
                "css_class": s.css_class,
                "colour": COLOURS[s.css_class],
                "dashed": s.dashed,
                "paths": [
                    " ".join(f"{sx(p.date)},{sy(p.value)}" for p in seg) for seg in segments if len(seg) > 1
                ],
                "points": [{"x": sx(p.date), "y": sy(p.value), "title": p.title} for p in ordered],
            }
        )
    lines_out = [
        {
            "name": line.name,
            "css_class": line.css_class,
            "colour": COLOURS[line.css_class],
            "x1": sx(line.start.date),
            "y1": sy(line.start.value),
            "x2": sx(line.end.date),
            "y2": sy(line.end.value),
            "title_start": line.start.title,
            "title_end": line.end.title,
        }
        for line in chart.lines
    ]
    legend = [
        {
            "name": item["name"],
            "css_class": item["css_class"],
            "colour": item["colour"],
            "y": 6 + 15 * i,
            "text_y": 16 + 15 * i,
        }
        for i, item in enumerate([*series_out, *lines_out])
    ]
    return render_to_string(
        "workforce/charts/line.svg",
        {
            "chart": chart,
            "left": left,
            "top": top,
            "right_x": left + plot_w,
            "bottom_y": top + plot_h,
            "x_ticks": x_ticks,
            "y_ticks": y_ticks,
            "series": series_out,
            "lines": lines_out,
            "legend": legend,
        },
    )


def render_bar_chart(*, title: str, bars: list[Bar], width: int = 760) -> SafeString:
    left, right, top, row_h = 150, 70, 30, 18
    height = top + row_h * len(bars) + 10
    peak = max((b.value for b in bars), default=0) or 1
    plot_w = width - left - right
    rows = [
        {
            "label": b.label,
            "title": b.title,
            "y": top + i * row_h,
            "w": round(plot_w * b.value / peak, 1),
            "value": f"{b.value:,.0f}",
            "text_y": top + i * row_h + row_h - 5,
        }
        for i, b in enumerate(bars)
    ]
    return render_to_string(
        "workforce/charts/bars.svg",
        {"title": title, "rows": rows, "width": width, "height": height, "left": left, "bar_h": row_h - 4},
    )


# ---------------------------------------------------------------- the dashboard's charts


def _points(observations: dict[dt.date, Any]) -> list[Point]:
    return [Point(date, obs.headcount, obs.hover) for date, obs in sorted(observations.items())]


def series_chart(*, mofa: Any, statuses: list[Any]) -> SafeString:
    """MOFA total against the targets (a line from each target's baseline to its goal)."""
    lines = []
    for status in statuses:
        t = status.target
        lines.append(
            Line(
                name=_("Target: %(name)s") % {"name": t.display_name},
                start=Point(
                    t.baseline_date,
                    t.baseline_headcount,
                    _("Baseline %(n)s (%(date)s) · %(doc)s")
                    % {
                        "n": t.baseline_headcount,
                        "date": t.baseline_shown,
                        "doc": t.source_document,
                    },
                ),
                end=Point(
                    t.deadline,
                    t.headcount,
                    _("Target %(n)s by %(date)s · %(doc)s · %(cite)s")
                    % {
                        "n": t.headcount,
                        "date": t.deadline_shown,
                        "doc": t.source_document,
                        "cite": t.citation,
                    },
                ),
            )
        )
    chart = LineChart(
        title=str(_("Japanese staff in professional and higher posts (MOFA count) against the targets")),
        series=[Series(str(_("Japanese staff (MOFA)")), _points(mofa.total), "s1")],
        lines=lines,
        y_min=0,
    )
    return render_line_chart(chart)


def senior_chart(*, mofa: Any) -> SafeString:
    chart = LineChart(
        title=str(_("Japanese staff in senior posts, D-1 and above (MOFA count)")),
        series=[
            Series(str(_("D-1 and above")), _points(mofa.senior), "s2"),
            Series(str(_("Women, D-1 and above")), _points(mofa.senior_women), "s4"),
        ],
        height=240,
        y_min=0,
    )
    return render_line_chart(chart)


def women_chart(*, mofa: Any) -> SafeString:
    chart = LineChart(
        title=str(_("Japanese staff: women (MOFA count)")),
        series=[Series(str(_("Women")), _points(mofa.women), "s3")],
        height=240,
        y_min=0,
    )
    return render_line_chart(chart)


def organization_bars(table: Any, *, limit: int = 20) -> SafeString:
    """The latest CEB year's headcount of the largest organizations."""
    # columns: organization, one per reference date, then two on Japanese staff
    if len(table.columns) <= 3:
        return render_bar_chart(title=str(_("Staff by organization")), bars=[])
    last = len(table.columns) - 3
    year = table.columns[last]
    bars = [
        Bar(
            str(row[0]),
            float(row[last]),
            _("%(org)s: %(n)s staff at %(year)s · CEB personnel statistics")
            % {"org": row[0], "n": f"{row[last]:,}", "year": year},
        )
        for row in table.rows
        if isinstance(row[last], int)
    ][:limit]
    return render_bar_chart(
        title=str(_("Staff by organization, %(year)s (CEB, all nationalities)") % {"year": year}),
        bars=bars,
    )

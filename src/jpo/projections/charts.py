"""The fan chart: server-side SVG, geometry here and markup in `projections/fan.svg` (no JavaScript).

Published figures are points joined only between consecutive years (a gap stays a gap); each scenario is a
band from its 10th to its 90th percentile with its median as a line; each target a dashed line up to its
deadline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from jpo.projections.engine import Published, TargetSpec, YearRow

# Colours as SVG presentation attributes: the Content-Security-Policy refuses <style> and style=.
PALETTE = ("#1f5fa8", "#b5452b", "#2a8a4a", "#7a4fa0", "#8a6d00", "#00707a")
PUBLISHED, TARGET = "#222222", "#d08a00"


@dataclass
class Fan:
    name: str
    rows: list[YearRow]


def _step(span: float, ticks: int = 6) -> float:
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def fan_chart(
    *,
    title: str,
    published: list[Published],
    fans: list[Fan],
    targets: list[TargetSpec],
    target_years: list[int],
    width: int = 760,
    height: int = 380,
) -> SafeString:
    legend_rows = 1 + len(fans) + len(targets)
    left, right, top, bottom = 56, 16, 12 + 15 * legend_rows, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    years = [p.year for p in published] + [r.year for f in fans for r in f.rows]
    values = [float(p.headcount) for p in published] + [
        v for f in fans for r in f.rows for v in (r.p10, r.p90)
    ]
    if not years:
        return render_to_string("projections/fan_empty.svg", {"title": title, "width": width, "height": 120})
    x0, x1 = min(years), max(years)
    x1 = max(x1, x0 + 1)
    values += [float(t.headcount) for t, y in zip(targets, target_years, strict=True) if x0 <= y <= x1]
    step = _step(max(values) - min(values) or 1)
    y0, y1 = math.floor(min(values) / step) * step, math.ceil(max(values) / step) * step
    y1 = y1 if y1 > y0 else y0 + step

    def sx(year: float) -> float:
        return round(left + plot_w * (year - x0) / (x1 - x0), 1)

    def sy(value: float) -> float:
        return round(top + plot_h * (1 - (value - y0) / (y1 - y0)), 1)

    year_step = max(1, math.ceil((x1 - x0) / 12))
    x_ticks = [{"x": sx(y), "label": y} for y in range(x0, x1 + 1, year_step)]
    y_ticks = []
    tick = y0
    while tick <= y1 + step / 2:
        y_ticks.append({"y": sy(tick), "label": f"{tick:,.0f}"})
        tick += step
    segments: list[list[Published]] = []
    for p in published:
        if segments and p.year - segments[-1][-1].year == 1:
            segments[-1].append(p)
        else:
            segments.append([p])
    last = published[-1] if published else None
    fans_out = []
    for i, fan in enumerate(fans):
        lead = [(last.year, float(last.headcount))] if last is not None else []
        upper = lead + [(r.year, r.p90) for r in fan.rows]
        lower = lead + [(r.year, r.p10) for r in fan.rows]
        median = lead + [(r.year, r.p50) for r in fan.rows]
        fans_out.append(
            {
                "name": fan.name,
                "colour": PALETTE[i % len(PALETTE)],
                "band": " ".join(f"{sx(y)},{sy(v)}" for y, v in upper + lower[::-1]),
                "median": " ".join(f"{sx(y)},{sy(v)}" for y, v in median),
                "points": [
                    {
                        "x": sx(r.year),
                        "y": sy(r.p50),
                        "title": _(
                            "%(name)s, %(year)s: median %(p50)s (10th–90th percentile %(p10)s–%(p90)s)"
                        )
                        % {
                            "name": fan.name,
                            "year": r.year,
                            "p50": f"{r.p50:,.0f}",
                            "p10": f"{r.p10:,.0f}",
                            "p90": f"{r.p90:,.0f}",
                        },
                    }
                    for r in fan.rows
                ],
            }
        )
    targets_out = []
    for target, year in zip(targets, target_years, strict=True):
        if year < x0:
            continue
        end = min(year, x1)
        targets_out.append(
            {
                "x1": sx(x0),
                "x2": sx(end),
                "y": sy(target.headcount),
                "mark": year <= x1,
                "title": _("%(name)s: %(headcount)s by %(deadline)s (%(source)s)")
                % {
                    "name": target.name,
                    "headcount": f"{target.headcount:,}",
                    "deadline": target.deadline.isoformat(),
                    "source": target.source,
                },
            }
        )
    legend: list[dict[str, Any]] = [{"colour": PUBLISHED, "name": _("Published figures (MOFA)")}]
    legend += [
        {
            "colour": f["colour"],
            "name": _("%(name)s: median, band 10th–90th percentile") % {"name": f["name"]},
        }
        for f in fans_out
    ]
    legend += [{"colour": TARGET, "name": t.name} for t in targets]
    for i, item in enumerate(legend):
        item["y"] = 6 + 15 * i
        item["text_y"] = item["y"] + 10
    return render_to_string(
        "projections/fan.svg",
        {
            "title": title,
            "width": width,
            "height": height,
            "left": left,
            "right_x": width - right,
            "top": top,
            "bottom_y": top + plot_h,
            "x_ticks": x_ticks,
            "y_ticks": y_ticks,
            "published_paths": [
                " ".join(f"{sx(p.year)},{sy(p.headcount)}" for p in seg) for seg in segments if len(seg) > 1
            ],
            "published_points": [
                {"x": sx(p.year), "y": sy(p.headcount), "title": f"{p.shown}: {p.headcount:,} · {p.citation}"}
                for p in published
            ],
            "fans": fans_out,
            "targets": targets_out,
            "legend": legend,
            "published_colour": PUBLISHED,
            "target_colour": TARGET,
        },
    )

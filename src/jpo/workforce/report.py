"""The one-page PDF report of the current picture (reportlab; Japanese text in the embedded font of
`jpo.core.pdf`)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from jpo.core.pdf import japanese_font


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def workforce_report_pdf(data: dict[str, Any]) -> bytes:
    """A4 portrait, one page: targets, the series chart, recent figures, sources."""
    font = japanese_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    width, height = A4
    margin = 40
    y = height - margin
    pdf.setTitle(str(_("Japanese staff at international organizations")))
    pdf.setFont(font, 15)
    pdf.drawString(margin, y, str(_("Japanese staff at international organizations")))
    y -= 16
    pdf.setFont(font, 8)
    now = timezone.localtime()
    pdf.drawString(
        margin,
        y,
        str(_("Report of %(date)s (Asia/Tokyo). Aggregates only; every figure with its source."))
        % {"date": now.strftime("%Y-%m-%d %H:%M")},
    )
    y -= 20

    # Targets
    pdf.setFont(font, 11)
    pdf.drawString(margin, y, str(_("Targets")))
    y -= 14
    pdf.setFont(font, 8)
    for status in data["statuses"]:
        t, p = status.target, status.progress
        latest = f"{p.latest} ({status.latest.label})" if status.latest else "—"
        line = _(
            "%(name)s: latest %(latest)s; progress %(progress)s; gap %(gap)s; needed %(needed)s/yr; achieved %(achieved)s/yr"
        ) % {
            "name": t.display_name,
            "latest": latest,
            "progress": f"{p.progress_percent:.1f}%" if p.progress_percent is not None else "—",
            "gap": p.gap if p.gap is not None else "—",
            "needed": f"{p.needed_per_year:.1f}",
            "achieved": f"{p.achieved_per_year:.1f}" if p.achieved_per_year is not None else "—",
        }
        pdf.drawString(margin, y, _clip(str(line), 130))
        y -= 10
        pdf.setFillColor(colors.grey)
        pdf.drawString(margin + 10, y, _clip(f"{t.source_document} · {t.citation}", 140))
        pdf.setFillColor(colors.black)
        y -= 12

    # Chart
    y -= 6
    chart_h, chart_w = 190, width - 2 * margin - 30
    _draw_series_chart(pdf, data, x=margin + 30, y=y - chart_h, w=chart_w, h=chart_h, font=font)
    y -= chart_h + 28

    # Recent figures
    pdf.setFont(font, 11)
    pdf.drawString(margin, y, str(_("Recent figures (MOFA count, professional and higher)")))
    y -= 13
    pdf.setFont(font, 7.5)
    table = data["tables"]["mofa-series"]
    header = [str(c) for c in table.columns[:5]]
    xs = [margin, margin + 80, margin + 130, margin + 230, margin + 280, margin + 340]
    for x, text in zip(xs, [*header, str(_("Source"))], strict=False):
        pdf.drawString(x, y, _clip(text, 22))
    y -= 10
    rows = [r for r in table.rows if "[" not in str(r[0])][-14:]
    for row in rows:
        cells = [str(c) for c in row[:5]] + [_clip(str(row[6]), 75)]
        for x, text in zip(xs, cells, strict=False):
            pdf.drawString(x, y, text)
        y -= 9.5
    y -= 6
    pdf.setFont(font, 7)
    for note in table.footnotes:
        pdf.drawString(margin, y, _clip(str(note), 150))
        y -= 9
    former = data["tables"]["former-jpos"]
    latest_former = [r for r in former.rows if r[3] != "" and r[1] != ""]
    if latest_former:
        r = latest_former[-1]
        pdf.drawString(
            margin,
            y,
            _clip(
                str(_("Former JPOs: %(n)s of %(of)s (%(share)s), %(date)s · %(cite)s"))
                % {"n": r[3], "of": r[4], "share": r[5], "date": r[0], "cite": r[7]},
                150,
            ),
        )
        y -= 9
    pdf.setFillColor(colors.grey)
    pdf.drawString(
        margin,
        max(y, margin) - 4,
        str(
            _(
                "Sources: MOFA counts as cited per figure; CEB personnel statistics; programme figures are computed from this system's records."
            )
        ),
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _draw_series_chart(
    pdf: canvas.Canvas, data: dict[str, Any], *, x: float, y: float, w: float, h: float, font: str
) -> None:
    mofa = data["mofa"]
    points = sorted(mofa.total.items())
    if not points:
        pdf.drawString(x, y + h / 2, str(_("No census figures loaded.")))
        return
    targets = [s.target for s in data["statuses"]]
    dates = [d for d, _o in points] + [t.deadline for t in targets] + [t.baseline_date for t in targets]
    x0, x1 = min(d.year for d in dates), max(d.year for d in dates) + 1
    top = max([o.headcount for _d, o in points] + [t.headcount for t in targets])
    top = (top // 200 + 1) * 200

    def sx(d: dt.date) -> float:
        return x + w * ((d.year + (d.timetuple().tm_yday - 1) / 365.25) - x0) / (x1 - x0)

    def sy(v: float) -> float:
        return y + h * v / top

    pdf.setFont(font, 7)
    pdf.setStrokeColor(colors.lightgrey)
    for v in range(0, top + 1, 200):
        pdf.line(x, sy(v), x + w, sy(v))
        pdf.drawRightString(x - 4, sy(v) - 2, f"{v:,}")
    for year in range(x0, x1 + 1, 2):
        pdf.drawCentredString(sx(dt.date(year, 1, 1)), y - 10, str(year))
    pdf.setStrokeColor(colors.HexColor("#d08a00"))
    pdf.setDash(4, 2)
    for t in targets:
        pdf.line(sx(t.baseline_date), sy(t.baseline_headcount), sx(t.deadline), sy(t.headcount))
        pdf.drawString(sx(t.deadline) - 30, sy(t.headcount) + 4, f"{t.headcount:,}")
    pdf.setDash()
    pdf.setStrokeColor(colors.HexColor("#1f5fa8"))
    pdf.setFillColor(colors.HexColor("#1f5fa8"))
    previous = None
    for d, obs in points:
        if previous is not None and (d - previous[0]).days <= 400:
            pdf.line(sx(previous[0]), sy(previous[1]), sx(d), sy(obs.headcount))
        pdf.circle(sx(d), sy(obs.headcount), 1.8, stroke=0, fill=1)
        previous = (d, obs.headcount)
    pdf.setFillColor(colors.black)
    pdf.drawString(
        x, y + h + 6, str(_("MOFA count (points; gaps = no published figure) and target lines (dashed)"))
    )

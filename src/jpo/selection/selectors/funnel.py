"""The funnel of a cycle: how many applications reached each stage, by track, sex, age band and
civil-servant flag. "Reached" means the status history holds a move into one of the stage's statuses,
so an application later withdrawn still counts at the stages it reached. Two queries in all.

Age bands are display groups chosen for this report (not rules): age on the cycle's reference date,
or on 1 April of the fiscal year when the cycle has none.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font

from jpo.applications.models import Application, Sex, StatusChange
from jpo.applications.workflow import Status
from jpo.policy import age_on
from jpo.programme.models import Cycle, TrackKind
from jpo.safety.cells import append_row, write_csv

S = Status
STAGES: list[tuple[str, Any, frozenset[str]]] = [
    ("submitted", _("Submitted"), frozenset({S.SUBMITTED})),
    ("eligible", _("Eligible after screening"), frozenset({S.ELIGIBLE})),
    ("under_review", _("Document review"), frozenset({S.UNDER_REVIEW})),
    ("shortlisted", _("Shortlisted"), frozenset({S.SHORTLISTED})),
    ("stage_two", _("Stage two (interview or forwarded)"), frozenset({S.INTERVIEW, S.FORWARDED})),
    ("passed", _("Passed stage two"), frozenset({S.PASSED, S.SELECTED})),
    ("recommended", _("Recommended or selected"), frozenset({S.RECOMMENDED, S.SELECTED})),
]

AGE_BANDS: list[tuple[str, int, int]] = [
    ("≤25", 0, 25),
    ("26–29", 26, 29),
    ("30–32", 30, 32),
    ("33–35", 33, 35),
    ("36+", 36, 200),
]


def age_band(age: int) -> str:
    for label, low, high in AGE_BANDS:
        if low <= age <= high:
            return label
    return "?"


@dataclass
class Column:
    dimension: str
    value: str
    label: str


@dataclass
class Funnel:
    cycle: Cycle
    columns: list[Column]
    rows: list[tuple[str, Any, list[int]]]  # stage id, label, counts (total first, then columns)

    @property
    def headers(self) -> list[str]:
        return [str(_("Stage")), str(_("All")), *[c.label for c in self.columns]]

    def table(self) -> list[list[Any]]:
        return [[str(label), *counts] for _sid, label, counts in self.rows]


def funnel(*, cycle: Cycle) -> Funnel:
    people = list(
        Application.objects.filter(cycle=cycle)
        .exclude(submitted_at__isnull=True)
        .values_list("pk", "track__kind", "applicant__sex", "applicant__birth_date", "is_civil_servant")
    )
    reached: dict[int, set[str]] = defaultdict(set)
    for app_id, to_status in (
        StatusChange.objects.filter(application__cycle=cycle)
        .values_list("application_id", "to_status")
        .distinct()
    ):
        reached[app_id].add(to_status)
    on = cycle.reference_date or cycle.starts_on
    columns = (
        [Column("track", k.value, f"{_('Track')}: {k.label}") for k in TrackKind]
        + [Column("sex", s.value, f"{_('Sex')}: {s.label}") for s in Sex]
        + [Column("age", label, f"{_('Age')}: {label}") for label, _low, _high in AGE_BANDS]
        + [
            Column("civil_servant", "yes", str(_("Civil servant"))),
            Column("civil_servant", "no", str(_("Not a civil servant"))),
        ]
    )
    index = {(c.dimension, c.value): i for i, c in enumerate(columns)}
    rows = []
    for sid, label, statuses in STAGES:
        counts = [0] * (len(columns) + 1)
        for pk, track, sex, birth, civil in people:
            if not (reached.get(pk, set()) & statuses):
                continue
            counts[0] += 1
            for key in (
                ("track", track),
                ("sex", sex),
                ("age", age_band(age_on(birth, on))),
                ("civil_servant", "yes" if civil else "no"),
            ):
                if key in index:
                    counts[index[key] + 1] += 1
        rows.append((sid, label, counts))
    return Funnel(cycle=cycle, columns=columns, rows=rows)


def funnel_csv(data: Funnel) -> bytes:
    note = f"# {data.cycle.code}: {_('applications that reached each stage (status history)')}"
    return write_csv([data.headers, *data.table(), [note]], bom=True).encode("utf-8")


def funnel_xlsx(data: Funnel) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"funnel {data.cycle.code}"
    append_row(sheet, data.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in data.table():
        append_row(sheet, row)
    sheet.append([])
    append_row(sheet, [f"{data.cycle.code}: {_('applications that reached each stage (status history)')}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def funnel_chart(data: Funnel) -> dict[str, Any]:
    """Geometry of a horizontal bar chart (one bar per stage, split by track) for the SVG template."""
    width, left, right, bar_h, gap, top = 760, 260, 60, 22, 10, 30
    track_cols = [i + 1 for i, c in enumerate(data.columns) if c.dimension == "track"]
    peak = max((counts[0] for _s, _l, counts in data.rows), default=0) or 1
    scale = (width - left - right) / peak
    bars = []
    for i, (_sid, label, counts) in enumerate(data.rows):
        y = top + i * (bar_h + gap)
        x: float = left
        parts = []
        for j, col in enumerate(track_cols):
            w = counts[col] * scale
            parts.append(
                {
                    "x": round(x, 1),
                    "w": round(w, 1),
                    "css": f"t{j}",
                    "n": counts[col],
                    "label": data.columns[col - 1].label,
                }
            )
            x += w
        bars.append(
            {
                "y": y,
                "text_y": y + bar_h * 0.7,
                "label": str(label),
                "total": counts[0],
                "end": round(x + 4, 1),
                "parts": parts,
            }
        )
    legend = [
        {"label": data.columns[col - 1].label, "css": f"t{j}", "x": left + j * 200}
        for j, col in enumerate(track_cols)
    ]
    height = top + len(data.rows) * (bar_h + gap) + 10
    return {"width": width, "height": height, "left": left, "bar_h": bar_h, "bars": bars, "legend": legend}

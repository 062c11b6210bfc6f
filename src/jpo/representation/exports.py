"""CSV and XLSX exports of the status table (the rows shown, with the parameters and sources); every cell
through `jpo.safety.cells`, so no name or note becomes a formula."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook

from jpo.representation.calculator import PARAMETER_NAMES, StateRange
from jpo.representation.selectors import Snapshot
from jpo.safety.cells import append_row, write_csv

COLUMNS = [
    "iso3",
    "name",
    "assessment_pct",
    "population",
    "population_share_pct",
    "lower",
    "midpoint",
    "upper",
    "staff",
    "staff_as_of",
    "status",
    "position",
    "posts_to_lower",
    "posts_to_midpoint",
]


def _values(snapshot: Snapshot, item: StateRange) -> list[Any]:
    staff_row = snapshot.staff_rows.get(item.iso3)
    return [
        item.iso3,
        item.name,
        f"{item.assessment_pct:.3f}",
        item.population,
        f"{item.population_share * 100:.4f}",
        item.lower,
        f"{item.midpoint_2dp}",
        item.upper,
        "" if item.staff is None else item.staff,
        staff_row.as_of.isoformat() if staff_row and item.staff is not None else "",
        item.status.value,
        item.position.value if item.position else "",
        "" if item.posts_to_lower is None else item.posts_to_lower,
        "" if item.posts_to_midpoint is None else item.posts_to_midpoint,
    ]


def _file_stem(snapshot: Snapshot) -> str:
    return f"desirable-ranges-{snapshot.period}-pop{snapshot.population_year}-{snapshot.as_of.isoformat()}"


def parameter_rows(snapshot: Snapshot) -> list[list[Any]]:
    rows: list[list[Any]] = [
        ["scale_period", snapshot.period, ""],
        ["population_year", snapshot.population_year, ""],
        ["as_of", snapshot.as_of.isoformat(), ""],
    ]
    used = snapshot.parameters
    for name in PARAMETER_NAMES:
        resolved = snapshot.resolved.values[name]
        value = getattr(used, name)
        overridden = resolved.value is None or value != resolved.value
        note = "entered by the user" if overridden else resolved.reference
        if resolved.uncertain and not overridden:
            note = "UNCERTAIN after the last confirmed date. " + note
        rows.append([name, str(value), note])
    return rows


def ranges_csv_response(snapshot: Snapshot, rows: Sequence[StateRange]) -> HttpResponse:
    text = write_csv([COLUMNS, *(_values(snapshot, item) for item in rows)], lineterminator="\n")
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_stem(snapshot)}.csv"'
    return response


def ranges_xlsx_response(snapshot: Snapshot, rows: Sequence[StateRange]) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "ranges"
    append_row(sheet, COLUMNS)
    for item in rows:
        values = _values(snapshot, item)
        values[2] = float(item.assessment_pct)
        values[4] = float(item.population_share * 100)
        values[6] = float(item.midpoint_2dp)
        append_row(sheet, values)
    sheet.freeze_panes = "A2"
    parameters = workbook.create_sheet("parameters")
    append_row(parameters, ["parameter", "value", "source"])
    for row in parameter_rows(snapshot):
        append_row(parameters, row)
    parameters.append([])
    append_row(
        parameters, ["staff", "Only staff counts in our data are used; other States' status is unknown."]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_file_stem(snapshot)}.xlsx"'
    return response

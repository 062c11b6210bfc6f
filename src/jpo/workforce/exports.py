"""Tables as CSV (UTF-8 with BOM, for spreadsheet programs) and XLSX, with their footnotes."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from jpo.workforce.selectors import Table


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    return str(value)


def table_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([_cell(v) for v in row])
    for note in table.footnotes:
        writer.writerow([f"# {note}"])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_xlsx(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = table.slug[:31]
    sheet.append([str(c) for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_cell(v) for v in row])
    if table.footnotes:
        sheet.append([])
        for note in table.footnotes:
            sheet.append([note])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

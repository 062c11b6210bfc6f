"""Tables as CSV (UTF-8 with BOM, for spreadsheet programs) and XLSX, with their footnotes; every cell
through `jpo.safety.cells` (a citation such as `=HYPERLINK(...)` stays text)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from jpo.safety.cells import append_row, write_csv
from jpo.workforce.selectors import Table


def table_csv(table: Table) -> bytes:
    rows = [[str(c) for c in table.columns], *table.rows, *([f"# {note}"] for note in table.footnotes)]
    return write_csv(rows, bom=True).encode("utf-8")


def table_xlsx(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = table.slug[:31]
    append_row(sheet, [str(c) for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        append_row(sheet, row)
    if table.footnotes:
        sheet.append([])
        for note in table.footnotes:
            append_row(sheet, [note])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""Spreadsheet cells that never become formulas (CSV and XLSX exports).

A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by
Excel, LibreOffice and Google Sheets when a CSV file is opened (a census citation `=HYPERLINK(...)`
became a live link). In CSV such text gets a leading apostrophe, which spreadsheet programs read as
"text follows"; numbers (also negative ones written as text) stay numbers. In XLSX, openpyxl would
store text starting with `=` as a formula: `append_row` stores it as text, marked as quoted so that
editing the cell does not turn it into one. Every CSV and XLSX export writes its cells through
`write_csv` or `append_row`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?[0-9][0-9,]*(\.[0-9]+)?%?")


def safe_text(text: str) -> str:
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_cell(value: Any) -> Any:
    """The value to write: numbers, dates and booleans as they are, None as empty, text made inert."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | dt.date | dt.datetime):
        return value
    return safe_text(str(value))


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def write_csv(rows: Iterable[Sequence[Any]], *, lineterminator: str = "\r\n", bom: bool = False) -> str:
    """Rows as CSV text, every cell through `safe_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=lineterminator)
    for row in rows:
        writer.writerow(safe_row(row))
    return ("\ufeff" if bom else "") + buffer.getvalue()


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """The value for an openpyxl cell: numbers, dates and booleans as they are, text as text."""
    if value is None or value == "":
        return None
    if isinstance(value, bool | int | float | Decimal | dt.date | dt.datetime):
        return value
    text = str(value)
    if text.startswith("="):  # openpyxl would store it as a formula
        from openpyxl.cell.cell import Cell

        # A position is needed even though append() sets it: write-only sheets (large exports) print
        # the cell's coordinate while placing it.
        cell = Cell(sheet, row=1, column=1, value=text)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return text


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """`sheet.append` for openpyxl worksheets: text stays text, never a formula (empty text as blank)."""
    sheet.append([xlsx_cell(sheet, v) for v in values])

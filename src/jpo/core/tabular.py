"""Tabular uploads (CSV or XLSX): the one reader of every importer.

What an importer gets from here:

- `read_rows`: the rows of a CSV (UTF-8, a byte-order mark allowed) or of the first sheet of an XLSX
  workbook (openpyxl, read-only), as (row number, cells as text); the header is row 1. Rows are yielded
  one by one, so a million-row file is never held as Python lists. An unreadable file raises
  `ImportRefused` with one error at row 0 (or at the CSV line that cannot be parsed).
- `header_names` and `check_header`: the header as lower-case names, and the usual checks (unknown,
  repeated and missing columns) as `RowError`s.
- `RowError` (row, column, message) and `ImportRefused` (a `DomainError`: 400, code `import.refused`)
  carrying every error; messages are translated (Japanese and English).
- `data_rows`: the loop over the data rows (header checked first, blank rows skipped, an empty file
  reported, a progress callback every N rows) at the cost of one test and one modulo per row.

The caller checks every row, collects every error, and writes inside one transaction only when there is
none: `ImportRefused` is raised before anything is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from jpo.core.errors import DomainError

Cells = list[str]


@dataclass(frozen=True)
class RowError:
    """One problem of a file: its row (1 is the header, 0 the whole file), its column, a message."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        return _("Row %(row)s, column “%(column)s”: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class ImportRefused(DomainError):
    """The file was refused; nothing was written. `errors` lists rows and reasons."""

    code = "import.refused"

    def __init__(
        self, errors: list[RowError], *, error_count: int | None = None, message: str | None = None
    ) -> None:
        self.errors = errors
        self.error_count = error_count if error_count is not None else len(errors)
        super().__init__(message if message is not None else f"{self.error_count} error(s)")


# ---------------------------------------------------------------- reading


def cell_text(value: Any) -> str:
    """The text of an XLSX cell: dates as YYYY-MM-DD, whole floats without ".0", stripped."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_xlsx(*, file_name: str, content: bytes) -> bool:
    return file_name.lower().endswith(".xlsx") or content[:4] == b"PK\x03\x04"


def read_rows(*, content: bytes, file_name: str, xlsx: bool | None = None) -> Iterator[tuple[int, Cells]]:
    """Yield (row number, cells) for every row of the file, header first (row 1).

    `xlsx` forces the format; by default it is guessed from the name and the first bytes."""
    if xlsx is None:
        xlsx = is_xlsx(file_name=file_name, content=content)
    if xlsx:
        yield from _read_xlsx(content)
    else:
        yield from _read_csv(content)


def _read_csv(content: bytes) -> Iterator[tuple[int, Cells]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            [RowError(0, "", _("The file is not UTF-8 text (CSV) nor an XLSX workbook."))]
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise ImportRefused(
            [RowError(reader.line_num, "", _("Unreadable CSV: %(error)s") % {"error": exc})]
        ) from exc


def _read_xlsx(content: bytes) -> Iterator[tuple[int, Cells]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # a broken file of any kind is the user's error, not a crash
        raise ImportRefused([RowError(0, "", _("The file is not a readable XLSX workbook."))]) from exc
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [cell_text(v) for v in values]
    finally:
        workbook.close()


def count_data_rows(*, content: bytes, file_name: str) -> int:
    """A cheap estimate of the number of data rows of a CSV, for progress bars (0 for XLSX)."""
    if is_xlsx(file_name=file_name, content=content):
        return 0
    return max(0, content.count(b"\n") - 1 + (0 if content.endswith(b"\n") else 1))


# ---------------------------------------------------------------- the header


def header_names(cells: Sequence[str]) -> list[str]:
    """The header's names, stripped and in lower case, without the empty cells at its end."""
    names = [c.strip().lower() for c in cells]
    while names and not names[-1]:
        names.pop()
    return names


def check_header(
    cells: Sequence[str], *, required: Sequence[str], optional: Sequence[str] = ()
) -> tuple[dict[str, int], list[RowError]]:
    """(column name -> index, errors): unknown, repeated and missing columns, all at row 1."""
    allowed = set(required) | set(optional)
    columns: dict[str, int] = {}
    errors: list[RowError] = []
    for index, name in enumerate(header_names(cells)):
        if name not in allowed:
            errors.append(RowError(1, name, _("Unknown column “%(name)s”.") % {"name": name or "?"}))
        elif name in columns:
            errors.append(RowError(1, name, _("Column “%(name)s” appears twice.") % {"name": name}))
        else:
            columns[name] = index
    for name in required:
        if name not in columns:
            errors.append(RowError(1, name, _("Missing column “%(name)s”.") % {"name": name}))
    return columns, errors


# ---------------------------------------------------------------- the row loop


def data_rows(
    rows: Iterable[tuple[int, Cells]],
    *,
    header: Callable[[Cells], bool],
    error: Callable[[int, str, str], None],
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 20_000,
) -> Iterator[tuple[int, Cells]]:
    """The data rows of a file, blank ones skipped: `header(cells)` checks row 1 (False stops there);
    `error(row, column, message)` hears of an empty file; `on_progress(rows done)` is called every
    `progress_every` rows. Cheap per row: one test, one modulo."""
    header_seen = False
    for number, cells in rows:
        if not header_seen:
            header_seen = True
            if not header(cells):
                return
            continue
        if not any(c.strip() for c in cells):
            continue  # blank lines carry nothing
        yield number, cells
        if on_progress is not None and number % progress_every == 0:
            on_progress(number - 1)  # the header is row 1
    if not header_seen:
        error(1, "", _("The file is empty: a header row is needed."))

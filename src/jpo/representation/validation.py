"""Reading CSV files at the edge: every error names the file line and the column.

Shared by the imports (`services`) and the `jpo ranges` command. Line numbers are those of the file
(the header is line 1).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

from jpo.core import tabular
from jpo.core.errors import DomainError
from jpo.core.tabular import ImportRefused

ISO3 = re.compile(r"^[A-Z]{3}$")
PERIOD = re.compile(r"^(\d{4})-(\d{4})$")


class RowError(DomainError, ValueError):
    """One problem in an input file, at a line and column when known."""

    code = "import.row"

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line is not None and self.column:
            return _("line %(line)s, column “%(column)s”: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        if self.line is not None:
            return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}
        return self.message


Row = tuple[int, dict[str, str]]


def read_rows(path: Path | str, *, required: Sequence[str]) -> list[Row]:
    """The data rows of a CSV file (UTF-8, a byte-order mark allowed; read by jpo.core.tabular, which also
    reads an XLSX workbook) with its file line numbers. Stops at the first problem (a RowError)."""
    name = str(path)
    try:
        content = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise RowError(_("%(file)s: no such file") % {"file": name}) from exc
    except OSError as exc:
        raise RowError(_("%(file)s cannot be read: %(error)s") % {"file": name, "error": exc}) from exc
    header: list[str] = []

    def check_header(cells: list[str]) -> bool:
        header.extend(column.strip() for column in cells)
        if not header:
            empty(1, "", "")
        duplicates = sorted({c for c in header if header.count(c) > 1})
        if duplicates:
            raise RowError(
                _("the header names a column twice: %(columns)s") % {"columns": ", ".join(duplicates)},
                line=1,
            )
        missing = [column for column in required if column not in header]
        if missing:
            raise RowError(
                _("missing column(s) %(columns)s (the header must be %(header)s)")
                % {"columns": ", ".join(missing), "header": ",".join(required)},
                line=1,
            )
        return True

    def empty(row: int, column: str, message: str) -> None:
        raise RowError(_("%(file)s is empty: a header row is needed") % {"file": name}, line=1)

    rows: list[Row] = []
    try:
        for line, cells in tabular.data_rows(
            tabular.read_rows(content=content, file_name=name), header=check_header, error=empty
        ):
            if len(cells) > len(header):
                raise RowError(_("more values than columns in the header"), line=line)
            record = dict(zip(header, [*cells, *[""] * (len(header) - len(cells))], strict=True))
            for key, value in record.items():
                if "\x00" in key or "\x00" in value:
                    raise RowError(_("contains a NUL character"), line=line, column=key)
            rows.append((line, {key: value.strip() for key, value in record.items()}))
    except ImportRefused as exc:
        if isinstance(exc.__cause__, UnicodeDecodeError):
            raise RowError(_("%(file)s is not UTF-8 text") % {"file": name}) from exc
        raise RowError(
            _("%(file)s cannot be read: %(error)s") % {"file": name, "error": exc.errors[0].message}
        ) from exc
    return rows


def parse_iso3(value: str, *, line: int, column: str = "iso3") -> str:
    if not ISO3.match(value):
        raise RowError(
            _("“%(value)s” is not a three-letter upper-case ISO code") % {"value": value},
            line=line,
            column=column,
        )
    return value


def parse_text(value: str, *, line: int, column: str, max_length: int = 200) -> str:
    if not value:
        raise RowError(_("a value is needed"), line=line, column=column)
    if len(value) > max_length:
        raise RowError(_("longer than %(max)s characters") % {"max": max_length}, line=line, column=column)
    return value


def parse_whole(value: str, *, line: int, column: str, minimum: int = 0, maximum: int = 2_147_483_647) -> int:
    """A whole number from minimum to maximum (by default the range of a 32-bit database column)."""
    if not value:
        raise RowError(_("a value is needed"), line=line, column=column)
    try:
        number = int(value)
    except ValueError:
        raise RowError(
            _("“%(value)s” is not a whole number") % {"value": value[:40]}, line=line, column=column
        ) from None
    if number < minimum:
        if minimum == 0:
            raise RowError(_("%(value)s is negative") % {"value": value}, line=line, column=column)
        raise RowError(
            _("%(value)s is below %(minimum)s") % {"value": value, "minimum": minimum},
            line=line,
            column=column,
        )
    if number > maximum:
        raise RowError(
            _("%(value)s is above %(maximum)s") % {"value": value[:40], "maximum": f"{maximum:,}"},
            line=line,
            column=column,
        )
    return number


def parse_decimal(value: str, *, line: int, column: str, places: int | None = None) -> Decimal:
    """A non-negative decimal number (with at most `places` decimals when given)."""
    if not value:
        raise RowError(_("a value is needed"), line=line, column=column)
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise RowError(
            _("“%(value)s” is not a number") % {"value": value}, line=line, column=column
        ) from None
    if not number.is_finite():
        raise RowError(_("“%(value)s” is not a number") % {"value": value}, line=line, column=column)
    if number < 0:
        raise RowError(_("%(value)s is negative") % {"value": value}, line=line, column=column)
    exponent = number.as_tuple().exponent
    if places is not None and isinstance(exponent, int) and -exponent > places:
        raise RowError(
            _("%(value)s has more than %(places)s decimals") % {"value": value, "places": places},
            line=line,
            column=column,
        )
    return number


def parse_date(value: str, *, line: int, column: str, required: bool = True) -> dt.date | None:
    if not value:
        if required:
            raise RowError(_("a value is needed"), line=line, column=column)
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RowError(
            _("“%(value)s” is not a date (YYYY-MM-DD)") % {"value": value}, line=line, column=column
        ) from None


def parse_period(value: str, *, line: int, column: str = "period") -> tuple[int, int]:
    match = PERIOD.match(value)
    if not match or int(match.group(2)) < int(match.group(1)):
        raise RowError(
            _("“%(value)s” is not a period of years such as 2016-2018") % {"value": value},
            line=line,
            column=column,
        )
    return int(match.group(1)), int(match.group(2))

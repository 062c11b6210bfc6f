"""Reading CSV files at the edge: every error names the file line and the column.

Shared by the imports (`services`) and the `jpo ranges` command. Line numbers are those of the file
(the header is line 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

from jpo.core.errors import DomainError

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
    """The data rows of a UTF-8 CSV file (a byte-order mark is allowed) with its file line numbers."""
    name = str(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames
            if not header:
                raise RowError(_("%(file)s is empty: a header row is needed") % {"file": name}, line=1)
            header = [column.strip() for column in header]
            reader.fieldnames = header
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
            rows: list[Row] = []
            for record in reader:
                line = reader.line_num
                if None in record:
                    raise RowError(_("more values than columns in the header"), line=line)
                if all(not (value or "").strip() for value in record.values()):
                    continue  # a blank line
                for key, value in record.items():
                    if "\x00" in (key or "") or "\x00" in (value or ""):
                        raise RowError(_("contains a NUL character"), line=line, column=key)
                rows.append((line, {key: (value or "").strip() for key, value in record.items()}))
            return rows
    except RowError:
        raise
    except FileNotFoundError as exc:
        raise RowError(_("%(file)s: no such file") % {"file": name}) from exc
    except UnicodeDecodeError as exc:
        raise RowError(_("%(file)s is not UTF-8 text") % {"file": name}) from exc
    except (OSError, csv.Error) as exc:
        raise RowError(_("%(file)s cannot be read: %(error)s") % {"file": name, "error": exc}) from exc


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

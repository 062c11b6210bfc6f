"""Reading CSV files at the edge: every error of a file is listed, each naming its row and column.

Shared by the imports (`services`) and the `jpo ranges` command. The file is read by `jpo.core.tabular`
(which also reads an XLSX workbook); its errors are `core.tabular.RowError`s (row numbers are those of the
file: the header is row 1; 0 is the whole file) gathered by `FileErrors` over every row and every cell,
and the file is refused with `ImportRefused` listing them all, before anything is written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from jpo.core import tabular
from jpo.core.tabular import ImportRefused, RowError

ISO3 = re.compile(r"^[A-Z]{3}$")
PERIOD = re.compile(r"^(\d{4})-(\d{4})$")
WHOLE_FILE = "-"  # the column of an error about no one column


class InvalidCell(ValueError):
    """A cell that cannot be read (raised by the `parse_*` functions); `error` says where and why."""

    def __init__(self, message: str, *, line: int, column: str) -> None:
        self.error = RowError(line, column, message)
        super().__init__(str(self.error))


class FileErrors:
    """Every error of one file, gathered row after row and cell after cell; `check` refuses the file
    (`ImportRefused`, all or nothing) when there is any."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.items: list[RowError] = []

    def __len__(self) -> int:
        return len(self.items)

    def add(self, line: int, column: str, message: str) -> None:
        self.items.append(RowError(line, column, message))

    def cell(self, parse: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`parse(*args, **kwargs)`, or None with its error listed (the row's other cells are still read)."""
        try:
            return parse(*args, **kwargs)
        except InvalidCell as invalid:
            self.items.append(invalid.error)
            return None

    def refusal(self) -> ImportRefused:
        """The refusal listing every error in the order of the rows (those about the whole file last)."""
        self.items.sort(key=lambda error: (error.row == 0, error.row))
        first = describe(self.items[0]) if self.items else _("unknown problem")
        message = f"{self.file_name}: {first}" if self.file_name else first
        if len(self.items) > 1:
            message += " " + _("(and %(count)s more problems)") % {"count": len(self.items) - 1}
        return ImportRefused(list(self.items), message=message)

    def check(self) -> None:
        if self.items:
            raise self.refusal()


def describe(error: RowError) -> str:
    """An error as one line: its row and column, or only its message when it is about the whole file."""
    if error.row == 0 and error.column == WHOLE_FILE:
        return error.message
    return str(error)


Row = tuple[int, dict[str, str]]


def read_rows(path: Path | str, *, required: Sequence[str], errors: FileErrors) -> list[Row]:
    """The data rows of a CSV file (UTF-8, a byte-order mark allowed; read by jpo.core.tabular, which also
    reads an XLSX workbook) with its row numbers. A row that cannot be read is listed in `errors` and left
    out; a file that cannot be read, or a header without the `required` columns, is refused at once."""
    name = str(path)
    try:
        content = Path(path).read_bytes()
    except FileNotFoundError:
        errors.add(0, WHOLE_FILE, _("%(file)s: no such file") % {"file": name})
        raise errors.refusal() from None
    except OSError as exc:
        errors.add(0, WHOLE_FILE, _("%(file)s cannot be read: %(error)s") % {"file": name, "error": exc})
        raise errors.refusal() from None
    header: list[str] = []

    def check_header(cells: list[str]) -> bool:
        header.extend(column.strip() for column in cells)
        duplicates = sorted({c for c in header if header.count(c) > 1})
        if duplicates:
            errors.add(
                1,
                duplicates[0],
                _("the header names a column twice: %(columns)s") % {"columns": ", ".join(duplicates)},
            )
        for column in required:
            if column not in header:
                errors.add(
                    1,
                    column,
                    _("missing column(s) %(columns)s (the header must be %(header)s)")
                    % {"columns": column, "header": ",".join(required)},
                )
        return not errors

    def empty(row: int, column: str, message: str) -> None:
        errors.add(1, WHOLE_FILE, _("%(file)s is empty: a header row is needed") % {"file": name})

    rows: list[Row] = []
    try:
        for line, cells in tabular.data_rows(
            tabular.read_rows(content=content, file_name=name), header=check_header, error=empty
        ):
            if len(cells) > len(header):
                errors.add(line, WHOLE_FILE, _("more values than columns in the header"))
                continue
            record = dict(zip(header, [*cells, *[""] * (len(header) - len(cells))], strict=True))
            bad = [key for key, value in record.items() if "\x00" in key or "\x00" in value]
            for key in bad:
                errors.add(line, key, _("contains a NUL character"))
            if not bad:
                rows.append((line, {key: value.strip() for key, value in record.items()}))
    except ImportRefused as exc:
        if isinstance(exc.__cause__, UnicodeDecodeError):
            errors.add(0, WHOLE_FILE, _("%(file)s is not UTF-8 text") % {"file": name})
        else:
            errors.add(
                exc.errors[0].row,
                WHOLE_FILE,
                _("%(file)s cannot be read: %(error)s") % {"file": name, "error": exc.errors[0].message},
            )
        raise errors.refusal() from None
    if any(error.row <= 1 for error in errors.items):
        raise errors.refusal()  # an empty file or a bad header: no row can be read
    return rows


def parse_iso3(value: str, *, line: int, column: str = "iso3") -> str:
    if not ISO3.match(value):
        raise InvalidCell(
            _("“%(value)s” is not a three-letter upper-case ISO code") % {"value": value},
            line=line,
            column=column,
        )
    return value


def parse_text(value: str, *, line: int, column: str, max_length: int = 200) -> str:
    if not value:
        raise InvalidCell(_("a value is needed"), line=line, column=column)
    if len(value) > max_length:
        raise InvalidCell(_("longer than %(max)s characters") % {"max": max_length}, line=line, column=column)
    return value


def parse_whole(value: str, *, line: int, column: str, minimum: int = 0, maximum: int = 2_147_483_647) -> int:
    """A whole number from minimum to maximum (by default the range of a 32-bit database column)."""
    if not value:
        raise InvalidCell(_("a value is needed"), line=line, column=column)
    try:
        number = int(value)
    except ValueError:
        raise InvalidCell(
            _("“%(value)s” is not a whole number") % {"value": value[:40]}, line=line, column=column
        ) from None
    if number < minimum:
        if minimum == 0:
            raise InvalidCell(_("%(value)s is negative") % {"value": value}, line=line, column=column)
        raise InvalidCell(
            _("%(value)s is below %(minimum)s") % {"value": value, "minimum": minimum},
            line=line,
            column=column,
        )
    if number > maximum:
        raise InvalidCell(
            _("%(value)s is above %(maximum)s") % {"value": value[:40], "maximum": f"{maximum:,}"},
            line=line,
            column=column,
        )
    return number


def parse_decimal(value: str, *, line: int, column: str, places: int | None = None) -> Decimal:
    """A non-negative decimal number (with at most `places` decimals when given)."""
    if not value:
        raise InvalidCell(_("a value is needed"), line=line, column=column)
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise InvalidCell(
            _("“%(value)s” is not a number") % {"value": value}, line=line, column=column
        ) from None
    if not number.is_finite():
        raise InvalidCell(_("“%(value)s” is not a number") % {"value": value}, line=line, column=column)
    if number < 0:
        raise InvalidCell(_("%(value)s is negative") % {"value": value}, line=line, column=column)
    exponent = number.as_tuple().exponent
    if places is not None and isinstance(exponent, int) and -exponent > places:
        raise InvalidCell(
            _("%(value)s has more than %(places)s decimals") % {"value": value, "places": places},
            line=line,
            column=column,
        )
    return number


def parse_date(value: str, *, line: int, column: str, required: bool = True) -> dt.date | None:
    if not value:
        if required:
            raise InvalidCell(_("a value is needed"), line=line, column=column)
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidCell(
            _("“%(value)s” is not a date (YYYY-MM-DD)") % {"value": value}, line=line, column=column
        ) from None


def parse_period(value: str, *, line: int, column: str = "period") -> tuple[int, int]:
    match = PERIOD.match(value)
    if not match or int(match.group(2)) < int(match.group(1)):
        raise InvalidCell(
            _("“%(value)s” is not a period of years such as 2016-2018") % {"value": value},
            line=line,
            column=column,
        )
    return int(match.group(1)), int(match.group(2))

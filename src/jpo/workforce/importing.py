"""Reading and checking census files (CSV or XLSX). No writes here: see services.census_import_*.

File format: one header row, then one row per headcount. Columns (case-insensitive, any order):

required  reference_date (YYYY-MM-DD), organization (code, or ALL), nationality (ISO 3166 alpha-3, or ALL),
          category, grade, sex, headcount
optional  entity, variant, reference_label, published_rank, citation, note

Row numbers in error messages are the file's row numbers (the header is row 1). Every bad row is
listed, with every problem it has. Numbers must fit their columns; NUL characters are refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from jpo.core.tabular import RowError, check_header, data_rows
from jpo.programme.models import Organization
from jpo.safety.numbers import NumberError, parse_int
from jpo.workforce.models import ALL, Category, Grade, Sex

DATA_DIR = Path(__file__).resolve().parent / "data"

REQUIRED_COLUMNS = ("reference_date", "organization", "nationality", "category", "grade", "sex", "headcount")
OPTIONAL_COLUMNS = ("entity", "variant", "reference_label", "published_rank", "citation", "note")
KEY_FIELDS = (  # the natural key, in the order of the unique index census_row_natural_key
    "nationality",
    "org_code",
    "grade",
    "sex",
    "source",
    "category",
    "reference_date",
    "entity",
    "variant",
)
# Columns written, in the order of the values check_row returns.
COLUMNS = (
    "source",
    "reference_date",
    "reference_label",
    "organization_id",
    "org_code",
    "entity",
    "nationality",
    "category",
    "grade",
    "sex",
    "variant",
    "headcount",
    "published_rank",
    "citation",
    "note",
    "census_import_id",
)
UPDATE_COLUMNS = ("headcount", "reference_label", "published_rank", "citation", "note", "census_import_id")
RowValues = tuple[Any, ...]
MAX_HEADCOUNT = 2_147_483_647  # the column's range (a positive 32-bit integer)
MAX_RANK = 32_767  # the column's range (a positive 16-bit integer)
EARLIEST_DATE = dt.date(1945, 10, 24)  # the UN Charter entered into force

_VARIANT_RE = re.compile(r"^[A-Za-z0-9_.-]{0,20}$")
_CATEGORY_VALUES = frozenset(Category.values)
_GRADE_VALUES = {g.upper(): g for g in Grade.values}
_SEX_VALUES = {s.upper(): s for s in Sex.values}


def normalize_org_code(value: str) -> str:
    return re.sub(r"[\s_\-]+", "", value.strip().upper())


@cache
def nationality_codes() -> frozenset[str]:
    """ISO 3166 alpha-3 codes accepted as nationalities (see data/iso3_codes.txt for their origin)."""
    lines = (DATA_DIR / "iso3_codes.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def member_state_names() -> dict[str, str]:
    with (DATA_DIR / "un_member_states.csv").open(encoding="utf-8-sig", newline="") as f:
        return {row["iso3"]: row["name"] for row in csv.DictReader(f)}


def organization_index() -> dict[str, tuple[int, str]]:
    """Normalized code -> (id, code) of every organization known to the programme app."""
    return {
        normalize_org_code(code): (pk, code) for pk, code in Organization.objects.values_list("pk", "code")
    }


# ---------------------------------------------------------------- checking


class CensusValidator:
    """Checks rows one by one and turns each good one into the values of a CensusRow (COLUMNS order).

    Keeps every natural key seen, with its row number, to refuse duplicate rows.
    """

    def __init__(self, *, source: str, today: dt.date | None = None) -> None:
        self.source = source
        self.today = today or timezone.localdate()
        self.organizations = organization_index()
        self.nationalities = nationality_codes()
        self.errors: list[RowError] = []
        self.error_count = 0
        self.columns: dict[str, int] = {}
        self._dates: dict[str, dt.date | str] = {}
        self._db_dates: dict[str, Any] = {}
        self._orgs: dict[str, tuple[int | None, str] | None] = {}
        # natural keys seen -> first row number (the source is the same for the whole file)
        self._seen: dict[tuple[str | None, ...], int] = {}
        self._indices: tuple[int, ...] = ()

    def error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        self.errors.append(RowError(row, column, message))

    def check_header(self, cells: list[str]) -> bool:
        self.columns, errors = check_header(cells, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS)
        for error in errors:
            self.error(error.row, error.column, error.message)
        if self.error_count:
            return False
        # a missing optional column reads as the empty cell appended at the end of every row
        blank = len(self.columns)
        self._indices = tuple(
            self.columns.get(name, blank) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
        )
        return True

    def _date(self, text: str) -> dt.date | str:
        """A date, or an error message."""
        cached = self._dates.get(text)
        if cached is not None:
            return cached
        result: dt.date | str
        try:
            result = dt.date.fromisoformat(text)
            if len(text) != 10:
                raise ValueError(text)
        except ValueError:
            result = _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text}
        else:
            if result > self.today:
                result = _("%(date)s is in the future.") % {"date": text}
            elif result < EARLIEST_DATE:
                result = _("%(date)s is before the United Nations existed.") % {"date": text}
            else:
                self._db_dates[text] = connection.ops.adapt_datefield_value(result)
        self._dates[text] = result
        return result

    def _organization(self, text: str) -> tuple[int | None, str] | None:
        """(id, code) of the organization named in a cell ((None, "") for all), or None if unknown."""
        found = self._orgs.get(text)
        if found is None and text not in self._orgs:
            if not text or text.upper() == ALL:
                found = (None, "")
            else:
                found = self.organizations.get(normalize_org_code(text))
            self._orgs[text] = found
        return found

    def check_row(self, number: int, cells: list[str], census_import_id: int | None) -> RowValues | None:
        """Check one row; return its column values (in COLUMNS order) or None after recording its errors."""
        width, ncols = len(cells), len(self.columns)
        if width > ncols:
            if any(c.strip() for c in cells[ncols:]):
                self.error(number, "", _("More cells than columns in the header."))
                return None
            cells = [*cells[:ncols], ""]
        else:
            cells = cells + [""] * (
                ncols + 1 - width
            )  # the last cell stands for every absent optional column
        (
            i_date,
            i_org,
            i_nat,
            i_cat,
            i_grade,
            i_sex,
            i_count,
            i_entity,
            i_variant,
            i_label,
            i_rank,
            i_cite,
            i_note,
        ) = self._indices
        before = self.error_count
        if any("\x00" in c for c in cells):
            names = {index: name for name, index in self.columns.items()}
            for index, cell in enumerate(cells):
                if "\x00" in cell:
                    self.error(number, names.get(index, ""), _("Contains a NUL character."))
            return None

        date_text = cells[i_date].strip()
        reference_date = self._date(date_text)
        if isinstance(reference_date, str):
            self.error(number, "reference_date", reference_date)

        org_text = cells[i_org].strip()
        org = self._organization(org_text)
        if org is None:
            self.error(
                number, "organization", _("Unknown organization code “%(code)s”.") % {"code": org_text}
            )
            org = (None, "")

        nationality = cells[i_nat].strip().upper()
        if nationality == ALL:
            nationality = ""
        elif nationality and nationality not in self.nationalities:
            self.error(
                number,
                "nationality",
                _("Unknown nationality code “%(code)s” (ISO 3166 alpha-3).") % {"code": nationality},
            )

        category = cells[i_cat].strip().lower()
        if category not in _CATEGORY_VALUES:
            self.error(
                number,
                "category",
                _("Unknown category “%(value)s”; expected one of %(choices)s.")
                % {"value": category, "choices": ", ".join(Category.values)},
            )
        grade_text = cells[i_grade].strip()
        grade = _GRADE_VALUES.get(grade_text.upper() or ALL)
        if grade is None:
            self.error(
                number,
                "grade",
                _("Unknown grade “%(value)s”; expected one of %(choices)s.")
                % {"value": grade_text, "choices": ", ".join(Grade.values)},
            )
        sex_text = cells[i_sex].strip()
        sex = _SEX_VALUES.get(sex_text.upper() or ALL)
        if sex is None:
            self.error(
                number, "sex", _("Unknown sex “%(value)s”; expected F, M or ALL.") % {"value": sex_text}
            )

        headcount_text = cells[i_count].strip()
        try:
            headcount = int(headcount_text)
            if not 0 <= headcount <= MAX_HEADCOUNT:
                raise ValueError(headcount_text)
        except ValueError:
            try:
                headcount = parse_int(headcount_text, minimum=-MAX_HEADCOUNT, maximum=MAX_HEADCOUNT)
            except NumberError:
                headcount = 0
                self.error(
                    number,
                    "headcount",
                    _("“%(value)s” is not a whole number from 0 to %(max)s.")
                    % {"value": headcount_text[:40], "max": f"{MAX_HEADCOUNT:,}"},
                )
        if headcount < 0:
            self.error(
                number, "headcount", _("A headcount cannot be negative (%(value)s).") % {"value": headcount}
            )

        entity = cells[i_entity].strip()
        if len(entity) > 40:
            self.error(number, "entity", _("At most 40 characters."))
        variant = cells[i_variant].strip()
        if variant and not _VARIANT_RE.match(variant):
            self.error(number, "variant", _("At most 20 letters, digits, dots, dashes or underscores."))
        rank: int | None = None
        rank_text = cells[i_rank].strip()
        if rank_text:
            try:
                rank = parse_int(rank_text, minimum=1, maximum=MAX_RANK)
            except NumberError:
                self.error(
                    number,
                    "published_rank",
                    _("A rank is a whole number from 1 to %(max)s.") % {"max": f"{MAX_RANK:,}"},
                )
        reference_label, citation, note = cells[i_label].strip(), cells[i_cite].strip(), cells[i_note].strip()
        if len(reference_label) > 60 or len(citation) > 1000 or len(note) > 500:
            for name, value, limit in (
                ("reference_label", reference_label, 60),
                ("citation", citation, 1000),
                ("note", note, 500),
            ):
                if len(value) > limit:
                    self.error(number, name, _("At most %(limit)s characters.") % {"limit": limit})

        if self.error_count != before:
            return None
        key = (date_text, org[1], entity, nationality, category, grade, sex, variant)
        first = self._seen.setdefault(key, number)
        if first != number:
            self.error(
                number,
                "",
                _(
                    "Duplicate of row %(row)s (same date, organization, entity, nationality, category, grade, sex "
                    "and variant)."
                )
                % {"row": first},
            )
            return None
        return (
            self.source,
            self._db_dates[date_text],
            reference_label,
            org[0],
            org[1],
            entity,
            nationality,
            category,
            grade,
            sex,
            variant,
            headcount,
            rank,
            citation,
            note,
            census_import_id,
        )


def validated_rows(
    rows: Iterable[tuple[int, list[str]]],
    *,
    validator: CensusValidator,
    census_import_id: int | None = None,
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 20_000,
) -> Iterator[RowValues]:
    """Check every row; yield the column values of each good one. Callers must check validator.error_count after."""
    check_row = validator.check_row
    for number, cells in data_rows(
        rows,
        header=validator.check_header,
        error=validator.error,
        on_progress=on_progress,
        progress_every=progress_every,
    ):
        row = check_row(number, cells, census_import_id)
        if row is not None:
            yield row

"""Reading and checking census files (CSV or XLSX). No writes here: see services.census_import_*.

File format: one header row, then one row per headcount. Columns (case-insensitive, any order):

required  reference_date (YYYY-MM-DD), organization (code, or ALL), nationality (ISO 3166 alpha-3, or ALL),
          category, grade, sex, headcount
optional  entity, variant, reference_label, published_rank, citation, note

Row numbers in error messages are the file's row numbers (the header is row 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from jpo.programme.models import Organization
from jpo.workforce.models import ALL, Category, CensusRow, Grade, Sex

DATA_DIR = Path(__file__).resolve().parent / "data"

REQUIRED_COLUMNS = ("reference_date", "organization", "nationality", "category", "grade", "sex", "headcount")
OPTIONAL_COLUMNS = ("entity", "variant", "reference_label", "published_rank", "citation", "note")
KEY_FIELDS = (
    "source",
    "reference_date",
    "org_code",
    "entity",
    "nationality",
    "category",
    "grade",
    "sex",
    "variant",
)
UPDATE_FIELDS = ("headcount", "reference_label", "published_rank", "citation", "note", "census_import")
MAX_ERRORS = 500  # errors listed; counting goes on
EARLIEST_DATE = dt.date(1945, 10, 24)  # the UN Charter entered into force

_VARIANT_RE = re.compile(r"^[A-Za-z0-9_.-]{0,20}$")
_CATEGORY_VALUES = frozenset(Category.values)
_GRADE_VALUES = {g.upper(): g for g in Grade.values}
_SEX_VALUES = {s.upper(): s for s in Sex.values}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class ImportRefused(Exception):
    """The file was refused; nothing was written. `errors` lists rows and reasons."""

    def __init__(self, errors: list[RowError], *, error_count: int | None = None) -> None:
        self.errors = errors
        self.error_count = error_count if error_count is not None else len(errors)
        super().__init__(f"{self.error_count} error(s)")


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


# ---------------------------------------------------------------- reading


def _cell_text(value: Any) -> str:
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


def read_rows(*, content: bytes, file_name: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, cells) for every row of the file, header first (row 1)."""
    if is_xlsx(file_name=file_name, content=content):
        yield from _read_xlsx(content)
    else:
        yield from _read_csv(content)


def _read_csv(content: bytes) -> Iterator[tuple[int, list[str]]]:
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


def _read_xlsx(content: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise ImportRefused([RowError(0, "", _("The file is not a readable XLSX workbook."))]) from exc
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(v) for v in values]
    finally:
        workbook.close()


def count_data_rows(*, content: bytes, file_name: str) -> int:
    """A cheap estimate of the number of data rows, for progress bars."""
    if is_xlsx(file_name=file_name, content=content):
        return 0
    return max(0, content.count(b"\n") - 1 + (0 if content.endswith(b"\n") else 1))


# ---------------------------------------------------------------- checking


class CensusValidator:
    """Checks rows one by one and turns them into unsaved CensusRow objects.

    Keeps every natural key seen (packed into one integer) to refuse duplicate rows.
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
        self._seen: dict[int, int] = {}
        self._codes: list[dict[str, int]] = [{} for _ in KEY_FIELDS]

    def error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, column, message))

    def check_header(self, cells: list[str]) -> bool:
        names = [c.strip().lower() for c in cells]
        while names and not names[-1]:
            names.pop()
        allowed = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
        for index, name in enumerate(names):
            if name not in allowed:
                self.error(1, name, _("Unknown column “%(name)s”.") % {"name": name or "?"})
            elif name in self.columns:
                self.error(1, name, _("Column “%(name)s” appears twice.") % {"name": name})
            else:
                self.columns[name] = index
        for name in REQUIRED_COLUMNS:
            if name not in self.columns:
                self.error(1, name, _("Missing column “%(name)s”.") % {"name": name})
        return self.error_count == 0

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
        self._dates[text] = result
        return result

    def _key_int(self, values: tuple[str, ...]) -> int:
        key = 0
        for codes, value in zip(self._codes, values, strict=True):
            code = codes.get(value)
            if code is None:
                code = codes[value] = len(codes)
            key = (key << 24) | code
        return key

    def check_row(self, number: int, cells: list[str], census_import_id: int | None) -> CensusRow | None:
        columns = self.columns
        width = len(cells)
        if width > len(columns) and any(c.strip() for c in cells[len(columns) :]):
            self.error(number, "", _("More cells than columns in the header."))
            return None

        def get(name: str) -> str:
            index = columns.get(name)
            if index is None or index >= width:
                return ""
            return cells[index].strip()

        before = self.error_count
        date_text = get("reference_date")
        reference_date = self._date(date_text)
        if isinstance(reference_date, str):
            self.error(number, "reference_date", reference_date)

        org_text = get("organization")
        org_id: int | None = None
        org_code = ""
        if org_text and org_text.upper() != ALL:
            found = self.organizations.get(normalize_org_code(org_text))
            if found is None:
                self.error(
                    number, "organization", _("Unknown organization code “%(code)s”.") % {"code": org_text}
                )
            else:
                org_id, org_code = found

        nationality = get("nationality").upper()
        if nationality == ALL:
            nationality = ""
        elif nationality and nationality not in self.nationalities:
            self.error(
                number,
                "nationality",
                _("Unknown nationality code “%(code)s” (ISO 3166 alpha-3).") % {"code": nationality},
            )

        category = get("category").lower()
        if category not in _CATEGORY_VALUES:
            self.error(
                number,
                "category",
                _("Unknown category “%(value)s”; expected one of %(choices)s.")
                % {"value": category, "choices": ", ".join(Category.values)},
            )
        grade = _GRADE_VALUES.get(get("grade").upper() or ALL)
        if grade is None:
            self.error(
                number,
                "grade",
                _("Unknown grade “%(value)s”; expected one of %(choices)s.")
                % {"value": get("grade"), "choices": ", ".join(Grade.values)},
            )
        sex = _SEX_VALUES.get(get("sex").upper() or ALL)
        if sex is None:
            self.error(
                number, "sex", _("Unknown sex “%(value)s”; expected F, M or ALL.") % {"value": get("sex")}
            )

        headcount_text = get("headcount").replace(",", "")
        headcount = 0
        try:
            headcount = int(headcount_text)
        except ValueError:
            self.error(
                number, "headcount", _("“%(value)s” is not a whole number.") % {"value": headcount_text}
            )
        else:
            if headcount < 0:
                self.error(
                    number,
                    "headcount",
                    _("A headcount cannot be negative (%(value)s).") % {"value": headcount},
                )

        entity = get("entity")
        if len(entity) > 40:
            self.error(number, "entity", _("At most 40 characters."))
        variant = get("variant")
        if not _VARIANT_RE.match(variant):
            self.error(number, "variant", _("At most 20 letters, digits, dots, dashes or underscores."))
        rank: int | None = None
        rank_text = get("published_rank")
        if rank_text:
            try:
                rank = int(rank_text)
                if rank < 1:
                    raise ValueError(rank_text)
            except ValueError:
                self.error(number, "published_rank", _("A rank is a whole number from 1."))
        reference_label, citation, note = get("reference_label"), get("citation"), get("note")
        for name, value, limit in (
            ("reference_label", reference_label, 60),
            ("citation", citation, 1000),
            ("note", note, 500),
        ):
            if len(value) > limit:
                self.error(number, name, _("At most %(limit)s characters.") % {"limit": limit})

        if self.error_count != before:
            return None
        assert isinstance(reference_date, dt.date)
        assert grade is not None and sex is not None
        key = self._key_int(
            (self.source, date_text, org_code, entity, nationality, category, grade, sex, variant)
        )
        first = self._seen.setdefault(key, number)
        if first != number:
            self.error(
                number,
                "",
                _(
                    "Duplicate of row %(row)s (same date, organization, entity, nationality, category, grade, sex and variant)."
                )
                % {"row": first},
            )
            return None
        return CensusRow(
            source=self.source,
            reference_date=reference_date,
            reference_label=reference_label,
            organization_id=org_id,
            org_code=org_code,
            entity=entity,
            nationality=nationality,
            category=category,
            grade=grade,
            sex=sex,
            variant=variant,
            headcount=headcount,
            published_rank=rank,
            citation=citation,
            note=note,
            census_import_id=census_import_id,
        )


def validated_rows(
    rows: Iterable[tuple[int, list[str]]],
    *,
    validator: CensusValidator,
    census_import_id: int | None = None,
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 20_000,
) -> Iterator[CensusRow]:
    """Check every row; yield a CensusRow for each good one. Callers must check validator.error_count after."""
    header_seen = False
    for number, cells in rows:
        if not header_seen:
            header_seen = True
            if not validator.check_header(cells):
                return
            continue
        if not any(c.strip() for c in cells):
            continue  # blank lines carry nothing
        row = validator.check_row(number, cells, census_import_id)
        if row is not None:
            yield row
        if on_progress is not None and number % progress_every == 0:
            on_progress(number - 1)
    if not header_seen:
        validator.error(1, "", _("The file is empty: a header row is needed."))

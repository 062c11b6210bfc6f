"""The applications list as CSV or XLSX: every matching row (not only the page on screen), read in
chunks so that memory and the number of queries stay bounded whatever the length; every cell through
`jpo.safety.cells` (text never becomes a formula)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from jpo.applications.models import Application
from jpo.safety.cells import append_row, write_csv

CHUNK = 2000


def _jst(value: Any) -> Any:
    """Timestamps in Japan time without the zone (spreadsheets refuse aware datetimes)."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _screening(a: Application) -> str:
    screening = getattr(a, "screening", None)
    return str(screening.get_outcome_display()) if screening else ""


def columns() -> list[tuple[str, Callable[[Application], Any]]]:
    """(heading, value) in the order of the file; headings in the reader's language."""
    return [
        (_("Receipt number"), lambda a: a.receipt_number or ""),
        (_("Family name"), lambda a: a.applicant.family_name),
        (_("Given name"), lambda a: a.applicant.given_name),
        (_("Family name (kana)"), lambda a: a.applicant.family_name_kana),
        (_("Given name (kana)"), lambda a: a.applicant.given_name_kana),
        (_("Fiscal year"), lambda a: a.cycle.fiscal_year),
        (_("Track"), lambda a: str(a.track.get_kind_display())),
        (_("Status"), lambda a: str(a.get_status_display())),
        (_("Screening"), _screening),
        (_("National civil servant"), lambda a: _("Yes") if a.is_civil_servant else _("No")),
        (_("Home ministry"), lambda a: a.ministry.code if a.ministry else ""),
        (_("Forwarded to"), lambda a: a.forwarded_to.code if a.forwarded_to else ""),
        (_("Submitted at (Japan time)"), lambda a: _jst(a.submitted_at)),
    ]


def _rows(applications: QuerySet[Application]) -> Iterator[list[Any]]:
    cols = columns()
    for application in applications.iterator(chunk_size=CHUNK):
        yield [value(application) for _heading, value in cols]


def applications_csv(applications: QuerySet[Application]) -> Iterator[str]:
    """CSV text in pieces (for a streaming response), with a BOM so that spreadsheet programs read
    the Japanese as UTF-8."""
    yield write_csv([[heading for heading, _value in columns()]], bom=True)
    batch: list[list[Any]] = []
    for row in _rows(applications):
        batch.append(row)
        if len(batch) == 500:
            yield write_csv(batch)
            batch = []
    if batch:
        yield write_csv(batch)


def applications_xlsx(applications: QuerySet[Application]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Applications")))
    append_row(sheet, [heading for heading, _value in columns()])
    for row in _rows(applications):
        append_row(sheet, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

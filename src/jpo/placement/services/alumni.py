"""The alumni roster (former JPOs since 1974), imported from CSV or XLSX (read by jpo.core.tabular):
every row is validated, and the file is imported all or nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jpo.accounts import access
from jpo.accounts.models import User
from jpo.accounts.services import audit_record
from jpo.core import tabular
from jpo.core.tabular import ImportRefused, RowError
from jpo.leases import LEASE, LeaseLost, heartbeat
from jpo.placement.models import AlumniImport, AlumniImportStatus, AlumniRecord, OutcomeKind
from jpo.programme.models import Organization
from jpo.safety.numbers import NumberError, parse_int

COLUMNS = [
    "family_name",
    "given_name",
    "cohort_fiscal_year",
    "organization",
    "is_civil_servant",
    "outcome",
    "current_organization",
    "current_grade",
    "email",
]
REQUIRED = ["family_name", "given_name", "cohort_fiscal_year", "organization"]
OPTIONAL = [c for c in COLUMNS if c not in REQUIRED]
TRUE = {"1", "true", "yes", "y", "はい"}
FALSE = {"", "0", "false", "no", "n", "いいえ"}
MAX_BYTES = 10 * 1024 * 1024
EMAIL_MAX_LENGTH = 254  # AlumniRecord.email (EmailField's default)


class AlumniImportError(ImportRefused):
    """The roster file was refused (nothing written); its message names the first five errors."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(errors, message="; ".join(str(e) for e in errors[:5]))


Row = tuple[int, dict[str, str]]


def read_rows(*, name: str, content: bytes) -> list[Row]:
    """The data rows (file row number, cells keyed by the header); raises AlumniImportError on an
    unreadable file or a bad header."""
    if len(content) > MAX_BYTES:
        raise AlumniImportError([RowError(0, "-", _("The file is larger than 10 MB."))])
    lower = name.lower()
    if not lower.endswith((".csv", ".xlsx")):
        raise AlumniImportError([RowError(0, "-", _("Upload a .csv or .xlsx file."))])
    errors: list[RowError] = []
    header: list[str] = []

    def check_header(cells: list[str]) -> bool:
        _columns, problems = tabular.check_header(cells, required=REQUIRED, optional=OPTIONAL)
        errors.extend(problems)
        header.extend(tabular.header_names(cells))
        return not problems

    def error(row: int, column: str, message: str) -> None:
        errors.append(RowError(row, column or "-", message))

    try:
        rows = [
            (number, {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header) if h})
            for number, cells in tabular.data_rows(
                tabular.read_rows(content=content, file_name=name, xlsx=lower.endswith(".xlsx")),
                header=check_header,
                error=error,
            )
        ]
    except ImportRefused as exc:
        first = exc.errors[0]
        raise AlumniImportError(
            [RowError(first.row, "-", _("The file cannot be read: %(e)s") % {"e": first.message})]
        ) from exc
    if errors:
        raise AlumniImportError(errors)
    return rows


def validate_rows(rows: list[Row]) -> tuple[list[AlumniRecord], list[RowError]]:
    organizations = {o.code.lower(): o for o in Organization.objects.all()}
    existing = set(
        AlumniRecord.objects.values_list(
            "family_name", "given_name", "cohort_fiscal_year", "organization__code"
        )
    )
    existing = {(f, g, y, c.lower()) for f, g, y, c in existing}
    seen: dict[tuple[Any, ...], int] = {}
    records: list[AlumniRecord] = []
    errors: list[RowError] = []
    for number, row in rows:
        row_errors: list[RowError] = []
        for column in REQUIRED:
            if not row.get(column, "").strip():
                row_errors.append(RowError(number, column, _("This field is required.")))
        for column, value in row.items():
            if "\x00" in value:
                row_errors.append(RowError(number, column, _("Contains a NUL character.")))
        year: int | None = None
        raw_year = row.get("cohort_fiscal_year", "").strip()
        if raw_year:
            try:
                # a whole number ("2001.9" and "inf" were cut to 2001 or crashed the import)
                year = parse_int(raw_year, minimum=1974, maximum=2100)
            except NumberError:
                row_errors.append(
                    RowError(
                        number,
                        "cohort_fiscal_year",
                        _("A fiscal year from 1974 (Japan joined the JPO programme in 1974)."),
                    )
                )
                year = None
        code = row.get("organization", "").strip().lower()
        organization = organizations.get(code)
        if code and organization is None:
            row_errors.append(
                RowError(
                    number,
                    "organization",
                    _("Unknown organization code “%(code)s”.") % {"code": row["organization"]},
                )
            )
        flag = row.get("is_civil_servant", "").strip().lower()
        if flag not in TRUE | FALSE:
            row_errors.append(RowError(number, "is_civil_servant", _("Write yes or no.")))
        outcome = row.get("outcome", "").strip() or OutcomeKind.UNKNOWN
        if outcome not in OutcomeKind.values:
            row_errors.append(
                RowError(
                    number, "outcome", _("One of: %(kinds)s.") % {"kinds": ", ".join(OutcomeKind.values)}
                )
            )
        email = row.get("email", "").strip()
        if email:
            try:
                validate_email(email)
                if len(email) > EMAIL_MAX_LENGTH:
                    raise ValidationError("too long")
            except ValidationError:
                row_errors.append(
                    RowError(
                        number,
                        "email",
                        _("Not a valid e-mail address (at most %(n)s characters).") % {"n": EMAIL_MAX_LENGTH},
                    )
                )
        for column, limit in (
            ("family_name", 100),
            ("given_name", 100),
            ("current_organization", 200),
            ("current_grade", 8),
        ):
            if len(row.get(column, "")) > limit:
                row_errors.append(RowError(number, column, _("At most %(n)s characters.") % {"n": limit}))
        if not row_errors and organization is not None and year is not None:
            key = (row["family_name"].strip(), row["given_name"].strip(), year, code)
            if key in existing:
                row_errors.append(
                    RowError(
                        number,
                        "family_name",
                        _("This person is already in the roster for this cohort and organization."),
                    )
                )
            elif key in seen:
                row_errors.append(
                    RowError(number, "family_name", _("Same person as row %(row)s.") % {"row": seen[key]})
                )
            seen[key] = number
        if row_errors:
            errors.extend(row_errors)
            continue
        assert organization is not None and year is not None
        records.append(
            AlumniRecord(
                family_name=row["family_name"].strip(),
                given_name=row["given_name"].strip(),
                cohort_fiscal_year=year,
                organization=organization,
                is_civil_servant=flag in TRUE,
                outcome=outcome,
                current_organization=row.get("current_organization", "").strip(),
                current_grade=row.get("current_grade", "").strip(),
                email=email,
            )
        )
    if not records and not errors:
        errors.append(RowError(2, "-", _("The file has no data rows.")))
    return records, errors


def alumni_imports_expire(*, now: dt.datetime) -> int:
    """Mark failed the imports whose process stopped (heartbeat older than the lease): nothing of them
    was written (the rows go in one transaction), and the file can be imported again."""
    expired = 0
    for batch in AlumniImport.objects.filter(
        status=AlumniImportStatus.RUNNING, heartbeat_at__lt=now - LEASE
    ).only("pk", "heartbeat_at"):
        since = timezone.localtime(batch.heartbeat_at).strftime("%Y-%m-%d %H:%M")
        if AlumniImport.objects.filter(pk=batch.pk, status=AlumniImportStatus.RUNNING).update(
            status=AlumniImportStatus.FAILED,
            error=_(
                "The import stopped (no sign of progress since %(since)s): nothing was imported. "
                "Import the file again."
            )
            % {"since": since},
        ):
            audit_record(actor=None, action="placement.alumni_import_expired", target=batch, data={})
            expired += 1
    return expired


def alumni_import(*, actor: User | None, name: str, content: bytes) -> AlumniImport:
    """Import a roster file, or raise AlumniImportError listing every bad row (nothing is written).

    The import is recorded as running (with a lease) before its rows are written in one transaction,
    and marked imported in that same transaction: a process killed half-way leaves a running import
    that `alumni_imports_expire` marks failed, and no row."""
    if actor is not None and not access.is_officer(actor):
        raise PermissionDenied
    rows = read_rows(name=name, content=content)
    records, errors = validate_rows(rows)
    if errors:
        raise AlumniImportError(errors)
    now = timezone.now()
    alumni_imports_expire(now=now)
    with transaction.atomic():
        # One import at a time (two at once would write the same people twice).
        if AlumniImport.objects.select_for_update().filter(status=AlumniImportStatus.RUNNING).exists():
            raise AlumniImportError(
                [RowError(1, "-", _("Another alumni import is running: wait for it to finish."))]
            )
        batch = AlumniImport.objects.create(
            file_name=name[:200],
            imported_by=actor,
            row_count=len(records),
            status=AlumniImportStatus.RUNNING,
            heartbeat_at=now,
        )
    try:
        with transaction.atomic():
            for record in records:
                record.batch = batch
            AlumniRecord.objects.bulk_create(records, batch_size=1000)
            heartbeat(
                AlumniImport,
                batch.pk,
                now=timezone.now(),
                running=[AlumniImportStatus.RUNNING],
                status=AlumniImportStatus.DONE,
            )
            audit_record(
                actor=actor,
                action="placement.alumni_import",
                target=batch,
                data={"rows": len(records), "file": name},
            )
    except LeaseLost:  # marked failed meanwhile (its lease ran out): the rows were not written
        raise AlumniImportError(
            [RowError(1, "-", _("The import took too long and was stopped: nothing was imported."))]
        ) from None
    except Exception as error:
        AlumniImport.objects.filter(pk=batch.pk, status=AlumniImportStatus.RUNNING).update(
            status=AlumniImportStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    batch.refresh_from_db()
    return batch

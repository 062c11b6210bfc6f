"""The alumni roster (former JPOs since 1974), imported from CSV or XLSX (read by jpo.core.tabular):
every row is validated, and the file is imported all or nothing.

An alumnus who applied through the system is linked to their `Applicant`, who owns their name (see
`AlumniRecord`): a record made from a dispatch always (`alumni_from_dispatch`); a roster row when a reliable
key names exactly one applicant — the receipt number of one of their applications, or their e-mail address
together with their date of birth. A name is never a key. A row whose keys name several applicants, or
whose receipt number and e-mail with date of birth name different ones, is imported without a link and
listed on the import (`AlumniImport.unlinked_rows`) for an officer to check; nothing is guessed. The date
of birth is read for the match only and not kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from jpo.accounts import access
from jpo.accounts.models import User
from jpo.accounts.services import audit_record
from jpo.applications.models import Applicant, Application
from jpo.core import tabular
from jpo.core.errors import DomainError
from jpo.core.tabular import ImportRefused, RowError
from jpo.leases import LEASE, LeaseLost, heartbeat
from jpo.placement.models import AlumniImport, AlumniImportStatus, AlumniRecord, Dispatch, OutcomeKind
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
    "receipt_number",
    "birth_date",
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


def _applicant_keys(rows: list[Row]) -> tuple[dict[str, int], dict[tuple[str, str], list[int]]]:
    """The applicants the file's keys name, read in two queries: by receipt number, and by (e-mail
    address lower-cased, date of birth as written) — anonymised applicants are never matched."""
    receipts = {r for _n, row in rows if (r := row.get("receipt_number", "").strip())}
    by_receipt = {
        str(receipt): applicant_id
        for receipt, applicant_id in Application.objects.filter(
            receipt_number__in=receipts, applicant__purged_at__isnull=True
        ).values_list("receipt_number", "applicant_id")
    }
    emails = {
        e.lower()
        for _n, row in rows
        if (e := row.get("email", "").strip()) and row.get("birth_date", "").strip()
    }
    by_person: dict[tuple[str, str], list[int]] = {}
    for pk, email, birth_date in (
        Applicant.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails, purged_at__isnull=True)
        .values_list("pk", "email_lower", "birth_date")
        .order_by("pk")
    ):
        by_person.setdefault((email, birth_date.isoformat()), []).append(pk)
    return by_receipt, by_person


def _birth_date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def validate_rows(rows: list[Row]) -> tuple[list[AlumniRecord], list[RowError], list[int]]:
    """The records to write, the errors, and the rows imported without a link because their keys do
    not name exactly one applicant (ambiguous, or the receipt number and the e-mail with date of birth
    naming different people)."""
    organizations = {o.code.lower(): o for o in Organization.objects.all()}
    existing = set(
        AlumniRecord.objects.filter(applicant__isnull=True).values_list(
            "family_name", "given_name", "cohort_fiscal_year", "organization__code"
        )
    )
    existing = {(f, g, y, c.lower()) for f, g, y, c in existing}
    existing_linked = set(
        AlumniRecord.objects.filter(applicant__isnull=False).values_list(
            "applicant_id", "cohort_fiscal_year", "organization__code"
        )
    )
    existing_linked = {(a, y, c.lower()) for a, y, c in existing_linked}
    by_receipt, by_person = _applicant_keys(rows)
    seen: dict[tuple[Any, ...], int] = {}
    records: list[AlumniRecord] = []
    errors: list[RowError] = []
    unlinked: list[int] = []
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
        raw_birth = row.get("birth_date", "").strip()
        birth_date = _birth_date(raw_birth) if raw_birth else None
        if raw_birth and birth_date is None:
            row_errors.append(
                RowError(number, "birth_date", _("A date written year-month-day, e.g. 1990-04-01."))
            )
        receipt = row.get("receipt_number", "").strip()
        if receipt and receipt not in by_receipt:
            row_errors.append(
                RowError(
                    number,
                    "receipt_number",
                    _("No application has the receipt number “%(number)s”.") % {"number": receipt},
                )
            )
        candidates = (
            by_person.get((email.lower(), birth_date.isoformat()), []) if email and birth_date else []
        )
        applicant_id: int | None = None
        if receipt in by_receipt:
            applicant_id = by_receipt[receipt]
            if candidates and applicant_id not in candidates:
                applicant_id = None  # two keys, two people: reported, not guessed
        elif len(candidates) == 1:
            applicant_id = candidates[0]
        ambiguous = applicant_id is None and (bool(candidates) or receipt in by_receipt)
        for column, limit in (
            ("family_name", 100),
            ("given_name", 100),
            ("current_organization", 200),
            ("current_grade", 8),
        ):
            if len(row.get(column, "")) > limit:
                row_errors.append(RowError(number, column, _("At most %(n)s characters.") % {"n": limit}))
        if not row_errors and organization is not None and year is not None:
            key: tuple[Any, ...] = (row["family_name"].strip(), row["given_name"].strip(), year, code)
            if applicant_id is not None:
                key = (applicant_id, year, code)
            if key in existing or key in existing_linked:
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
        if ambiguous:
            unlinked.append(number)
        records.append(
            AlumniRecord(
                applicant_id=applicant_id,
                # the applicant owns the name of a linked alumnus; the roster's is kept only otherwise
                family_name="" if applicant_id else row["family_name"].strip(),
                given_name="" if applicant_id else row["given_name"].strip(),
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
    return records, errors, unlinked


def unlinked_message(batch: AlumniImport) -> str:
    """What the officer is told of the rows imported without a link (empty when there is none)."""
    if not batch.unlinked_rows:
        return ""
    return _(
        "Rows %(rows)s: the receipt number or the e-mail address with the date of birth name more than one "
        "person. They were imported without a link to an applicant; check them and link them in "
        "Administration if they are the same person."
    ) % {"rows": ", ".join(str(n) for n in batch.unlinked_rows)}


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
    records, errors, unlinked = validate_rows(rows)
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
            linked_count=sum(1 for r in records if r.applicant_id is not None),
            unlinked_rows=unlinked,
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
                data={
                    "rows": len(records),
                    "file": name,
                    "linked": batch.linked_count,
                    "unlinked_rows": unlinked,
                },
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


class AlumniAlreadyRecorded(DomainError):
    """The dispatch, or its person for that cohort and organization, is already in the roster (409)."""

    code = "placement.alumni_already_recorded"
    status_code = 409


def alumni_from_dispatch(*, actor: User, dispatch: Dispatch) -> AlumniRecord:
    """The alumni record of a dispatch recorded in the system (officers): linked to its applicant, who
    owns the name; cohort, organization and civil-servant flag from the application and the post, the
    outcome (with the organization and grade of the post it names) from the dispatch's outcome if
    recorded. Refused (409) when the dispatch, or the same person for that cohort and organization, is
    already in the roster."""
    if not access.is_officer(actor):
        raise PermissionDenied
    application = dispatch.application
    outcome = getattr(dispatch, "outcome", None)
    with transaction.atomic():
        Dispatch.objects.select_for_update().filter(pk=dispatch.pk).first()
        if (
            AlumniRecord.objects.filter(dispatch=dispatch).exists()
            or AlumniRecord.objects.filter(
                applicant_id=application.applicant_id,
                cohort_fiscal_year=application.cycle.fiscal_year,
                organization_id=dispatch.post.organization_id,
            ).exists()
        ):
            raise AlumniAlreadyRecorded(_("This person is already in the alumni roster for this cohort."))
        record = AlumniRecord.objects.create(
            applicant_id=application.applicant_id,
            dispatch=dispatch,
            cohort_fiscal_year=application.cycle.fiscal_year,
            organization_id=dispatch.post.organization_id,
            is_civil_servant=application.is_civil_servant,
            outcome=outcome.kind if outcome is not None else OutcomeKind.UNKNOWN,
            current_organization=(
                outcome.organization.code if outcome is not None and outcome.organization else ""
            ),
            current_grade=outcome.grade if outcome is not None else "",
        )
        audit_record(
            actor=actor,
            action="placement.alumni_from_dispatch",
            target=record,
            data={"dispatch": dispatch.pk},
        )
    return record

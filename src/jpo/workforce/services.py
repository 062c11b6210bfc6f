"""Writes of the workforce app: census imports (all or nothing, idempotent), reference data, organizations."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jpo.accounts.models import User
from jpo.accounts.services import audit_record
from jpo.core.tabular import ImportRefused, RowError, count_data_rows, read_rows
from jpo.leases import heartbeat, stale
from jpo.programme.models import Organization
from jpo.programme.services import census_partner_codes
from jpo.workforce import reference
from jpo.workforce.importing import (
    COLUMNS,
    DATA_DIR,
    KEY_FIELDS,
    UPDATE_COLUMNS,
    CensusValidator,
    RowValues,
    normalize_org_code,
    validated_rows,
)
from jpo.workforce.models import CensusImport, CensusRow, CensusSource, FormerJpoFigure, ImportStatus, Target

WRITE_CHUNK = 5_000
# (phase, rows done, rows expected or 0 if unknown)
Progress = Callable[[str, int, int], None]


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def census_import_create(
    *,
    content: bytes,
    file_name: str,
    source: str,
    actor: User | None,
    is_reference: bool = False,
    keep_content: bool = True,
) -> CensusImport:
    """Record an uploaded file (its provenance) before it is checked and imported."""
    if source not in CensusSource.values:
        raise ImportRefused([RowError(0, "source", _("Unknown source “%(source)s”.") % {"source": source})])
    return CensusImport.objects.create(
        file_name=file_name[:255],
        sha256=_sha256(content),
        source=source,
        imported_by=actor if actor is not None and actor.is_authenticated else None,
        row_count=count_data_rows(content=content, file_name=file_name),
        content=content if keep_content else None,
        is_reference=is_reference,
    )


RUNNING: list[str] = [ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.WRITING]


def _beat(census_import: CensusImport, **progress: Any) -> None:
    heartbeat(
        CensusImport,
        census_import.pk,
        now=timezone.now(),
        running=[ImportStatus.VALIDATING, ImportStatus.WRITING],
        **progress,
    )


def census_imports_expire(*, now: dt.datetime) -> int:
    """Mark failed the imports whose worker is gone (lease expired); the file can be uploaded again."""
    expired = 0
    stale_imports = CensusImport.objects.filter(
        stale(now=now, running=[ImportStatus.VALIDATING, ImportStatus.WRITING], queued=[ImportStatus.PENDING])
    ).only("pk", "status", "heartbeat_at", "created_at", "imported_by")
    for census_import in stale_imports:
        since = timezone.localtime(census_import.heartbeat_at or census_import.created_at)
        message = _(
            "The task worker stopped before finishing this import (no progress since %(time)s); "
            "nothing was imported. Upload the file again."
        ) % {"time": since.strftime("%Y-%m-%d %H:%M")}
        with transaction.atomic():
            if CensusImport.objects.filter(pk=census_import.pk, status=census_import.status).update(
                status=ImportStatus.FAILED,
                finished_at=now,
                errors=[{"row": "", "column": "", "message": message}],
                content=None,
            ):
                audit_record(
                    actor=None,
                    action="workforce.census_import_expired",
                    target=census_import,
                    data={"status": census_import.status},
                )
                expired += 1
    return expired


def _refuse(census_import: CensusImport, exc: ImportRefused) -> None:
    CensusImport.objects.filter(pk=census_import.pk).update(
        status=ImportStatus.REFUSED,
        errors=[e.as_dict() for e in exc.errors],
        finished_at=timezone.now(),
        content=None,
    )
    census_import.refresh_from_db()


def census_import_run(
    *,
    census_import: CensusImport,
    rows: Iterable[tuple[int, list[str]]] | Callable[[], Iterable[tuple[int, list[str]]]] | None = None,
    precheck: bool = False,
    on_progress: Progress | None = None,
) -> CensusImport:
    """Check every row and, only if all are good, write them in one transaction (insert or update by natural key).

    `rows` defaults to the stored file content. With `precheck`, rows are checked once outside the write
    transaction, committing progress as it goes (for the web progress bar), then read again and written.
    Raises ImportRefused (after marking the import refused) if any row is bad; nothing is written then.
    """

    def row_source() -> Iterable[tuple[int, list[str]]]:
        if rows is None:
            return read_rows(content=bytes(census_import.content or b""), file_name=census_import.file_name)
        return rows() if callable(rows) else rows

    total = census_import.row_count

    def report(phase: str, done: int) -> None:
        if on_progress is not None:
            on_progress(phase, done, total)

    try:
        if precheck:
            heartbeat(
                CensusImport,
                census_import.pk,
                now=timezone.now(),
                running=[ImportStatus.PENDING, ImportStatus.VALIDATING],
                status=ImportStatus.VALIDATING,
            )

            def checked(done: int) -> None:
                _beat(census_import, rows_checked=done)
                report("checking", done)

            validator = CensusValidator(source=census_import.source)
            for _row in validated_rows(row_source(), validator=validator, on_progress=checked):
                pass
            if validator.error_count:
                raise ImportRefused(validator.errors, error_count=validator.error_count)
            _beat(census_import, status=ImportStatus.WRITING, rows_checked=total or 0)
        written = _write_all(census_import=census_import, rows=row_source(), report=report)
    except ImportRefused as exc:
        _refuse(census_import, exc)
        raise
    census_import.refresh_from_db()
    report("done", written)
    return census_import


def _chunks(iterator: Iterator[RowValues], size: int) -> Iterator[list[RowValues]]:
    chunk: list[RowValues] = []
    for row in iterator:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def census_row_insert_sql(*, upsert: bool = True) -> str:
    """INSERT of checked rows, by default ON CONFLICT (natural key) DO UPDATE (SQLite 3.24+ and PostgreSQL).

    SQLite: one row of parameters, run for every row (executemany). PostgreSQL: one array parameter per
    column, sent in binary (%b) and unnested into rows, so a whole chunk is one statement and one round trip.
    Every name comes from the model and is quoted; values are bound parameters.
    """
    quote = connection.ops.quote_name
    table = quote(CensusRow._meta.db_table)
    columns = ", ".join(quote(c) for c in COLUMNS)
    if connection.vendor == "postgresql":
        fields = {f.column: f for f in CensusRow._meta.concrete_fields}
        arrays = ", ".join(f"%b::{fields[c].db_type(connection)}[]" for c in COLUMNS)
        sql = f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays})"  # noqa: S608
    else:
        placeholders = ", ".join(["%s"] * len(COLUMNS))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    if upsert:
        key = ", ".join(quote(c) for c in KEY_FIELDS)
        updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in UPDATE_COLUMNS)
        sql += f" ON CONFLICT ({key}) DO UPDATE SET {updates}"
    return sql


def census_rows_write(rows: list[RowValues], *, upsert: bool = True) -> None:
    """Write checked rows (COLUMNS order) in as few statements as the database allows, in the current
    transaction. On PostgreSQL this uses a server-side-binding psycopg cursor on Django's own connection
    (Django's cursors bind parameters on the client, which is slow for large arrays)."""
    sql = census_row_insert_sql(upsert=upsert)
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as raw:
            raw.execute(sql.encode(), [list(column) for column in zip(*rows, strict=True)])
    else:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _write_all(
    *, census_import: CensusImport, rows: Iterable[tuple[int, list[str]]], report: Callable[[str, int], None]
) -> int:
    """Check and write every row in one transaction; any bad row rolls back everything written before it."""
    validator = CensusValidator(source=census_import.source)
    written = 0
    with transaction.atomic():
        good = validated_rows(rows, validator=validator, census_import_id=census_import.pk)
        for chunk in _chunks(good, WRITE_CHUNK):
            if validator.error_count:
                continue  # keep checking to list every error, but write nothing more (rolled back below)
            census_rows_write(chunk)
            written += len(chunk)
            report("writing", written)
        if validator.error_count:
            raise ImportRefused(validator.errors, error_count=validator.error_count)
        if written == 0:
            raise ImportRefused([RowError(2, "", _("The file has no data rows."))])
        # Only an import still ours: one failed meanwhile (lease expired) rolls back here.
        heartbeat(
            CensusImport,
            census_import.pk,
            now=timezone.now(),
            running=RUNNING,
            status=ImportStatus.DONE,
            row_count=written,
            rows_checked=written,
            errors=[],
            finished_at=timezone.now(),
        )
        census_import.row_count = written
        audit_record(
            actor=census_import.imported_by,
            action="workforce.census_imported",
            target=census_import,
            data={
                "file": census_import.file_name,
                "sha256": census_import.sha256,
                "source": census_import.source,
                "rows": written,
            },
        )
    return written


def census_import_file(
    *,
    content: bytes,
    file_name: str,
    source: str,
    actor: User | None = None,
    on_progress: Progress | None = None,
    is_reference: bool = False,
) -> CensusImport:
    """Import one file now (the command line and the reference loader): provenance, checks, all-or-nothing write."""
    census_import = census_import_create(
        content=content,
        file_name=file_name,
        source=source,
        actor=actor,
        is_reference=is_reference,
        keep_content=False,
    )
    return census_import_run(
        census_import=census_import,
        rows=lambda: read_rows(content=content, file_name=file_name),
        on_progress=on_progress,
    )


# ---------------------------------------------------------------- organizations and reference data


def workforce_organization_get_or_create(*, ceb_code: str) -> tuple[Organization, bool]:
    """The programme's organization for a CEB code ("UN WOMEN" matches "UN-WOMEN" or "UNWOMEN"), created if missing."""
    wanted = normalize_org_code(ceb_code)
    for organization in Organization.objects.all():
        if normalize_org_code(organization.code) == wanted:
            _partner_link(organization, ceb_code)
            return organization, False
    name_en, name_ja, kind = reference.CEB_ORGANIZATIONS.get(ceb_code, (ceb_code, ceb_code, "other"))
    organization = Organization.objects.create(
        code=ceb_code.strip().upper().replace(" ", "-")[:20],
        name_en=name_en,
        name_ja=name_ja,
        kind=kind,
        source=_("Created from the CEB personnel statistics organization code %(code)s.")
        % {"code": ceb_code},
    )
    _partner_link(organization, ceb_code)
    return organization, True


def _partner_link(organization: Organization, ceb_code: str) -> None:
    """Link a statistics code to the partner it stands for (organizations.yaml `census_codes`), so the
    figures show the partner's name and pickers offer the partner once."""
    partner_code = census_partner_codes().get(ceb_code.strip().upper())
    if partner_code is None or organization.partner_id is not None or organization.code == partner_code:
        return
    partner = Organization.objects.filter(code=partner_code).first()
    if partner is not None:
        organization.partner = partner
        organization.save(update_fields=["partner"])


def _ceb_organization_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    """CEB organization_2019.csv (YEAR, ORG, ENTITY, STAFF) in the import format. A second row published
    under the same year, organization and entity (UNDP and WHO in 2019) is kept as variant "row2"."""
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    yield (
        1,
        [
            "reference_date",
            "reference_label",
            "organization",
            "entity",
            "nationality",
            "category",
            "grade",
            "sex",
            "variant",
            "headcount",
            "citation",
            "note",
        ],
    )
    seen: dict[tuple[str, str, str], int] = {}
    for number, row in enumerate(reader, start=2):
        year, org, entity = row["YEAR"].strip(), row["ORG"].strip(), row["ENTITY"].strip()
        entity = "" if entity == "NA" else entity
        occurrence = seen[(year, org, entity)] = seen.get((year, org, entity), 0) + 1
        variant = "" if occurrence == 1 else f"row{occurrence}"
        note = (
            _("The source publishes more than one row for this organization and year; all are kept.")
            if occurrence > 1 or (year, org) in {("2019", "UNDP"), ("2019", "WHO")}
            else ""
        )
        yield (
            number,
            [
                f"{year}-12-31",
                f"31 Dec {year}",
                org,
                entity,
                "ALL",
                "all",
                "ALL",
                "ALL",
                variant,
                row["STAFF"].strip(),
                reference.CEB_CITATION,
                note,
            ],
        )


def _already_loaded(*, sha256: str, source: str) -> bool:
    return CensusImport.objects.filter(
        sha256=sha256, source=source, status=ImportStatus.DONE, is_reference=True
    ).exists()


class Writer(Protocol):
    def write(self, msg: str, /) -> Any: ...


def _say(stdout: Writer | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def workforce_load_reference_data(*, stdout: Writer | None = None) -> dict[str, Any]:
    """Load the published series shipped with the app, the former-JPO figures and the targets. Idempotent:
    a file already loaded (same SHA-256) is skipped; targets edited since are left as they are."""
    summary: dict[str, Any] = {"files_loaded": 0, "files_skipped": 0, "organizations_created": 0}
    with transaction.atomic():
        created = 0
        for code in reference.CEB_ORGANIZATIONS:
            _org, was_created = workforce_organization_get_or_create(ceb_code=code)
            created += was_created
        summary["organizations_created"] = created
        _say(stdout, f"workforce: {created} organization(s) created from CEB codes")

        for file_name, source in reference.REFERENCE_FILES:
            content = (DATA_DIR / file_name).read_bytes()
            if _already_loaded(sha256=_sha256(content), source=source):
                summary["files_skipped"] += 1
                continue
            result = census_import_file(
                content=content, file_name=file_name, source=source, is_reference=True
            )
            summary["files_loaded"] += 1
            _say(stdout, f"workforce: {file_name}: {result.row_count} rows ({source})")

        ceb_content = (DATA_DIR / reference.CEB_ORGANIZATION_FILE).read_bytes()
        if _already_loaded(sha256=_sha256(ceb_content), source=CensusSource.CEB):
            summary["files_skipped"] += 1
        else:
            census_import = census_import_create(
                content=ceb_content,
                file_name=reference.CEB_ORGANIZATION_FILE,
                source=CensusSource.CEB,
                actor=None,
                is_reference=True,
                keep_content=False,
            )
            result = census_import_run(
                census_import=census_import, rows=lambda: _ceb_organization_rows(ceb_content)
            )
            summary["files_loaded"] += 1
            _say(stdout, f"workforce: {reference.CEB_ORGANIZATION_FILE}: {result.row_count} rows (ceb)")

        organizations = {o.code: o for o in Organization.objects.all()}
        by_norm = {normalize_org_code(code): o for code, o in organizations.items()}
        for (
            date,
            label,
            org_code,
            senior,
            former,
            of_staff,
            statement,
            citation,
        ) in reference.FORMER_JPO_FIGURES:
            organization = by_norm[normalize_org_code(org_code)] if org_code else None
            FormerJpoFigure.objects.update_or_create(
                reference_date=date,
                organization=organization,
                senior_only=senior,
                defaults={
                    "reference_label": label,
                    "former_jpos": former,
                    "of_staff": of_staff,
                    "statement": statement,
                    "citation": citation,
                },
            )
        targets_created = 0
        for spec in reference.TARGETS:
            fields = dict(spec)
            slug = str(fields.pop("slug"))
            _target, was_created = Target.objects.get_or_create(slug=slug, defaults=fields)
            targets_created += was_created
        summary["targets_created"] = targets_created
        _say(
            stdout,
            f"workforce: reference data ready ({summary['files_loaded']} file(s) loaded, "
            f"{summary['files_skipped']} already there, {targets_created} target(s) created)",
        )
    return summary

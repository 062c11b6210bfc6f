"""Backup and restore of the whole system: every table (as Django's JSON fixtures, so a backup made on
SQLite restores into PostgreSQL and back) and every document under MEDIA_ROOT, in one tar archive.

Archive layout: `manifest.json` (format, versions, row counts per table, SHA-256 per document),
`data.json` (`dumpdata --natural-foreign`, without content types and permissions, which `migrate`
recreates), `media/...` (the documents).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from jpo.core.errors import DomainError

FORMAT = "jpo-backup"
VERSION = 1
# Recreated by `migrate` in the target database; dumped rows refer to them by natural key.
EXCLUDED = ["contenttypes.contenttype", "auth.permission"]


class BackupError(DomainError):
    """The archive or the target cannot be used; the message says why. Nothing was written."""

    code = "backup.invalid"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_counts(*, using: str) -> dict[str, int]:
    """Rows per table of every model (many-to-many tables included) in database `using`."""
    existing = set(connections[using].introspection.table_names())
    counts: dict[str, int] = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if model._meta.proxy or not model._meta.managed or table not in existing or table in counts:
            continue
        counts[table] = model._base_manager.using(using).count()
    return dict(sorted(counts.items()))


def media_checksums(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): _sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def _applied_migrations(using: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationLoader(connections[using]).applied_migrations):
        applied.setdefault(app_label, []).append(name)
    return applied


def backup_write(*, output: Path, using: str = "default") -> dict[str, Any]:
    """Write the archive to `output` (through a temporary file, renamed at the end)."""
    media_root = Path(settings.MEDIA_ROOT)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jpo-backup-", dir=output.parent) as scratch:
        data = Path(scratch) / "data.json"
        # One repeatable-read view of the data where the database offers it: counts and rows agree.
        call_command(
            "dumpdata",
            natural_foreign=True,
            exclude=EXCLUDED,
            output=str(data),
            database=using,
            verbosity=0,
        )
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "database_vendor": connections[using].vendor,
            "migrations": _applied_migrations(using),
            "tables": table_counts(using=using),
            "media": media_checksums(media_root),
        }
        partial = Path(scratch) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            payload = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
            archive.add(data, arcname="data.json")
            for name in manifest["media"]:
                archive.add(media_root / name, arcname=f"media/{name}")
        shutil.move(partial, output)
    return manifest


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.getmember("manifest.json")
        handle = archive.extractfile(member)
        manifest = json.loads(handle.read()) if handle else None
    except (KeyError, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BackupError(
            _("no readable manifest.json in the archive (%(error)s)") % {"error": error}
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("not a jpo backup (manifest.json has no format “jpo-backup”)"))
    if manifest.get("version") != VERSION:
        raise BackupError(
            _("backup format version %(found)s; this jpo reads version %(version)s")
            % {"found": manifest.get("version"), "version": VERSION}
        )
    for key in ("migrations", "tables", "media"):
        if not isinstance(manifest.get(key), dict):
            raise BackupError(_("manifest.json: “%(key)s” is missing or not an object") % {"key": key})
    return manifest


def _check_migrations(manifest: dict[str, Any], using: str) -> None:
    known = set(MigrationLoader(connections[using], ignore_no_migrations=True).disk_migrations)
    newer = sorted(
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in known
    )
    if newer:
        raise BackupError(
            _("the backup was made by a newer version of jpo (unknown migrations: %(names)s)")
            % {"names": ", ".join(newer[:5])}
        )


def _check_empty(using: str, media_root: Path) -> None:
    excluded_tables = {apps.get_model(label)._meta.db_table for label in EXCLUDED}
    filled = {t: n for t, n in table_counts(using=using).items() if n and t not in excluded_tables}
    if filled:
        table, rows = next(iter(filled.items()))
        raise BackupError(
            _(
                "the database is not empty (%(rows)s rows in %(table)s, %(tables)s tables with rows): "
                "restore only into an empty database"
            )
            % {"rows": rows, "table": table, "tables": len(filled)}
        )
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(
            _("the documents directory %(path)s is not empty: restore only into an empty one")
            % {"path": media_root}
        )


def _safe_media_members(archive: tarfile.TarFile, manifest: dict[str, Any]) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        if not member.name.startswith("media/"):
            continue
        relative = PurePosixPath(member.name).relative_to("media")
        if not member.isfile() or relative.is_absolute() or ".." in relative.parts:
            raise BackupError(_("%(name)s: not a plain file inside media/") % {"name": member.name})
        if relative.as_posix() not in manifest["media"]:
            raise BackupError(_("%(name)s: a document the manifest does not list") % {"name": member.name})
        members.append(member)
    missing = set(manifest["media"]) - {
        PurePosixPath(m.name).relative_to("media").as_posix() for m in members
    }
    if missing:
        raise BackupError(
            _("%(count)s documents listed in the manifest are missing, e.g. %(name)s")
            % {"count": len(missing), "name": sorted(missing)[0]}
        )
    return members


def restore_read(*, source: Path, using: str = "default") -> dict[str, Any]:
    """Restore the archive into the empty database `using` and the empty MEDIA_ROOT, then verify both."""
    media_root = Path(settings.MEDIA_ROOT)
    if not source.is_file():
        raise BackupError(_("%(path)s: no such file") % {"path": source})
    try:
        archive = tarfile.open(source, "r:*")  # noqa: SIM115 - closed by the `with` below
    except (tarfile.TarError, OSError) as error:
        raise BackupError(
            _("%(path)s: not a tar archive (%(error)s)") % {"path": source, "error": error}
        ) from None
    with archive, tempfile.TemporaryDirectory(prefix="jpo-restore-") as scratch:
        manifest = _read_manifest(archive)
        _check_migrations(manifest, using)
        media_members = _safe_media_members(archive, manifest)
        try:
            data_member = archive.getmember("data.json")
        except KeyError:
            raise BackupError(_("the archive has no data.json")) from None
        _check_empty(using, media_root)
        # Documents first, into a scratch directory: checked before anything is written to the database.
        staged = Path(scratch) / "media"
        for member in media_members:
            target = staged / PurePosixPath(member.name).relative_to("media")
            target.parent.mkdir(parents=True, exist_ok=True)
            handle = archive.extractfile(member)
            assert handle is not None
            with target.open("wb") as out:
                shutil.copyfileobj(handle, out)
        if media_checksums(staged) != manifest["media"]:
            raise BackupError(_("a document in the archive does not match its SHA-256 in the manifest"))
        archive.extract(data_member, scratch, filter="data")
        call_command("migrate", database=using, verbosity=0, interactive=False)
        excluded_tables = {apps.get_model(label)._meta.db_table for label in EXCLUDED}
        with transaction.atomic(using=using):  # all rows or none
            call_command("loaddata", str(Path(scratch) / "data.json"), database=using, verbosity=0)
            counts = table_counts(using=using)
            different = {
                table: (rows, counts.get(table))
                for table, rows in manifest["tables"].items()
                if counts.get(table) != rows and table not in excluded_tables
            }
            if different:
                raise BackupError(
                    _("restored row counts differ from the backup’s: %(tables)s") % {"tables": different}
                )
        media_root.mkdir(parents=True, exist_ok=True)
        for path in sorted(staged.rglob("*")):
            if path.is_file():
                target = media_root / path.relative_to(staged)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(path, target)
    return manifest

"""`jpo backup` / `jpo restore`: the demo data and documents round-trip into an empty database."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from jpo.web.backup import media_checksums, table_counts

pytestmark = pytest.mark.django_db

TARGET = "restore_target"


@pytest.fixture
def empty_database(tmp_path: Path, django_db_blocker: Any) -> Iterator[str]:
    """A second, empty database of the same kind as the test database (a file, or a PostgreSQL db)."""
    default = connections["default"].settings_dict
    target = {**default, "TEST": {}}
    created = None
    if connections["default"].vendor == "postgresql":
        import psycopg

        created = f"{default['NAME']}_restore"
        admin = {
            k: v
            for k, v in {
                "host": default["HOST"],
                "port": default["PORT"],
                "user": default["USER"],
                "password": default["PASSWORD"],
            }.items()
            if v
        }
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{created}"')
            conn.execute(f'CREATE DATABASE "{created}"')
        target["NAME"] = created
    else:
        target["NAME"] = str(tmp_path / "restored.sqlite3")
    connections.settings[TARGET] = target
    with django_db_blocker.unblock():
        yield TARGET
        connections[TARGET].close()
    del connections.settings[TARGET]
    if created:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{created}"')


def _checksums(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_backup_restores_into_an_empty_database_with_every_row_and_document(
    tmp_path: Path, settings: Any, empty_database: str, capsys: Any
) -> None:
    from jpo.applications.models import Application, Document

    call_command("demo", seed=7, scale=0.01, verbosity=0, stdout=io.StringIO())
    application = Application.objects.filter(documents__isnull=False).order_by("pk").first()
    assert application is not None  # the demo stores real PDF files for its applicants
    before_rows = table_counts(using="default")
    before_media = _checksums(Path(settings.MEDIA_ROOT))
    assert len(before_media) == Document.objects.count() > 0 and sum(before_rows.values()) > 1000

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    assert f"{len(before_media)} documents" in capsys.readouterr().out

    settings.MEDIA_ROOT = tmp_path / "restored-media"
    call_command("restore", str(archive), database=empty_database)
    assert "SHA-256 checked" in capsys.readouterr().out

    assert table_counts(using=empty_database) == before_rows
    assert _checksums(Path(settings.MEDIA_ROOT)) == before_media
    restored = Document.objects.using(empty_database).filter(application=application.pk).first()
    assert restored is not None
    stored_as = str(restored.file.name)
    assert (Path(settings.MEDIA_ROOT) / stored_as).read_bytes() == (
        tmp_path / "media" / stored_as
    ).read_bytes()
    # Primary keys survive, so links (/portal/applications/<id>/) keep working after a restore.
    assert Application.objects.using(empty_database).filter(pk=application.pk).exists()


def test_restore_refuses_a_database_that_is_not_empty(tmp_path: Path, make_user: Any) -> None:
    make_user("officer")
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive))
    assert refused.value.returncode == 2 and "not empty" in str(refused.value)


def _archive(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, payload in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
    return path


MANIFEST = {"format": "jpo-backup", "version": 1, "migrations": {}, "tables": {}, "media": {}}


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (None, "no such file"),
        ({}, "no readable manifest.json"),
        ({"manifest.json": b"{not json"}, "no readable manifest.json"),
        ({"manifest.json": json.dumps({"format": "other"}).encode()}, "not a jpo backup"),
        ({"manifest.json": json.dumps({**MANIFEST, "version": 9}).encode()}, "version 9"),
        (
            {"manifest.json": json.dumps({**MANIFEST, "migrations": {"accounts": ["9999_future"]}}).encode()},
            "newer version of jpo",
        ),
        ({"manifest.json": json.dumps(MANIFEST).encode()}, "no data.json"),
        (
            {"manifest.json": json.dumps(MANIFEST).encode(), "data.json": b"[]", "media/../../etc/x": b"x"},
            "not a plain file inside media/",
        ),
        (
            {
                "manifest.json": json.dumps({**MANIFEST, "media": {"a.pdf": "0" * 64}}).encode(),
                "data.json": b"[]",
            },
            "missing",
        ),
    ],
)
def test_bad_archives_exit_2_naming_the_problem(tmp_path: Path, members: Any, message: str) -> None:
    path = tmp_path / "in.tar.gz"
    if members is not None:
        _archive(path, members)
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path))
    assert refused.value.returncode == 2
    assert message in str(refused.value) and "nothing was restored" in str(refused.value)


def test_a_file_that_is_not_an_archive_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path))
    assert refused.value.returncode == 2 and "not a tar archive" in str(refused.value)


def test_backup_refuses_to_overwrite(tmp_path: Path) -> None:
    existing = tmp_path / "old.tar.gz"
    existing.write_bytes(b"keep me")
    with pytest.raises(CommandError) as refused:
        call_command("backup", str(existing))
    assert refused.value.returncode == 2 and existing.read_bytes() == b"keep me"
    assert media_checksums(tmp_path / "nothing") == {}


def test_messages_follow_the_site_language(tmp_path: Path) -> None:
    """`jpo backup` and `jpo restore` run as a user runs them, with the site language Japanese."""
    import os
    import subprocess

    jpo = Path(__file__).resolve().parents[4] / ".venv" / "bin" / "jpo"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jpo.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'jpo.sqlite3'}",
        "JPO_LANGUAGE": "ja",
    }
    existing = tmp_path / "old.tar.gz"
    existing.write_bytes(b"keep me")
    for args, expected in (
        (["restore", str(tmp_path / "missing.tar.gz")], "ファイルがありません。何も復元されていません"),
        (["backup", str(existing)], "すでに存在します。別のファイル名を指定してください"),
    ):
        result = subprocess.run([str(jpo), *args], capture_output=True, text=True, env=env, timeout=120)
        assert result.returncode == 2
        assert expected in result.stderr and "Traceback" not in result.stderr

"""`jpo backup OUTPUT`: the database and the documents in one archive (see jpo/web/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jpo.web.backup import backup_write


class Command(BaseCommand):
    help = "Write the whole database and every document (MEDIA_ROOT) to one archive (.tar.gz)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", help="the archive to write, e.g. jpo-2026-12-01.tar.gz")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        if output.exists():
            raise CommandError(f"{output}: already exists; choose a new file name", returncode=2)
        if output.parent.exists() and not output.parent.is_dir():
            raise CommandError(f"{output.parent}: not a directory", returncode=2)
        manifest = backup_write(output=output, using=options["database"])
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{output}: {rows} rows in {len(manifest['tables'])} tables, {len(manifest['media'])} documents"
        )

"""`jpo backup OUTPUT`: the database and the documents in one archive (see jpo/web/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jpo.web.backup import backup_write


class Command(BaseCommand):
    help = "Write the whole database and every document (MEDIA_ROOT) to one archive (.tar.gz)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", help="the archive to write, e.g. jpo-2026-12-01.tar.gz")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        if output.exists():
            raise CommandError(
                _("%(path)s: already exists; choose a new file name") % {"path": output}, returncode=2
            )
        if output.parent.exists() and not output.parent.is_dir():
            raise CommandError(_("%(path)s: not a directory") % {"path": output.parent}, returncode=2)
        manifest = backup_write(output=output, using=options["database"])
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            _("%(path)s: %(rows)s rows in %(tables)s tables, %(documents)s documents")
            % {
                "path": output,
                "rows": rows,
                "tables": len(manifest["tables"]),
                "documents": len(manifest["media"]),
            }
        )

"""`jpo restore INPUT`: an archive of `jpo backup` into an empty database and documents directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jpo.web.backup import BackupError, restore_read


class Command(BaseCommand):
    help = "Restore a jpo backup into an empty database and an empty MEDIA_ROOT, then check both."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", help="an archive written by `jpo backup`")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = restore_read(source=Path(options["input"]), using=options["database"])
        except BackupError as error:
            raise CommandError(
                _("%(path)s: %(error)s; nothing was restored") % {"path": options["input"], "error": error},
                returncode=2,
            ) from None
        self.stdout.write(
            _(
                "restored %(rows)s rows in %(tables)s tables and %(documents)s documents (row counts and "
                "SHA-256 checked)"
            )
            % {
                "rows": sum(manifest["tables"].values()),
                "tables": len(manifest["tables"]),
                "documents": len(manifest["media"]),
            }
        )

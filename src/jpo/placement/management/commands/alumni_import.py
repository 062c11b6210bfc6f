"""`jpo alumni_import FILE`: import the alumni roster (CSV or XLSX), all or nothing; exit status 2 on bad rows."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jpo.placement.services.alumni import AlumniImportError, alumni_import


class Command(BaseCommand):
    help = "Import former JPOs (since 1974) from a CSV or XLSX file; nothing is written if any row is wrong."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            self.stderr.write(f"{path}: no such file")
            sys.exit(2)
        try:
            batch = alumni_import(actor=None, name=path.name, content=path.read_bytes())
        except AlumniImportError as error:
            for problem in error.errors:
                self.stderr.write(str(problem))
            self.stderr.write("nothing imported")
            sys.exit(2)
        self.stdout.write(f"{batch.row_count} alumni imported from {path.name}")

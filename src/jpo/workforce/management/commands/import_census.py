"""`jpo import_census FILE --source mofa|ceb|un_secretariat|press`: check and import a census file (all or nothing)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jpo.accounts.models import User
from jpo.core.tabular import ImportRefused
from jpo.workforce.models import CensusSource
from jpo.workforce.services import census_import_file


class Command(BaseCommand):
    help = "Import a census CSV or XLSX file. Refuses the whole file (exit status 2) if any row is bad."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", required=True, choices=CensusSource.values)
        parser.add_argument("--user", help="username recorded as the importer (default: none)")
        parser.add_argument("--no-progress", action="store_true", help="do not print progress on stderr")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            self.stderr.write(f"error: {path}: no such file")
            sys.exit(2)
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"unknown user {options['user']!r}", returncode=2)
        content = path.read_bytes()
        show = not options["no_progress"]
        err = sys.stderr

        def progress(phase: str, done: int, total: int) -> None:
            if not show:
                return
            share = f" ({100 * done // total}%)" if total else ""
            err.write(f"\r{phase}: {done:,}/{total:,} rows{share}   ")
            err.flush()

        try:
            result = census_import_file(
                content=content,
                file_name=path.name,
                source=options["source"],
                actor=actor,
                on_progress=progress,
            )
        except ImportRefused as exc:
            if show:
                err.write("\n")
            self.stderr.write(f"error: {path.name} refused, nothing imported ({exc.error_count} problem(s)):")
            for e in exc.errors:  # every one of them
                column = f" [{e.column}]" if e.column else ""
                self.stderr.write(f"  row {e.row}{column}: {e.message}")
            sys.exit(2)
        if show:
            err.write("\n")
        self.stdout.write(
            f"imported {result.row_count} rows from {path.name} (source {result.source}, sha256 {result.sha256[:12]}…, import #{result.pk})"
        )

"""Shared pieces of `jpo project` and `jpo backtest`: one-line errors with exit status 2, scenario files, CSV."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jpo.projections.scenario import Scenario, ScenarioError, parse
from jpo.safety.cells import write_csv

EXIT_BAD_INPUT = 2


class OneLineErrorParser(CommandParser):
    """argparse errors: one line on stderr and exit status 2 (never usage text over several lines)."""

    def error(self, message: str) -> NoReturn:
        if getattr(self, "called_from_command_line", False):
            self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see --help)\n")
        raise CommandError(message, returncode=EXIT_BAD_INPUT)


class ProjectionCommand(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = OneLineErrorParser
        return parser


def bad_input(message: str) -> CommandError:
    return CommandError(message, returncode=EXIT_BAD_INPUT)


def read_scenario(path: str | None) -> Scenario:
    """The scenario in a YAML file (keys of `jpo.projections.scenario.Scenario`); exit 2 naming what is wrong."""
    if path is None:
        return Scenario()
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as error:
        raise bad_input(f"{path}: cannot read the file ({error.strerror})") from None
    except UnicodeDecodeError:
        raise bad_input(f"{path}: not UTF-8 text") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise bad_input(f"{path}: not valid YAML{where}") from None
    try:
        return parse(data)
    except ScenarioError as error:
        raise bad_input(f"{path}: {error}") from None


def csv_text(sections: Iterable[list[list[Any]]]) -> str:
    """Sections of rows (the first of each is its header), separated by an empty line; text cells that a
    spreadsheet would run as formulas (a scenario named "=...") are kept as text."""
    return "\n".join(write_csv(rows, lineterminator="\n") for rows in sections)

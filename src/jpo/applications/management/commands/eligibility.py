"""`jpo eligibility PROFILE.json --cycle FY2022 [--format json|text] [--lang en|ja]`

A stable contract that other tools script against (docs/operators.md):
exit 0 every criterion passed, 1 at least one failed, 3 none failed but some need review,
2 bad input (unreadable file, invalid JSON, a missing or malformed field, a bad or unknown cycle),
with one line on stderr naming what is wrong. Stores nothing. A cycle's published rule set (database)
governs it, as in screening and the portal; without a database, or without a published rule set, the
policy files do. In the JSON, "eligible" is true, false, or null when the outcome is needs_review.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from jpo.policy import (
    CRITERION_TITLES,
    DECISION_LABELS,
    OUTCOME_LABELS,
    CycleFormatError,
    Decision,
    Overlay,
    ProfileError,
    UnknownCycleError,
    evaluate,
)
from jpo.policy.text import REPORT_TITLE, RESULT_LABEL, RULES_VERSION_LABEL, fy_en, fy_ja
from jpo.safety.jsonio import MAX_JSON_BYTES, JSONInputError, load_json

EXIT_ELIGIBLE = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_NEEDS_REVIEW = 3


def exit_status(decision: Decision) -> int:
    return {"eligible": EXIT_ELIGIBLE, "not_eligible": EXIT_FAILED, "needs_review": EXIT_NEEDS_REVIEW}[
        decision.outcome
    ]


def cycle_rules(cycle: str) -> Overlay | None:
    """The published rule set of the cycle, or None (the policy files), also when there is no database."""
    from jpo.programme.rules.selectors import effective_rules

    try:
        return effective_rules(cycle)
    except DatabaseError:  # no database, or not migrated: the policy files alone
        return None


class _OneLineErrorParser(CommandParser):
    """argparse errors: one line on stderr and exit status 2 (never usage text over several lines)."""

    def error(self, message: str) -> NoReturn:
        if getattr(self, "called_from_command_line", False):
            self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see --help)\n")
        raise CommandError(f"Error: {message}", returncode=EXIT_BAD_INPUT)


def read_profile(path: str) -> Any:
    """The profile's JSON from a file ('-' for standard input); CommandError (exit 2) naming the problem.

    Limits (size, nesting, numbers, NUL characters) are those of the API: see `jpo.safety.jsonio`.
    """
    try:
        if path == "-":
            raw = sys.stdin.buffer.read(MAX_JSON_BYTES + 1)
        else:
            with Path(path).open("rb") as handle:
                raw = handle.read(MAX_JSON_BYTES + 1)
    except OSError as error:
        raise CommandError(
            f"{path}: cannot read the file ({error.strerror})", returncode=EXIT_BAD_INPUT
        ) from None
    try:
        return load_json(raw)
    except JSONInputError as error:
        raise CommandError(f"{path}: {error}", returncode=EXIT_BAD_INPUT) from None


def render_text(decision: Decision, lang: str) -> str:
    if lang == "en":
        header = f"{REPORT_TITLE['en']}, {fy_en(decision.fiscal_year)} ({RULES_VERSION_LABEL['en']} {decision.rules_version})"
        colon = ": "
    else:
        header = f"{REPORT_TITLE['ja']}　{fy_ja(decision.fiscal_year)}（{RULES_VERSION_LABEL['ja']} {decision.rules_version}）"
        colon = "："
    lines = [header, ""]
    for criterion in decision.criteria:
        lines.append(f"[{OUTCOME_LABELS[criterion.outcome][lang]}] {criterion.message[lang]}")
    lines += ["", f"{RESULT_LABEL[lang]}{colon}{DECISION_LABELS[decision.outcome][lang]}"]
    assert set(CRITERION_TITLES) >= {c.id for c in decision.criteria}
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Check an applicant profile (JSON) against the eligibility rules of a cycle. Exit status: 0 eligible, "
        "1 a criterion failed, 3 needs review, 2 bad input."
    )
    requires_system_checks: list[str] = []  # pure computation: no database, no models

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = _OneLineErrorParser
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("profile", metavar="PROFILE.json", help="the applicant profile ('-' reads stdin)")
        parser.add_argument("--cycle", required=True, help="the cycle, e.g. FY2022")
        parser.add_argument("--format", choices=("json", "text"), default="text", dest="output_format")
        default_lang = "ja" if str(settings.LANGUAGE_CODE).startswith("ja") else "en"
        parser.add_argument("--lang", choices=("en", "ja"), default=default_lang)

    def handle(self, *args: Any, **options: Any) -> None:
        data = read_profile(options["profile"])
        try:
            decision = evaluate(data, options["cycle"], rules=cycle_rules(options["cycle"]))
        except ProfileError as error:
            raise CommandError(f"{options['profile']}: {error}", returncode=EXIT_BAD_INPUT) from None
        except (CycleFormatError, UnknownCycleError) as error:
            raise CommandError(f"--cycle: {error}", returncode=EXIT_BAD_INPUT) from None
        if options["output_format"] == "json":
            self.stdout.write(json.dumps(decision.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_text(decision, options["lang"]))
        self.stdout.flush()
        status = exit_status(decision)
        if status != EXIT_ELIGIBLE:
            sys.exit(status)

"""`jpo rules show|load|publish`: a cycle's rule set from the command line (docs/officer.md, operators.md).

    jpo rules show --cycle FY2026 [--format yaml|json] [--draft | --published]
        prints {cycle, status: published|draft|history, parameters: {NAME: {value, source: {label, url},
        note, ...}}} with every parameter the policy knows, values in the policy YAML files' format.
        Default: the newest (the draft if there is one, else the published rule set, else the history).
    jpo rules load FILE.yaml          ('-' reads stdin; JSON is accepted too)
        creates or replaces the draft of the cycle named in the file (creating the cycle if needed);
        `status` is ignored.
    jpo rules publish --cycle FY2027 [--confirm-unknown]
        publishes the draft; refuses one that leaves an eligibility criterion's parameter unknown
        unless --confirm-unknown (those applications then go to review).

Exit 0 done; 2 bad input or refused (one line on stderr naming the parameter and what is wrong; nothing
written).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jpo import policy
from jpo.programme.rules.documents import dump_rule_set_document
from jpo.programme.rules.errors import RuleSetError
from jpo.programme.rules.selectors import draft_rule_set, rule_set_diff, rule_set_document
from jpo.programme.rules.services import rule_set_load, rule_set_publish

EXIT_BAD_INPUT = 2
MAX_FILE_BYTES = 1_000_000  # a rule set is a few kilobytes


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=EXIT_BAD_INPUT)


def read_document(path: str) -> Any:
    """The YAML (or JSON) document of FILE; CommandError (exit 2) naming what is wrong."""
    try:
        if path == "-":
            raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        else:
            with Path(path).open("rb") as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise _fail(f"{path}: cannot read the file ({error.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise _fail(f"{path}: larger than {MAX_FILE_BYTES:,} bytes; a rule set is a few kilobytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(f"{path}: not UTF-8 text") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise _fail(f"{path}: invalid YAML{where}: {problem}") from None


class Command(BaseCommand):
    help = "Show, load or publish the rule set of a cycle (exit status 2 on bad input, nothing written)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{show,load,publish}")
        show = actions.add_parser("show", help="print a cycle's rule set")
        show.add_argument("--cycle", required=True, help="the cycle, e.g. FY2026")
        show.add_argument("--format", choices=("yaml", "json"), default="yaml", dest="output_format")
        which = show.add_mutually_exclusive_group()
        which.add_argument("--draft", action="store_true", help="the draft only")
        which.add_argument("--published", action="store_true", help="what governs: published, else history")
        load = actions.add_parser("load", help="create or replace the draft of the cycle named in FILE")
        load.add_argument("file", metavar="FILE.yaml", help="the rule set ('-' reads stdin)")
        publish = actions.add_parser("publish", help="publish the draft of a cycle")
        publish.add_argument("--cycle", required=True, help="the cycle, e.g. FY2027")
        publish.add_argument(
            "--confirm-unknown",
            action="store_true",
            help="publish even if a criterion's parameter is unknown (those applications go to review)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except RuleSetError as error:
            raise _fail(str(error)) from None
        except (policy.CycleFormatError, policy.UnknownCycleError) as error:
            raise _fail(f"--cycle: {error}") from None

    def _show(self, options: dict[str, Any]) -> None:
        draft = True if options["draft"] else (False if options["published"] else None)
        document = rule_set_document(options["cycle"], draft=draft)
        self.stdout.write(dump_rule_set_document(document, options["output_format"]), ending="")

    def _load(self, options: dict[str, Any]) -> None:
        rule_set = rule_set_load(data=read_document(options["file"]), actor=None)
        label, diffs = rule_set_diff(rule_set)
        changed = [d.name for d in diffs if d.changed]
        self.stdout.write(
            f"{rule_set.cycle.code}: draft rule set loaded ({len(diffs)} parameters; "
            f"different from the {label}: {', '.join(changed) or 'none'})"
        )

    def _publish(self, options: dict[str, Any]) -> None:
        code = policy.cycle_code(policy.parse_cycle(options["cycle"], known=False))
        draft = draft_rule_set(code)
        if draft is None:
            raise _fail(f"{code} has no draft rule set to publish (load one with jpo rules load)")
        try:
            published = rule_set_publish(
                rule_set=draft, actor=None, confirm_unknown=options["confirm_unknown"]
            )
        except RuleSetError as error:
            if error.unknown:
                raise _fail(f"{error}: use --confirm-unknown") from None
            raise
        unknown = (
            f"; unknown, to review: {', '.join(published.unknown_confirmed)}"
            if published.unknown_confirmed
            else ""
        )
        self.stdout.write(f"{code}: rule set published{unknown}")

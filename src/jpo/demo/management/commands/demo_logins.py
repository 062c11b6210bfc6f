"""`jpo demo_logins`: print the demo accounts (role, username, password, synthetic name, what they can see)."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from jpo.accounts.models import Role, User
from jpo.core.names import person_name
from jpo.demo.logins import DEMO_LOGINS, DEMO_PASSWORD


def _width(text: str) -> int:
    """Columns a string takes in a terminal (East Asian wide characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "Print the demo logins created by `jpo demo` (development databases only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--markdown", action="store_true", help="Print a Markdown table (for the README)."
        )
        parser.add_argument(
            "--lang",
            choices=[code for code, _ in settings.LANGUAGES],
            default=None,
            help="Language of the table.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"] or settings.LANGUAGE_CODE):
            rows = [
                (
                    str(Role(login.role).label) + (" (superuser)" if login.is_superuser else ""),
                    login.username,
                    DEMO_PASSWORD,
                    _("%(name)s (synthetic name)")
                    % {"name": person_name(login.family_name, login.given_name)}
                    if login.family_name
                    else "",
                    str(login.sees),
                )
                for login in DEMO_LOGINS
            ]
        header: tuple[str, ...] = ("Role", "Username", "Password", "Name", "Can see")
        if options["markdown"]:
            self.stdout.write("| " + " | ".join(header) + " |")
            self.stdout.write("|" + "---|" * len(header))
            for row in rows:
                cells = [f"`{c}`" if i in (1, 2) else c for i, c in enumerate(row)]
                self.stdout.write("| " + " | ".join(cells) + " |")
            return
        widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
        self.stdout.write("Demo logins (demo data only; the password is public, never use it in production):")
        table: list[tuple[str, ...]] = [header, tuple("-" * w for w in widths), *rows]
        for line in table:
            self.stdout.write("  ".join(_pad(c, w) for c, w in zip(line, widths, strict=True)).rstrip())
        usernames = [login.username for login in DEMO_LOGINS]
        present = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
        missing = sorted(set(usernames) - present)
        if missing:
            self.stdout.write(
                self.style.WARNING(f"Not in this database yet: {', '.join(missing)}. Run `jpo demo`.")
            )

"""`jpo demo_logins`: print the demo accounts (role, username, password, what they can see)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jpo.accounts.models import Role, User
from jpo.programme.demo.logins import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo logins created by `jpo demo` (development databases only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--markdown", action="store_true", help="Print a Markdown table (for the README).")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = [
            (str(Role(login.role).label) + (" (superuser)" if login.is_superuser else ""), login.username,
             DEMO_PASSWORD, str(login.sees))
            for login in DEMO_LOGINS
        ]
        header = ("Role", "Username", "Password", "Can see")
        if options["markdown"]:
            self.stdout.write("| " + " | ".join(header) + " |")
            self.stdout.write("|" + "---|" * len(header))
            for row in rows:
                self.stdout.write("| " + " | ".join(f"`{c}`" if i in (1, 2) else c for i, c in enumerate(row)) + " |")
            return
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        line = "  ".join("{:<%d}" % w for w in widths)
        self.stdout.write("Demo logins (demo data only; the password is public, never use it in production):")
        self.stdout.write(line.format(*header))
        self.stdout.write(line.format(*("-" * w for w in widths)))
        for row in rows:
            self.stdout.write(line.format(*row))
        missing = {login.username for login in DEMO_LOGINS} - set(
            User.objects.filter(username__in=[login.username for login in DEMO_LOGINS]).values_list(
                "username", flat=True
            )
        )
        if missing:
            self.stdout.write(self.style.WARNING(f"Not in this database yet: {', '.join(sorted(missing))}. Run `jpo demo`."))

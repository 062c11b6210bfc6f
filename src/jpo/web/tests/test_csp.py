"""Content-Security-Policy: scripts and styles only from our static files. Every template is free of
inline scripts, event-handler attributes and inline styles, and real pages raise no CSP violation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from jpo.accounts.models import Role

SRC = Path(__file__).resolve().parents[2]
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I), "event-handler attribute (onclick= ...)"),
    (re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"<style[\s>]", re.I), "<style> block"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def _templates() -> list[Path]:
    # SVG templates too: charts are inlined into pages, where the policy applies to them as well.
    found = [*SRC.rglob("templates/**/*.html"), *SRC.rglob("templates/**/*.svg")]
    return sorted(p for p in found if ".venv" not in p.parts)


def test_templates_hold_no_inline_script_or_style() -> None:
    found = []
    for path in _templates():
        text = re.sub(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", "", path.read_text(), flags=re.S)
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(SRC)}:{line}: {what}")
    assert len(_templates()) > 20
    assert found == [], "move these into static files (see docs/operators.md):\n" + "\n".join(found)


@pytest.mark.django_db
def test_pages_carry_the_policy(client: Client) -> None:
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def _violations(page: Any) -> list[str]:
    messages: list[str] = []
    page.on(
        "console",
        lambda message: messages.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return messages


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_raise_no_csp_violation(page: Any, make_user: Any) -> None:
    violations = _violations(page)
    page.goto("/")
    page.goto("/accounts/signup/")
    page.locator("#main form button[type=submit]").first.click()  # empty: errors
    page.wait_for_selector("#error-summary")
    # The focus moved to the error summary: the page's script (a static file) ran.
    assert page.evaluate("document.activeElement && document.activeElement.id") == "error-summary"

    make_user(Role.OFFICER, username="officer", password="a-long-test-password", is_superuser=True)
    page.goto("/accounts/login/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", "a-long-test-password")
    page.locator("#main form button[type=submit]").click()
    page.wait_for_selector(".whoami")
    links = page.eval_on_selector_all(".side-nav a", "links => links.map(a => a.getAttribute('href'))")
    assert links
    for href in [*links, "/admin/", "/api/docs"]:
        page.goto(href)
        page.wait_for_load_state("networkidle")
    assert violations == [], "\n".join(violations)

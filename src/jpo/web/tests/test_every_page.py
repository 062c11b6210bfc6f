"""Every page of every role, read in Japanese on the demo's data: nothing answers 500, and no page shows an
English sentence (text marked lang="en" or translate="no" is allowed: proper names, codes and citations
quoted as published), "None", a snake_case identifier, a reference to the team's notes or issues, empty
parentheses or a fiscal year written FY2026.

The demo is loaded once for the module at a small scale inside a transaction rolled back at the end. The
pages are found by following links from each person's home page (one page per URL pattern), so pages added
later are read without changing this test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from jpo.accounts.models import User
from jpo.web.crawl import Page, crawl
from jpo.web.wording import wording_problems

ROLES = ("officer", "applicant", "reviewer", "interviewer", "focal-undp", "ministry-hr", "analyst")
PUBLIC_START = (
    "/",
    "/calls/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password-reset/",
    "/about/",
)


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[None]:
    settings = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"),
    )
    with django_db_blocker.unblock(), settings, transaction.atomic():
        call_command("demo", "--seed", "2026", "--scale", "0.1", stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield
        transaction.set_rollback(True)


def pages_of(username: str | None, language: str) -> list[Page]:
    client = Client()
    client.cookies["jpo_language"] = language
    if username is not None:
        client.force_login(User.objects.get(username=username))

    def get(url: str) -> tuple[int, str]:
        response = client.get(url)
        html = response.content.decode("utf-8", "replace")
        return response.status_code, html if response.get("Content-Type", "").startswith("text/html") else ""

    start = ("/",) if username is not None else PUBLIC_START
    return list(crawl(get, start=start))


@pytest.mark.django_db
@pytest.mark.parametrize("username", [*ROLES, None])
def test_every_page_reads_in_japanese(demo: None, username: str | None) -> None:
    pages = pages_of(username, "ja")
    assert len(pages) >= (3 if username in (None, "reviewer", "interviewer") else 4), [p.url for p in pages]
    failures = [f"{page.url} answered {page.status}" for page in pages if page.status >= 500]
    for page in pages:
        failures.extend(f"{page.url}: {problem}" for problem in wording_problems(page.html))
    assert not failures, "\n".join(failures)


def test_the_checker_sees_what_it_must() -> None:
    bad = (
        "<p>受付番号 None</p><p>experience_months の条件</p><p>FACTS §3.3 による</p><p>期限（）</p>"
        "<p>FY2026</p><p>Choose the organization you prefer most.</p>"
    )
    found = " ".join(wording_problems(bad))
    for kind in ("None", "identifier", "internal reference", "empty parentheses", "fiscal year", "English"):
        assert kind in found
    allowed = (
        '<p lang="en">The Japan News, 11 Mar 2019</p><p>出典：<span translate="no">share published, no count</span>'
        "</p><p>UNDP・WFP</p><p>{{ applicant_name }} 様</p><code>reference_date</code><p>2026年度</p>"
    )
    assert wording_problems(allowed) == []

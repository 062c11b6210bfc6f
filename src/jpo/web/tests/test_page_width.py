"""No page is wider than the screen: every page of every role (the demo's data, links followed from each
home page) opened in Chromium at a laptop's width (1366 px) and a phone's (390 px), in Japanese and in
English. A page fails when the document scrolls sideways (document.documentElement.scrollWidth >
innerWidth); a wide table may scroll inside its own box."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from jpo.accounts.models import User
from jpo.web.crawl import crawl

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ("officer", "applicant", "reviewer", "interviewer", "focal-undp", "ministry-hr", "analyst", None)
WIDTHS = (1366, 390)
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def _urls(username: str | None) -> tuple[list[str], str | None]:
    """The pages this person reaches (found with the test client, fast), and their session cookie."""
    client = Client()
    if username is not None:
        client.force_login(User.objects.get(username=username))

    def get(url: str) -> tuple[int, str]:
        response = client.get(url)
        html = response.content.decode("utf-8", "replace")
        return response.status_code, html if response.get("Content-Type", "").startswith("text/html") else ""

    start = ("/",) if username else ("/", "/calls/", "/accounts/login/", "/accounts/signup/", "/about/")
    urls = [page.url for page in crawl(get, start=start) if page.status == 200 and page.html]
    session = client.cookies.get("sessionid")
    return urls, session.value if session else None


def test_no_page_is_wider_than_the_screen(browser: Any, live_server: Any, tmp_path: Any) -> None:
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MEDIA_ROOT=tmp_path
    ):
        call_command("demo", "--seed", "2026", "--scale", "0.1", stdout=StringIO())
    too_wide = []
    opened = 0
    for username in ROLES:
        urls, session = _urls(username)
        for language in ("ja", "en"):
            context = browser.new_context(base_url=live_server.url)
            cookies = [{"name": "jpo_language", "value": language, "url": live_server.url}]
            if session:
                cookies.append({"name": "sessionid", "value": session, "url": live_server.url})
            context.add_cookies(cookies)
            tab = context.new_page()
            for width in WIDTHS:
                tab.set_viewport_size({"width": width, "height": 800})
                for url in urls:
                    tab.goto(url, wait_until="load")
                    opened += 1
                    excess = tab.evaluate(OVERFLOW)
                    if excess > 0:
                        too_wide.append(
                            f"{username or 'visitor'} {language} {width}px {url}: {excess}px too wide"
                        )
            context.close()
    assert opened > 100
    assert not too_wide, "\n".join(too_wide)

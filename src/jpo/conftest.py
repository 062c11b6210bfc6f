"""Test-wide settings and the real-browser fixtures.

Browser tests drive Debian's Chromium (/usr/bin/chromium, or JPO_CHROMIUM) through Playwright, headless.
Where Chromium is missing they are skipped, except when JPO_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AXES_ENABLED = False
    # Tests speak English unless they choose Japanese (a language cookie, Accept-Language, or
    # translation.override("ja")): assertions then read like the msgids. The site's default stays
    # Japanese, and the browser tests run with a Japanese locale.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = os.environ.get("JPO_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        message = f"Chromium not found at {executable} (apt-get install chromium)"
        if os.environ.get("JPO_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
    # browser steps are ordinary synchronous code, so Django's async guard must stand aside.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any, settings: Any) -> Iterator[Any]:
    """A fresh browser tab (Japanese locale, like most users) against the live test server."""
    settings.JPO_BASE_URL = live_server.url  # links in e-mails lead to the test server
    context = browser.new_context(locale="ja-JP", base_url=live_server.url)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def make_user(db: Any) -> Any:
    """Create a user with a role (and scope) for permission tests."""
    from jpo.accounts.models import User

    counter = {"n": 0}

    def _make(role: str = "applicant", password: str = "a-long-test-password", **extra: Any) -> Any:
        counter["n"] += 1
        username = extra.pop("username", f"{role}-{counter['n']}")
        return User.objects.create_user(
            username=username, email=f"{username}@example.jp", password=password, role=role, **extra
        )

    return _make

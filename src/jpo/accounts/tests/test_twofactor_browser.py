"""A programme officer enrols an authenticator and logs in with its code, in a real Chromium.
The code is computed here from the key the page shows, as an authenticator app would."""

from __future__ import annotations

import base64
import time
from typing import Any

import pytest
from django_otp.oath import TOTP

from jpo.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def app_code(secret: str, steps_ahead: int = 0) -> str:
    key = secret.replace(" ", "")
    totp = TOTP(base64.b32decode(key + "=" * (-len(key) % 8)), drift=steps_ahead)
    totp.time = time.time()
    return f"{totp.token():06d}"


def log_in(page: Any) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", PASSWORD)
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url("**/accounts/2fa/**")


def test_officer_enrols_and_logs_in_with_a_code(page: Any, settings: Any, make_user: Any) -> None:
    settings.JPO_REQUIRE_2FA = True
    make_user(Role.OFFICER, username="officer", password=PASSWORD)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    log_in(page)
    page.goto("/about/")  # nothing else is reachable before the second step
    page.wait_for_url("**/accounts/2fa/**")
    qr = page.locator("img.qr-code")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    secret = page.locator("#totp-secret").inner_text()
    page.fill("#id_token", app_code(secret))
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url("**/about/")
    assert page.locator(".whoami").is_visible()

    page.locator(".site-header form.inline button[type=submit]").click()  # log out
    page.wait_for_selector(".site-header a[href='/accounts/login/']")
    log_in(page)
    assert page.locator("#totp-secret").count() == 0
    page.fill("#id_token", app_code(secret, steps_ahead=1))  # the next step: the last code cannot be replayed
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)
    assert page.locator(".whoami").is_visible()
    assert violations == [], violations

"""Log-in lock-out with django-axes enabled: per user name and address together, the client's address
read through trusted proxies only, staff only backed off for minutes while applicants wait the cool-off."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration
from django.test import Client, RequestFactory

from jpo.accounts.network import client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def _axes(settings: Any) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.JPO_TRUSTED_PROXIES = []


def login(username: str, password: str, **meta: Any) -> int:
    client = Client(**meta)
    client.cookies["jpo_language"] = "en"
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code


def fail(username: str, times: int, **meta: Any) -> None:
    for _ in range(times):
        assert login(username, "wrong-password", **meta) in {200, 429}


def test_failures_lock_that_user_name_from_that_address_only(make_user: Any) -> None:
    victim, other = make_user("applicant"), make_user("applicant")
    fail(victim.username, 3, REMOTE_ADDR="203.0.113.9")
    # Locked from the attacker's address, even with the right password ...
    assert login(victim.username, PASSWORD, REMOTE_ADDR="203.0.113.9") == 429
    # ... but the owner logs in from their own address, and others behind the attacker's address too.
    assert login(victim.username, PASSWORD, REMOTE_ADDR="198.51.100.7") == 302
    assert login(other.username, PASSWORD, REMOTE_ADDR="203.0.113.9") == 302


def test_the_lockout_page_says_how_long_to_wait(make_user: Any) -> None:
    user = make_user("applicant")
    fail(user.username, 3, REMOTE_ADDR="203.0.113.9")
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.cookies["jpo_language"] = "en"
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Try again in 60 minutes" in response.content.decode()


def test_behind_a_trusted_proxy_each_client_is_counted_apart(settings: Any, make_user: Any) -> None:
    settings.JPO_TRUSTED_PROXIES = ["10.0.0.0/8"]
    user = make_user("applicant")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    fail(user.username, 3, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    assert login(user.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy) == 429
    assert login(user.username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy) == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"


def test_a_forged_forwarded_for_is_ignored_from_an_untrusted_address(make_user: Any) -> None:
    user = make_user("applicant")
    for n in range(3):  # a new forged address each time does not escape the count
        login(user.username, "wrong-password", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert login(user.username, PASSWORD, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.77") == 429


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.9", "192.0.2.1", "203.0.113.9"),  # not from a proxy: the header is ignored
        ("10.0.0.2", "192.0.2.1", "192.0.2.1"),
        ("10.0.0.2", "192.0.2.66, 192.0.2.1", "192.0.2.1"),  # the client forged the left entry
        ("10.0.0.2", "192.0.2.1, 10.0.0.3", "192.0.2.1"),  # two proxies in a row
        ("10.0.0.2", "", "10.0.0.2"),
        ("10.0.0.2", "not-an-address", "10.0.0.2"),
    ],
)
def test_client_ip_believes_only_trusted_proxies(
    settings: Any, remote: str, forwarded: str, expected: str
) -> None:
    settings.JPO_TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def _age_attempts(minutes: int) -> None:
    """Move every recorded failure `minutes` into the past (as if that time had gone by)."""
    delta = dt.timedelta(minutes=minutes)
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= delta
        attempt.save(update_fields=["attempt_time"])
    for expiration in AccessAttemptExpiration.objects.all():
        expiration.expires_at -= delta
        expiration.save(update_fields=["expires_at"])


@pytest.mark.parametrize("role", ["officer", "reviewer", "analyst"])
def test_staff_are_only_backed_off_for_minutes(make_user: Any, role: str) -> None:
    user = make_user(role)
    fail(user.username, 3, REMOTE_ADDR="203.0.113.9")
    assert login(user.username, PASSWORD, REMOTE_ADDR="203.0.113.9") == 429
    _age_attempts(6)
    assert login(user.username, PASSWORD, REMOTE_ADDR="203.0.113.9") == 302


def test_applicants_wait_the_full_cool_off(make_user: Any) -> None:
    user = make_user("applicant")
    fail(user.username, 3, REMOTE_ADDR="203.0.113.9")
    _age_attempts(6)
    assert login(user.username, PASSWORD, REMOTE_ADDR="203.0.113.9") == 429
    _age_attempts(55)
    assert login(user.username, PASSWORD, REMOTE_ADDR="203.0.113.9") == 302

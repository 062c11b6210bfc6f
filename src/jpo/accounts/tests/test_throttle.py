"""Throttles per client address on sign-up, log-in, password reset and the public eligibility API:
429 with a message in the user's language once over the limit; other addresses are not affected."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from jpo.accounts.tests.test_views import SIGNUP
from jpo.outbox.models import Email

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings: Any) -> dict[str, tuple[int, int]]:
    settings.JPO_THROTTLES = {**settings.JPO_THROTTLES}
    return settings.JPO_THROTTLES


def client_at(address: str, language: str = "en") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.cookies["jpo_language"] = language
    return client


def test_signup_is_throttled_per_address(limits: Any) -> None:
    limits["signup"] = (2, 3600)
    client = client_at("203.0.113.9")
    for n in range(2):
        assert client.post("/accounts/signup/", {**SIGNUP, "email": f"p{n}@example.jp"}).status_code == 302
    response = client.post("/accounts/signup/", {**SIGNUP, "email": "p9@example.jp"})
    assert response.status_code == 429
    assert "Too many requests came from your address" in response.content.decode()
    assert response["Retry-After"] == "3600"
    japanese = client_at("203.0.113.9", "ja").post("/accounts/signup/", SIGNUP)
    assert japanese.status_code == 429 and "リクエストが多すぎます" in japanese.content.decode()
    assert client_at("198.51.100.7").post("/accounts/signup/", SIGNUP).status_code == 302


def test_login_is_throttled_per_address_across_user_names(limits: Any, make_user: Any) -> None:
    limits["login"] = (3, 600)
    user = make_user("applicant")
    client = client_at("203.0.113.9")
    for n in range(3):  # many user names from one address (credential stuffing)
        assert (
            client.post("/accounts/login/", {"username": f"someone-{n}", "password": "x"}).status_code == 200
        )
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "a-long-test-password"}
    )
    assert response.status_code == 429
    other = client_at("198.51.100.7")
    assert (
        other.post(
            "/accounts/login/", {"username": user.username, "password": "a-long-test-password"}
        ).status_code
        == 302
    )


def test_password_reset_is_throttled_per_address_and_per_e_mail_address(limits: Any, make_user: Any) -> None:
    limits["password_reset"] = (3, 3600)
    limits["password_reset_address"] = (1, 3600)
    user = make_user("applicant")
    client = client_at("203.0.113.9")
    # The same address twice: the same answer, but one e-mail only (no mail-bombing).
    assert client.post("/accounts/password-reset/", {"email": user.email}).status_code == 302
    assert client.post("/accounts/password-reset/", {"email": user.email}).status_code == 302
    assert Email.objects.filter(kind="accounts.password_reset", recipient=user.email).count() == 1  # outbox
    assert client.post("/accounts/password-reset/", {"email": "nobody@example.jp"}).status_code == 302
    assert client.post("/accounts/password-reset/", {"email": "nobody@example.jp"}).status_code == 429


def test_the_eligibility_api_is_throttled_with_a_message(limits: Any) -> None:
    limits["eligibility"] = (2, 600)
    client = client_at("203.0.113.9")
    for _ in range(2):
        assert (
            client.post("/api/eligibility?cycle=FY2022", "{}", content_type="application/json").status_code
            == 422
        )
    response = client.post("/api/eligibility?cycle=FY2022", "{}", content_type="application/json")
    assert response.status_code == 429
    assert "Wait 10 minutes" in response.json()["detail"]
    japanese = Client(REMOTE_ADDR="203.0.113.9").post(
        "/api/eligibility?cycle=FY2022", "{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert japanese.status_code == 429 and "10分" in japanese.json()["detail"]


def test_behind_a_trusted_proxy_clients_are_counted_apart(settings: Any, limits: Any) -> None:
    settings.JPO_TRUSTED_PROXIES = ["10.0.0.2"]
    limits["eligibility"] = (1, 600)
    proxy = Client(REMOTE_ADDR="10.0.0.2")

    def post(address: str) -> int:
        return proxy.post(
            "/api/eligibility?cycle=FY2022",
            "{}",
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=address,
        ).status_code

    assert post("203.0.113.9") == 422
    assert post("203.0.113.9") == 429
    assert post("198.51.100.7") == 422


def test_a_new_window_starts_from_one_and_old_counters_are_cleared() -> None:
    from jpo.accounts.models import ThrottleCount
    from jpo.accounts.throttle import throttle_hit

    start = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
    assert [throttle_hit(key="k", limit=2, seconds=60, now=start) for _ in range(3)] == [False, False, True]
    later = start + dt.timedelta(seconds=61)
    assert throttle_hit(key="k", limit=2, seconds=60, now=later) is False  # a fresh window
    assert ThrottleCount.objects.get(key="k").count == 1
    throttle_hit(key="other", limit=2, seconds=60, now=later + dt.timedelta(days=2))
    assert list(ThrottleCount.objects.values_list("key", flat=True)) == ["other"]


def _process_hits(times: int, results: Any) -> None:
    """One server process (forked): its own database connection and its own memory."""
    from django.db import connection

    from jpo.accounts.throttle import throttle_hit

    try:
        results.put([throttle_hit(key="login:203.0.113.9", limit=50, seconds=600) for _ in range(times)])
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_processes_count_together_and_no_request_is_lost() -> None:
    """Four server processes (as gunicorn workers or app servers are) hit one throttle 20 times each at
    once: they see one count of exactly 80, whatever process served a request."""
    import multiprocessing

    from django.db import connection

    from jpo.accounts.models import ThrottleCount

    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        pytest.skip("several processes need a database file or server; the in-memory one is theirs alone")
    connection.close()  # each process opens its own
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = [context.Process(target=_process_hits, args=(20, results)) for _ in range(4)]
    for process in processes:
        process.start()
    over = [hit for _ in processes for hit in results.get(timeout=120)]
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0, 0, 0, 0]
    assert ThrottleCount.objects.get(key="login:203.0.113.9").count == 80
    assert over.count(True) == 30  # requests 51 to 80 were refused

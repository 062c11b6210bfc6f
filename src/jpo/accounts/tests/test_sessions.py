"""Staff sessions end after hours, applicants' after the site's default (days)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": "a-long-test-password"})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("role", ["officer", "reviewer", "focal_point", "ministry_hr", "analyst"])
def test_staff_sessions_last_hours(settings: Any, make_user: Any, role: str) -> None:
    settings.JPO_STAFF_SESSION_HOURS = 8
    extra: dict[str, Any] = {}
    if role == "focal_point":
        from jpo.programme.models import Organization

        extra["organization"] = Organization.objects.create(
            code="undp", name_en="UNDP", name_ja="UNDP", kind="fund_programme"
        )
    if role == "ministry_hr":
        from jpo.programme.models import Ministry

        extra["ministry"] = Ministry.objects.create(code="mhlw", name_en="MHLW", name_ja="厚生労働省")
    user = make_user(role, **extra)
    client = login(user.username)
    assert client.session.get_expiry_age() == 8 * 3600


def test_superusers_sessions_last_hours(make_user: Any) -> None:
    client = login(make_user("applicant", is_superuser=True).username)
    assert client.session.get_expiry_age() == 8 * 3600


def test_applicants_keep_the_longer_session(settings: Any, make_user: Any) -> None:
    client = login(make_user("applicant").username)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 14 * 24 * 3600

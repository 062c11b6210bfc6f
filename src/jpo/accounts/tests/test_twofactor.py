"""Two-factor log-in (TOTP) for staff: enrolment with a QR code, a code after the password, nothing else
reachable before it; applicants are not asked; optional in development unless the user enrolled."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from jpo.accounts.models import AuditEvent
from jpo.programme.models import Ministry, Organization

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def logged_in(username: str) -> Client:
    client = Client()
    client.cookies["jpo_language"] = "en"
    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def staff(make_user: Any, role: str) -> Any:
    extra: dict[str, Any] = {}
    if role == "superuser":
        return make_user("applicant", is_superuser=True, is_staff=True)
    if role == "focal_point":
        extra["organization"] = Organization.objects.create(
            code="undp", name_en="UNDP", name_ja="UNDP", kind="fund_programme"
        )
    if role == "ministry_hr":
        extra["ministry"] = Ministry.objects.create(code="mhlw", name_en="MHLW", name_ja="厚生労働省")
    return make_user(role, **extra)


@pytest.fixture
def required(settings: Any) -> None:
    settings.JPO_REQUIRE_2FA = True


@pytest.mark.parametrize(
    "role", ["officer", "reviewer", "focal_point", "ministry_hr", "analyst", "superuser"]
)
def test_staff_enrol_then_reach_their_pages(required: None, settings: Any, make_user: Any, role: str) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows down after a wrong code (tested below)
    user = staff(make_user, role)
    client = logged_in(user.username)
    # Before the second step nothing but the two-factor page: pages redirect there, the API refuses.
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/?next=")
    assert client.get("/api/openapi.json").status_code in {200, 403}  # public schema stays public
    page = client.get("/accounts/2fa/")
    text = page.content.decode()
    assert page.status_code == 200 and "data:image/svg+xml;base64," in text
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', text)
    assert secret is not None
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert secret.group(1).replace(" ", "") in device.config_url
    wrong = client.post("/accounts/2fa/", {"token": "000000" if code(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and "This code is not right" in wrong.content.decode()
    response = client.post("/accounts/2fa/", {"token": code(device), "next": "/about/"})
    assert response.status_code == 302 and response["Location"] == "/about/"
    assert client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="user.2fa_enrolled", target_id=str(user.pk)).exists()


def test_later_log_ins_ask_for_a_current_code_and_refuse_a_replayed_one(
    required: None, settings: Any, make_user: Any
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = staff(make_user, "officer")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    first = logged_in(user.username)
    used = code(device)
    assert first.post("/accounts/2fa/", {"token": used}).status_code == 302
    second = logged_in(user.username)
    assert second.get("/").status_code == 302
    page = second.get("/accounts/2fa/").content.decode()
    assert "totp-secret" not in page  # no new enrolment, no secret shown again
    assert second.post("/accounts/2fa/", {"token": used}).status_code == 400  # replay
    assert second.post("/accounts/2fa/", {"token": code(device, steps_ahead=1)}).status_code == 302
    assert second.get("/").status_code == 200


def test_the_api_refuses_unverified_staff(required: None, make_user: Any) -> None:
    client = logged_in(staff(make_user, "analyst").username)
    response = client.get("/api/workforce/series")
    assert response.status_code == 403
    assert "Two-factor" in response.json()["detail"]


def test_applicants_are_not_asked(required: None, make_user: Any) -> None:
    client = logged_in(make_user("applicant").username)
    assert client.get("/accounts/2fa/").status_code == 302
    assert client.get("/").status_code == 200


def test_optional_in_development_unless_enrolled(settings: Any, make_user: Any) -> None:
    settings.JPO_REQUIRE_2FA = False
    plain = staff(make_user, "officer")
    assert logged_in(plain.username).get("/").status_code == 200
    enrolled = staff(make_user, "reviewer")
    TOTPDevice.objects.create(user=enrolled, name="phone", confirmed=True)
    assert logged_in(enrolled.username).get("/").status_code == 302


def test_next_must_stay_on_this_site(required: None, make_user: Any) -> None:
    user = staff(make_user, "officer")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = logged_in(user.username)
    response = client.post("/accounts/2fa/", {"token": code(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_wrong_codes_slow_down_the_next_tries(required: None, make_user: Any) -> None:
    user = staff(make_user, "officer")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = logged_in(user.username)
    right = code(device)
    assert (
        client.post("/accounts/2fa/", {"token": "000000" if right != "000000" else "111111"}).status_code
        == 400
    )
    assert client.post("/accounts/2fa/", {"token": right}).status_code == 400  # refused during the back-off

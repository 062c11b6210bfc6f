"""Links in e-mails start with JPO_BASE_URL whatever Host header the request carried."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from jpo.accounts.tests.test_views import SIGNUP

pytestmark = pytest.mark.django_db

EVIL = "evil.example"


@pytest.fixture(autouse=True)
def _base_url(settings: Any) -> None:
    settings.JPO_BASE_URL = "https://jpo.example.jp"
    settings.ALLOWED_HOSTS = ["*"]


def links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def test_the_verification_link_ignores_the_host_header(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", SIGNUP, HTTP_HOST=EVIL)
    bodies = "\n".join(str(m.body) for m in mail.outbox)
    found = links(bodies)
    assert found and all(link.startswith("https://jpo.example.jp/accounts/") for link in found), bodies


def test_the_password_reset_link_ignores_the_host_header(
    client: Client, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user = make_user("applicant")
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        response = client.post("/accounts/password-reset/", {"email": user.email}, HTTP_HOST=EVIL)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    found = links(str(mail.outbox[0].body))
    assert len(found) == 1 and found[0].startswith("https://jpo.example.jp/accounts/reset/"), found

"""The receipt e-mail's link to the application starts with JPO_BASE_URL, not the request's Host."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_receipt_link_ignores_the_host_header(settings: Any, complete_draft: Any, client: Client) -> None:
    settings.JPO_BASE_URL = "https://jpo.example.jp"
    application, user = complete_draft
    client.force_login(user)
    client.post(f"/portal/applications/{application.pk}/submit/", HTTP_HOST="evil.example")
    bodies = "\n".join(str(m.body) for m in mail.outbox)
    found = re.findall(r"https?://\S+", bodies)
    assert f"https://jpo.example.jp/portal/applications/{application.pk}/" in found, bodies
    assert not [link for link in found if "evil.example" in link]

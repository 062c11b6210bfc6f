"""Officers invite reviewers and interviewers (a single-use, expiring sign-up link through the outbox,
built from JPO_BASE_URL) and see each person's load, without the Django admin."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jpo.accounts import invitations
from jpo.accounts.models import AuditEvent, Invitation, Role, User
from jpo.outbox.models import Email
from jpo.selection.models import Review, ReviewAssignment
from jpo.selection.selectors.people import reviewer_people
from jpo.selection.tests.test_releases import interviewed, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(world: dict[str, Any]) -> Client:  # noqa: F811
    client = Client()
    client.force_login(world["officer"])
    return client


def _link(body: str) -> str:
    match = re.search(r"https://jpo\.example\.jp(/accounts/invitation/[^/\s]+/)", body)
    assert match, body
    return match.group(1)


def test_an_invited_reviewer_creates_an_account_once(
    officer_client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.JPO_BASE_URL = "https://jpo.example.jp"
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("selection:people"),
            {"email": "New.Reviewer@Example.jp", "name": "Aoki Ken", "language": "en"},
            HTTP_HOST="evil.example.com",
        )
    assert response.status_code == 302
    email = Email.objects.get(kind=invitations.KIND)
    assert email.recipient == "new.reviewer@example.jp" and "Aoki Ken" in email.body
    assert [m.to[0] for m in mail.outbox] == ["new.reviewer@example.jp"]
    path = _link(email.body)  # from JPO_BASE_URL, whatever Host the officer's request carried
    assert "evil.example.com" not in email.body
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert not Invitation.objects.filter(token_sha256=token).exists()  # only the hash is stored

    visitor = Client()
    assert visitor.get(path).status_code == 200
    weak = visitor.post(
        path, {"family_name": "青木", "given_name": "健", "password": "123", "password2": "123"}
    )
    assert weak.status_code == 400 and not User.objects.filter(email="new.reviewer@example.jp").exists()
    differ = {"family_name": "青木", "given_name": "健", "password": "a-long-pass-1", "password2": "other-x"}
    assert visitor.post(path, differ).status_code == 400
    good = {
        "family_name": "青木",
        "given_name": "健",
        "password": "a-long-pass-phrase",
        "password2": "a-long-pass-phrase",
    }
    response = visitor.post(path, good)
    assert response.status_code == 302 and response["Location"] == reverse("login")
    user = User.objects.get(email="new.reviewer@example.jp")
    assert (user.role, user.username, user.last_name, user.preferred_language) == (
        Role.REVIEWER,
        "new.reviewer@example.jp",
        "青木",
        "en",
    )
    assert user.email_verified_at is not None and user.check_password("a-long-pass-phrase")
    assert Invitation.objects.get().user == user
    assert AuditEvent.objects.filter(action="user.invitation_accepted").exists()
    # Single use.
    assert Client().get(path).status_code == 410
    assert Client().post(path, good).status_code == 410
    assert User.objects.filter(email="new.reviewer@example.jp").count() == 1


def test_links_expire_are_withdrawn_and_are_not_guessed(
    world: dict[str, Any],  # noqa: F811
    officer_client: Client,
) -> None:
    now = timezone.now()
    _expired, token = invitations.invitation_create(
        email="late@example.jp",
        name="",
        language="ja",
        actor=world["officer"],
        now=now - dt.timedelta(days=8),
    )
    path = reverse("accounts:invitation", args=[token])
    assert Client().get(path).status_code == 410  # expired after seven days
    assert Client().get(reverse("accounts:invitation", args=["x" * 43])).status_code == 404
    second, token2 = invitations.invitation_create(
        email="late@example.jp", name="", language="ja", actor=world["officer"]
    )
    response = officer_client.post(reverse("selection:invitation_revoke", args=[second.pk]))
    assert response.status_code == 302
    assert Client().get(reverse("accounts:invitation", args=[token2])).status_code == 410
    # A new invitation replaces a pending one to the same address.
    _third, token3 = invitations.invitation_create(
        email="late@example.jp", name="", language="ja", actor=world["officer"]
    )
    _fourth, token4 = invitations.invitation_create(
        email="late@example.jp", name="", language="ja", actor=world["officer"]
    )
    assert Client().get(reverse("accounts:invitation", args=[token3])).status_code == 410
    assert Client().get(reverse("accounts:invitation", args=[token4])).status_code == 200
    # Refused: an address with an account, a malformed address.
    for email in (world["panel"].email, "not an address"):
        response = officer_client.post(reverse("selection:people"), {"email": email, "language": "ja"})
        assert response.status_code == 400
    assert Invitation.objects.count() == 4


def test_each_person_s_load_in_one_query(
    world: dict[str, Any],  # noqa: F811
    make_user: Any,
    officer_client: Client,
    django_assert_max_num_queries: Any,
) -> None:
    panel = world["panel"]
    idle = make_user(Role.REVIEWER, username="idle")
    a, b = interviewed(world["cycle"], n=2, officer=world["officer"], panel=panel)
    done = ReviewAssignment.objects.create(application=a, reviewer=panel)
    Review.objects.create(assignment=done, total=4)
    ReviewAssignment.objects.create(application=b, reviewer=panel)
    ReviewAssignment.objects.create(application=b, reviewer=idle)
    with django_assert_max_num_queries(1):
        rows = {p.username: (p.assigned, p.reviewed, p.panels, p.scored) for p in reviewer_people()}
    assert rows == {"panel": (2, 1, 2, 2), "idle": (1, 0, 0, 0)}
    other = {p.username: p.assigned for p in reviewer_people(cycle=None)}
    assert other["idle"] == 1
    page = officer_client.get(reverse("selection:people"), {"cycle": world["cycle"].fiscal_year})
    assert page.status_code == 200 and "idle" in page.content.decode()

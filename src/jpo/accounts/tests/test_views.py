"""Sign-up with e-mail verification, duplicates, password reset and profile, through the real views."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from jpo.accounts.models import User
from jpo.applications.models import Applicant, DuplicateFlag

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "Hanako.Yamada@Example.jp",
    "family_name": "山田",
    "given_name": "花子",
    "birth_date": "1995-05-01",
    "password1": "a-long-test-password",
    "password2": "a-long-test-password",
}


def english(client: Client) -> Client:
    client.cookies["jpo_language"] = "en"
    return client


def link_in(body: Any) -> str:
    match = re.search(r"https?://\S+", str(body))
    assert match, body
    return match.group(0)


def test_signup_sends_a_link_that_verifies_the_address(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = english(client).post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302 and response["Location"] == "/accounts/signup/sent/"
    assert "hanako.yamada@example.jp" in client.get("/accounts/signup/sent/").content.decode()
    user = User.objects.get(email="hanako.yamada@example.jp")
    assert user.username == "hanako.yamada@example.jp" and user.role == "applicant"
    assert user.preferred_language == "en" and user.email_verified_at is None
    assert Applicant.objects.get(user=user).birth_date.isoformat() == "1995-05-01"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hanako.yamada@example.jp"]
    # Signing up does not log in (an existing address could not be): the applicant logs in, and until
    # verified the portal sends them back to the verification page.
    assert not client.session.get("_auth_user_id")
    client.force_login(user)
    assert client.post("/portal/cycles/2026/start/")["Location"] == "/accounts/verify/"
    response = client.get(link_in(mail.outbox[0].body))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_verified_at is not None


def test_signup_mail_is_in_japanese_for_a_japanese_page(client: Client) -> None:
    client.post("/accounts/signup/", SIGNUP, HTTP_ACCEPT_LANGUAGE="ja")
    assert User.objects.get().preferred_language == "ja"


def test_tampered_verification_link_is_refused(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        english(client).post("/accounts/signup/", SIGNUP)
    url = link_in(mail.outbox[0].body)
    response = client.get(url[:-3] + "abc/")
    assert response.status_code == 400
    assert b"not valid" in response.content
    assert User.objects.get().email_verified_at is None


@pytest.mark.parametrize(
    ("birth_date", "message"),
    [
        ("1995-02-30", b"30 February does not exist"),
        ("2999-01-01", b"cannot be in the future"),
        ("not a date", b"Enter a real date"),
    ],
)
def test_impossible_birth_dates_are_refused_and_the_form_keeps_the_data(
    client: Client, birth_date: str, message: bytes
) -> None:
    response = english(client).post("/accounts/signup/", {**SIGNUP, "birth_date": birth_date})
    assert response.status_code == 400
    assert message in response.content
    assert b'href="#id_birth_date"' in response.content  # the error summary links to the field
    assert (
        b'value="Hanako.Yamada@Example.jp"' in response.content
        or b"hanako.yamada@example.jp" in response.content
    )
    assert not User.objects.exists()


def test_signup_with_a_registered_address_answers_the_same_and_tells_the_owner(
    client: Client, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner = make_user("applicant", username="Hanako.yamada")  # e-mail hanako.yamada@example.jp
    with django_capture_on_commit_callbacks(execute=True):
        known = english(client).post("/accounts/signup/", SIGNUP)
    other = english(Client())
    with django_capture_on_commit_callbacks(execute=True):
        unknown = other.post("/accounts/signup/", {**SIGNUP, "email": "new.person@example.jp"})
    # The same answer for both: a redirect to the same page, which reads the same but for the address.
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/signup/sent/"

    def page(c: Client, address: str) -> str:
        text = c.get("/accounts/signup/sent/").content.decode().replace(address, "ADDRESS")
        return re.sub(r'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', "TOKEN", text)

    assert page(client, "hanako.yamada@example.jp") == page(other, "new.person@example.jp")
    # No second account; the owner gets one e-mail saying how to log in or reset, and nobody is logged in.
    assert User.objects.filter(email__iexact="hanako.yamada@example.jp").count() == 1
    to_owner = [m for m in mail.outbox if m.to == [owner.email]]
    assert len(to_owner) == 1
    assert "/accounts/login/" in to_owner[0].body and "/accounts/password-reset/" in to_owner[0].body
    assert len([m for m in mail.outbox if m.to == ["new.person@example.jp"]]) == 1
    assert not client.session.get("_auth_user_id")


def test_password_reset_answers_the_same_for_unknown_addresses(
    client: Client, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_user("applicant", username="known")
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        known = english(client).post("/accounts/password-reset/", {"email": "known@example.jp"})
        unknown = english(Client()).post("/accounts/password-reset/", {"email": "nobody@example.jp"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox] == [["known@example.jp"]]


def test_same_name_and_birth_date_is_flagged_for_the_officer(client: Client) -> None:
    english(client).post("/accounts/signup/", SIGNUP)
    other = Client()
    english(other)
    response = other.post("/accounts/signup/", {**SIGNUP, "email": "another@example.jp"}, follow=True)
    assert b"One person may hold one account only" not in response.content  # nothing told to a stranger
    flag = DuplicateFlag.objects.get()
    assert flag.reason == "name_birth_date"
    assert {flag.applicant.email, flag.other.email} == {"hanako.yamada@example.jp", "another@example.jp"}


def test_same_email_as_an_existing_applicant_record_is_flagged(client: Client) -> None:
    Applicant.objects.create(
        family_name="Yamada", given_name="H", birth_date="1990-01-01", email="HANAKO.yamada@example.jp"
    )
    english(client).post("/accounts/signup/", SIGNUP)
    assert DuplicateFlag.objects.get().reason == "email"


def test_password_reset_by_email_link(
    client: Client, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user = make_user("applicant", username="reset", password="old-password-123")
    with django_capture_on_commit_callbacks(execute=True):
        response = english(client).post("/accounts/password-reset/", {"email": "reset@example.jp"})
    assert response.status_code == 302
    url = link_in(mail.outbox[0].body)
    response = client.get(url, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "brand-new-password-42", "new_password2": "brand-new-password-42"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-password-42")


def test_profile_updates_the_person_and_the_language(client: Client) -> None:
    english(client).post("/accounts/signup/", SIGNUP)
    client.force_login(User.objects.get())
    response = client.post(
        "/accounts/profile/",
        {
            "family_name": "山田",
            "given_name": "花子",
            "family_name_kana": "ヤマダ",
            "given_name_kana": "<script>alert(1)</script>",
            "birth_date": "1995-05-01",
            "preferred_language": "ja",
        },
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.preferred_language == "ja"
    assert user.applicant.given_name_kana == "<script>alert(1)</script>"
    page = client.get("/accounts/profile/")
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content


def test_profile_is_for_applicants_only(client: Client, make_user: Any) -> None:
    client.force_login(make_user("officer"))
    assert client.get("/accounts/profile/").status_code == 403


def test_signup_with_the_mail_server_down_succeeds_and_the_link_is_sent_later(
    client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from jpo.outbox.models import Email, EmailState
    from jpo.outbox.services import emails_send_due
    from jpo.outbox.tests.smtp import SMTP_BACKEND, smtp_down, smtp_up

    settings.EMAIL_BACKEND = SMTP_BACKEND
    with smtp_down(), django_capture_on_commit_callbacks(execute=True):
        response = english(client).post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302 and response["Location"] == "/accounts/signup/sent/"
    user = User.objects.get(email="hanako.yamada@example.jp")
    email = Email.objects.get(recipient=user.email, kind="accounts.verification")
    assert email.state == EmailState.PENDING and email.attempts == 1
    assert "Connection refused" in email.last_error
    with smtp_up() as received:
        assert emails_send_due(now=email.next_attempt_at)["sent"] == 1
    (_, to, _message) = received[0]
    assert to == [user.email]
    email.refresh_from_db()
    assert email.state == EmailState.SENT
    response = client.get(link_in(email.body))
    user.refresh_from_db()
    assert user.email_verified_at is not None


def test_password_reset_with_the_mail_server_down_is_queued_not_an_error(
    client: Client, make_user: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from jpo.outbox.models import Email, EmailState
    from jpo.outbox.tests.smtp import SMTP_BACKEND, smtp_down

    settings.EMAIL_BACKEND = SMTP_BACKEND
    make_user("applicant", username="reset", password="old-password-123")
    with smtp_down(), django_capture_on_commit_callbacks(execute=True):
        response = english(client).post("/accounts/password-reset/", {"email": "reset@example.jp"})
    assert response.status_code == 302
    email = Email.objects.get(kind="accounts.password_reset")
    assert (email.recipient, email.state, email.attempts) == ("reset@example.jp", EmailState.PENDING, 1)

"""Writes about people and access. Every other app records its audit trail through `audit_record`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from jpo.accounts.models import AuditEvent, Role, User
from jpo.outbox.services import email_queue


def audit_record(
    *, actor: User | None, action: str, target: models.Model, data: dict[str, Any] | None = None
) -> AuditEvent:
    """Append one audit row. Call it inside the same transaction as the write it describes."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        data=data or {},
    )


# --- Sign-up and e-mail verification ----------------------------------------------------------------

VERIFY_SALT = "jpo.accounts.email-verification"
VERIFY_MAX_AGE = 3 * 24 * 3600  # seconds: a verification link works for three days


class VerificationError(Exception):
    """The verification link is invalid, expired or for another address."""


def email_verification_token(*, user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT, compress=True)


def email_verification_send(*, user: User, verify_url: str) -> None:
    """Queue the verification link in the outbox, in the user's preferred language (sent after commit)."""
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        body = render_to_string("accounts/email/verify.txt", {"user": user, "verify_url": verify_url})
        subject = gettext("Confirm your e-mail address for the JPO programme")
    email_queue(recipients=[user.email], subject=subject, body=body, kind="accounts.verification")


def email_verify(*, token: str) -> User:
    """Mark the address in `token` as verified. Idempotent; refuses tampered, expired or stale tokens."""
    try:
        payload = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise VerificationError(gettext("This link has expired. Log in and ask for a new one.")) from exc
    except signing.BadSignature as exc:
        raise VerificationError(gettext("This link is not valid. Check that you copied all of it.")) from exc
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=payload.get("u")).first()
        if user is None or user.email != payload.get("e"):
            raise VerificationError(
                gettext("This link is for an e-mail address that is no longer on the account.")
            )
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
            audit_record(actor=user, action="user.email_verified", target=user, data={"email": user.email})
    return user


def signup_request(
    *,
    email: str,
    password: str,
    family_name: str,
    given_name: str,
    birth_date: dt.date,
    language: str,
    verify_url: Callable[[User], str],
    login_url: str,
    reset_url: str,
) -> None:
    """Sign-up that does not tell who is registered: the same answer and one e-mail either way.

    A new address gets an account and its verification link. An address that already has an account
    gets no second one: its owner is told by e-mail that someone tried to sign up with it (with the
    log-in and password-reset links). The password is hashed in both cases so the time taken does not
    tell the two apart either.
    """
    email = email.strip().lower()
    owner = User.objects.filter(models.Q(email__iexact=email) | models.Q(username__iexact=email)).first()
    if owner is None:
        user, _flags = user_signup(
            email=email,
            password=password,
            family_name=family_name,
            given_name=given_name,
            birth_date=birth_date,
            language=language,
        )
        email_verification_send(user=user, verify_url=verify_url(user))
        return
    make_password(password)  # the same work as creating an account (see above)
    with transaction.atomic(), translation.override(owner.preferred_language or settings.LANGUAGE_CODE):
        body = render_to_string(
            "accounts/email/signup_existing.txt",
            {"user": owner, "login_url": login_url, "reset_url": reset_url},
        )
        subject = gettext("Someone tried to create a JPO programme account with your e-mail address")
        email_queue(recipients=[owner.email], subject=subject, body=body, kind="accounts.signup_existing")
        audit_record(actor=None, action="user.signup_existing", target=owner, data={})


def user_signup(
    *,
    email: str,
    password: str,
    family_name: str,
    given_name: str,
    birth_date: dt.date,
    language: str,
) -> tuple[User, list[Any]]:
    """Create an applicant account and its Applicant record; return it with any likely duplicates flagged.

    The user name is the e-mail address (lower-cased), so applicants log in with their address.
    """
    from jpo.applications.models import Applicant  # applications depends on accounts, not the reverse
    from jpo.applications.services import applicant_flag_duplicates

    email = email.strip().lower()
    with transaction.atomic():
        user = User(
            username=email,
            email=email,
            first_name=given_name,
            last_name=family_name,
            role=Role.APPLICANT,
            preferred_language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        )
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        applicant = Applicant.objects.create(
            user=user,
            family_name=family_name,
            given_name=given_name,
            birth_date=birth_date,
            email=email,
            nationalities=[],
        )
        audit_record(actor=user, action="user.signup", target=user, data={"email": email})
        flags = applicant_flag_duplicates(applicant=applicant)
    return user, flags


def user_profile_update(*, user: User, applicant: Any, data: dict[str, Any]) -> None:
    """Save the person's data (shared by their applications) and the language of their e-mails."""
    with transaction.atomic():
        user.preferred_language = data["preferred_language"]
        user.first_name = data["given_name"]
        user.last_name = data["family_name"]
        user.save(update_fields=["preferred_language", "first_name", "last_name"])
        if applicant is not None:
            for field in ("family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date"):
                setattr(applicant, field, data[field])
            applicant.save()
        audit_record(actor=user, action="user.profile_updated", target=user)

"""Writes about people and access. Every other app records its audit trail through `audit_record`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from jpo.accounts.links import absolute_url
from jpo.accounts.models import AuditEvent, User
from jpo.core.errors import DomainError
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


class VerificationError(DomainError):
    """The verification link is invalid, expired or for another address."""

    code = "verification.failed"


def email_verification_token(*, user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT, compress=True)


def email_verification_url(*, user: User) -> str:
    """The absolute link that confirms `user`'s address (for the e-mail)."""
    return absolute_url(reverse("accounts:verify", args=[email_verification_token(user=user)]))


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


def signup_existing_notify(*, owner: User, password: str, login_url: str, reset_url: str) -> None:
    """Tell the owner of an address that someone tried to sign up with it (with the log-in and
    password-reset links). The password is hashed all the same, so the time taken does not tell a
    registered address from a new one."""
    make_password(password)
    with transaction.atomic(), translation.override(owner.preferred_language or settings.LANGUAGE_CODE):
        body = render_to_string(
            "accounts/email/signup_existing.txt",
            {"user": owner, "login_url": login_url, "reset_url": reset_url},
        )
        subject = gettext("Someone tried to create a JPO programme account with your e-mail address")
        email_queue(recipients=[owner.email], subject=subject, body=body, kind="accounts.signup_existing")
        audit_record(actor=None, action="user.signup_existing", target=owner, data={})

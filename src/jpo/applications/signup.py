"""Sign-up and profile: an applicant's account together with their Applicant record (the person).

They live here, not in `accounts`, because they write the Applicant: accounts sits below applications
and never imports it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models, transaction

from jpo.accounts.models import Role, User
from jpo.accounts.services import (
    audit_record,
    email_verification_send,
    email_verification_url,
    signup_existing_notify,
)
from jpo.applications.models import Applicant, DuplicateFlag
from jpo.applications.services import applicant_flag_duplicates


def applicant_signup_request(
    *,
    email: str,
    password: str,
    family_name: str,
    given_name: str,
    birth_date: dt.date,
    language: str,
    login_url: str,
    reset_url: str,
) -> None:
    """Sign-up that does not tell who is registered: the same answer and one e-mail either way.

    A new address gets an account and its verification link. An address that already has an account
    gets no second one: its owner is told by e-mail that someone tried to sign up with it (with the
    log-in and password-reset links), and the password is hashed all the same.
    """
    email = email.strip().lower()
    owner = User.objects.filter(models.Q(email__iexact=email) | models.Q(username__iexact=email)).first()
    if owner is not None:
        signup_existing_notify(owner=owner, password=password, login_url=login_url, reset_url=reset_url)
        return
    user, _flags = applicant_signup(
        email=email,
        password=password,
        family_name=family_name,
        given_name=given_name,
        birth_date=birth_date,
        language=language,
    )
    email_verification_send(user=user, verify_url=email_verification_url(user=user))


def applicant_signup(
    *,
    email: str,
    password: str,
    family_name: str,
    given_name: str,
    birth_date: dt.date,
    language: str,
) -> tuple[User, list[DuplicateFlag]]:
    """Create an applicant account and its Applicant record; return it with any likely duplicates flagged.

    The user name is the e-mail address (lower-cased), so applicants log in with their address.
    """
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


def applicant_profile_update(*, user: User, applicant: Applicant | None, data: dict[str, Any]) -> None:
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

"""Officers invite reviewers and interviewers: an e-mail (through the outbox) with a sign-up link built
from JPO_BASE_URL. The link works once and for `VALID_FOR`; accepting it creates the account with the
invited role and a verified address (the person proved it by opening the link). Only the token's hash is
stored, so the table alone cannot be used to sign up."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jpo.accounts.links import absolute_url
from jpo.accounts.models import Invitation, Role, User
from jpo.accounts.services import audit_record
from jpo.core.errors import DomainError
from jpo.outbox.services import email_queue

VALID_FOR = dt.timedelta(days=7)
INVITABLE = (Role.REVIEWER,)
KIND = "accounts.invitation"


class InvitationError(DomainError):
    """The invitation cannot be made or used; `status` is the HTTP answer, `field` the form field."""

    code = "invitation.refused"

    def __init__(self, message: str, *, status: int = 400, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.status_code = status


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_create(
    *,
    email: str,
    name: str,
    language: str,
    actor: User,
    role: str = Role.REVIEWER,
    now: dt.datetime | None = None,
) -> tuple[Invitation, str]:
    """Record an invitation and queue its e-mail. Returns the invitation and the link's token (for tests;
    it is never stored). An earlier pending invitation to the same address stops working."""
    now = now or timezone.now()
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvitationError(_("E-mail address: give a valid address."), field="email") from None
    if role not in INVITABLE:
        raise InvitationError(_("Role: only reviewers and interviewers are invited here."), field="role")
    if language not in ("ja", "en"):
        raise InvitationError(_("Language: choose Japanese or English."), field="language")
    if User.objects.filter(email__iexact=email).exists():
        raise InvitationError(
            _("An account with this e-mail address exists already: no invitation is needed."), field="email"
        )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Invitation.objects.filter(email=email, accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now
        )
        invitation = Invitation.objects.create(
            email=email,
            name=(name or "").strip()[:150],
            role=role,
            language=language,
            token_sha256=_hash(token),
            invited_by=actor,
            expires_at=now + VALID_FOR,
        )
        link = absolute_url(reverse("accounts:invitation", args=[token]))
        with translation.override(language):
            subject = _("Invitation to review for the JPO programme")
            body = _(
                "%(greeting)s\n\nThe JPO programme office of the Ministry of Foreign Affairs of Japan invites you "
                "to review applications and sit on interview panels of the JPO programme.\n\n"
                "Create your account with this link (it works once, until %(until)s Japan time):\n%(link)s\n\n"
                "If you did not expect this e-mail, ignore it."
            ) % {
                "greeting": _("Dear %(name)s,") % {"name": invitation.name}
                if invitation.name
                else _("Hello,"),
                "until": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d %H:%M"),
                "link": link,
            }
        email_queue(recipients=[email], subject=subject, body=body, kind=KIND)
        audit_record(
            actor=actor, action="user.invited", target=invitation, data={"email": email, "role": role}
        )
    return invitation, token


def invitation_for_token(*, token: str, now: dt.datetime | None = None) -> Invitation:
    """The invitation a link names, if it can still be used (else InvitationError saying why)."""
    now = now or timezone.now()
    invitation = Invitation.objects.filter(token_sha256=_hash(token or "")).first()
    if invitation is None:
        raise InvitationError(
            _("This invitation link is not valid. Check that you copied all of it."), status=404
        )
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has been used already: log in instead."), status=410)
    if invitation.revoked_at is not None:
        raise InvitationError(
            _("This invitation was withdrawn. Ask the programme office for a new one."), status=410
        )
    if invitation.expires_at <= now:
        raise InvitationError(
            _("This invitation has expired. Ask the programme office for a new one."), status=410
        )
    return invitation


def invitation_accept(
    *, token: str, family_name: str, given_name: str, password: str, now: dt.datetime | None = None
) -> User:
    """Create the invited account (the address is its user name) and spend the link."""
    now = now or timezone.now()
    family_name, given_name = (family_name or "").strip(), (given_name or "").strip()
    if not family_name:
        raise InvitationError(_("Family name: write it."), field="family_name")
    if not given_name:
        raise InvitationError(_("Given name: write it."), field="given_name")
    try:
        with transaction.atomic():
            invitation = invitation_for_token(token=token, now=now)
            invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
            invitation_for_token(token=token, now=now)  # again, under the lock: used once only
            user = User(
                username=invitation.email,
                email=invitation.email,
                role=invitation.role,
                last_name=family_name[:150],
                first_name=given_name[:150],
                preferred_language=invitation.language,
                email_verified_at=now,
            )
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise InvitationError(" ".join(error.messages), field="password") from None
            user.set_password(password)
            user.save()
            Invitation.objects.filter(pk=invitation.pk).update(accepted_at=now, user=user)
            audit_record(
                actor=user,
                action="user.invitation_accepted",
                target=invitation,
                data={"user": user.pk, "role": user.role},
            )
    except IntegrityError:  # the address signed up meanwhile
        raise InvitationError(
            _("An account with this e-mail address exists already: log in instead."), status=409
        ) from None
    return user


def invitation_revoke(*, invitation: Invitation, actor: User, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        if not Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now):
            raise InvitationError(_("Only a pending invitation can be withdrawn."), status=409)
        audit_record(actor=actor, action="user.invitation_revoked", target=invitation, data={})

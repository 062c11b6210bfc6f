from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from jpo.core.names import person_name


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    OFFICER = "officer", _("Programme officer (MOFA)")
    REVIEWER = "reviewer", _("Reviewer / interviewer")
    FOCAL_POINT = "focal_point", _("Organization focal point")
    MINISTRY_HR = "ministry_hr", _("Ministry HR officer")
    ANALYST = "analyst", _("Analyst")


class User(AbstractUser):
    """A person who signs in. The role decides what they may see; the scope narrows it."""

    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.APPLICANT)
    organization = models.ForeignKey(
        "programme.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="focal_points",
        help_text=_("For organization focal points: the organization they act for."),
    )
    ministry = models.ForeignKey(
        "programme.Ministry",
        verbose_name=_("ministry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hr_officers",
        help_text=_("For ministry HR officers: the ministry whose civil servants they see."),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=settings.LANGUAGES, default="ja"
    )
    email_verified_at = models.DateTimeField(
        _("e-mail verified at"),
        null=True,
        blank=True,
        help_text=_("When the user opened the verification link sent to their e-mail address."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="focal_point") | models.Q(organization__isnull=False),
                name="focal_point_has_organization",
                violation_error_message=_("An organization focal point must belong to an organization."),
            ),
            models.CheckConstraint(
                condition=~models.Q(role="ministry_hr") | models.Q(ministry__isnull=False),
                name="ministry_hr_has_ministry",
                violation_error_message=_("A ministry HR officer must belong to a ministry."),
            ),
        ]

    def get_full_name(self) -> str:
        """The name in the order its script expects (jpo.core.names), not Django's `first last`."""
        return person_name(self.last_name, self.first_name)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


class AuditEvent(models.Model):
    """One row per write that matters: who did what to which object, with the old and new values."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("object type"), max_length=64)
    target_id = models.CharField(_("object id"), max_length=64)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"


class ThrottleCount(models.Model):
    """Requests counted by one throttle (jpo.accounts.throttle) for one key (scope and client address) in
    its current window. In the database so that every app server and worker process counts together."""

    key = models.CharField(_("key"), max_length=255, unique=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    window_ends = models.DateTimeField(_("window ends"), db_index=True)

    class Meta:
        verbose_name = _("throttle count")
        verbose_name_plural = _("throttle counts")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class Invitation(models.Model):
    """An officer's invitation to join as a reviewer / interviewer: a sign-up link e-mailed to one address,
    usable once and until it expires. Only the token's SHA-256 is stored (the link is in the e-mail)."""

    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.REVIEWER)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="ja")
    token_sha256 = models.CharField(_("SHA-256 of the link's token"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"

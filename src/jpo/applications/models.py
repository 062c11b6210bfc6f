from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jpo.applications.workflow import Status


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class Applicant(models.Model):
    """A person who applies (possibly in several cycles)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applicant",
    )
    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name_kana = models.CharField(_("family name (kana)"), max_length=100, blank=True)
    given_name_kana = models.CharField(_("given name (kana)"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices, default=Sex.UNDISCLOSED)
    email = models.EmailField(_("e-mail address"))
    nationalities = models.JSONField(_("nationalities"), default=list, help_text=_("ISO 3166 alpha-2 codes."))
    is_synthetic = models.BooleanField(
        _("synthetic (demonstration) person"),
        default=False,
        help_text=_("Created by `jpo demo`; not a real person."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["family_name", "given_name", "birth_date"])]

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name}"


class Application(models.Model):
    """An applicant in one cycle and track. Its status moves only through the workflow table."""

    applicant = models.ForeignKey(
        Applicant, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="applications"
    )
    cycle = models.ForeignKey(
        "programme.Cycle", verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="applications"
    )
    track = models.ForeignKey(
        "programme.Track", verbose_name=_("track"), on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    receipt_number = models.CharField(_("receipt number"), max_length=32, unique=True, null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    is_civil_servant = models.BooleanField(_("national civil servant"), default=False)
    ministry = models.ForeignKey(
        "programme.Ministry",
        verbose_name=_("home ministry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    forwarded_to = models.ForeignKey(
        "programme.Organization",
        verbose_name=_("forwarded to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forwarded_applications",
        help_text=_("Organization track: the organization whose focal point runs stage two."),
    )
    preferred_organizations = models.ManyToManyField(
        "programme.Organization",
        verbose_name=_("preferred organizations"),
        through="Preference",
        related_name="preferred_by",
        blank=True,
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Guards against lost updates.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-cycle__fiscal_year", "applicant__family_name"]
        constraints = [
            models.UniqueConstraint(fields=["applicant", "cycle"], name="application_one_per_cycle"),
            models.CheckConstraint(
                condition=models.Q(is_civil_servant=False) | models.Q(ministry__isnull=False),
                name="application_civil_servant_has_ministry",
                violation_error_message=_("A national civil servant must name a home ministry."),
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(submitted_at__isnull=False)
                | models.Q(status="withdrawn"),
                name="application_submitted_has_time",
                violation_error_message=_("A submitted application records when it was submitted."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in Status]),
                name="application_status_known",
            ),
        ]
        indexes = [models.Index(fields=["cycle", "status"])]

    def __str__(self) -> str:
        return f"{self.applicant} — {self.cycle}"


class Preference(models.Model):
    """One organization an application names, in the applicant's order of preference."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="preferences")
    organization = models.ForeignKey("programme.Organization", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"))

    class Meta:
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")
        ordering = ["application", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["application", "rank"], name="preference_unique_rank"),
            models.UniqueConstraint(
                fields=["application", "organization"], name="preference_unique_organization"
            ),
            models.CheckConstraint(condition=models.Q(rank__gte=1), name="preference_rank_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.organization_id}"


class StatusChange(models.Model):
    """Who moved an application from which status to which, when and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"

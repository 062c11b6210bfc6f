from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from jpo.applications.workflow import Status
from jpo.core.names import person_name
from jpo.programme.vocabulary import DegreeLevel, DocumentKind, EmploymentType, LanguageTestKind, Sector


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
    purged_at = models.DateTimeField(
        _("anonymised at"),
        null=True,
        blank=True,
        help_text=_("When `jpo purge` removed this person's personal data after the retention period."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["family_name", "given_name", "birth_date"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """The name in the order its script expects (jpo.core.names): 山田 花子, Susan Banks."""
        return person_name(self.family_name, self.given_name, self.family_name_kana, self.given_name_kana)


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
    civil_servant_position = models.CharField(
        _("position and grade (civil servants)"), max_length=200, blank=True
    )
    former_jpo = models.BooleanField(_("former JPO or associate expert"), default=False)
    international_organization_staff = models.BooleanField(
        _("current or former regular professional staff of an international organization"), default=False
    )
    prior_service_details = models.TextField(_("details of prior service"), blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Guards against lost updates.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        # No default ordering: it joined the cycle and the applicant into every query of applications
        # (and of their children, ordered by "application"). A list says its own order_by.
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
    post = models.ForeignKey(
        "programme.Post",
        verbose_name=_("post"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Optional: one post of that organization in the cycle."),
    )

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


# --- What the applicant declares (the application form) -------------------------------------------


class Degree(models.Model):
    """A degree held, or expected by a date (the policy decides which deadline applies in the cycle)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="degrees")
    level = models.CharField(_("level"), max_length=12, choices=DegreeLevel.choices)
    field = models.CharField(_("field of study"), max_length=200)
    institution = models.CharField(_("university"), max_length=200)
    awarded = models.DateField(_("date awarded"), null=True, blank=True)
    expected = models.DateField(_("expected date"), null=True, blank=True)

    class Meta:
        verbose_name = _("degree")
        verbose_name_plural = _("degrees")
        ordering = ["application", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(awarded__isnull=False) & models.Q(expected__isnull=True))
                | (models.Q(awarded__isnull=True) & models.Q(expected__isnull=False)),
                name="degree_awarded_or_expected",
                violation_error_message=_(
                    "A degree is either awarded (with its date) or expected (with a date)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} — {self.field}"


class EmploymentPeriod(models.Model):
    """One job. `end` empty means ongoing. Overlapping periods are allowed but count once (policy)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="employment")
    employer = models.CharField(_("employer"), max_length=200)
    title = models.CharField(_("job title"), max_length=200)
    start = models.DateField(_("start date"))
    end = models.DateField(_("end date"), null=True, blank=True, help_text=_("Leave empty if ongoing."))
    type = models.CharField(_("type of work"), max_length=12, choices=EmploymentType.choices)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    description = models.TextField(_("duties"), blank=True)

    class Meta:
        verbose_name = _("employment period")
        verbose_name_plural = _("employment periods")
        ordering = ["application", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="employment_end_after_start",
                violation_error_message=_("An employment period cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.start}–{self.end or ''}"


class LanguageTest(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="language_tests")
    test = models.CharField(_("test"), max_length=12, choices=LanguageTestKind.choices)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    taken = models.DateField(_("date taken"))

    class Meta:
        verbose_name = _("language test")
        verbose_name_plural = _("language tests")
        ordering = ["application", "taken", "id"]

    def __str__(self) -> str:
        return f"{self.get_test_display()} {self.score}"


class DraftStep(models.Model):
    """What the applicant last typed in one step of the form, valid or not: nothing typed is lost."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="draft_steps")
    step = models.CharField(_("step"), max_length=20)
    data = models.JSONField(_("data as typed"), default=dict)
    is_valid = models.BooleanField(_("valid"), default=False)
    saved_at = models.DateTimeField(_("saved at"), auto_now=True)

    class Meta:
        verbose_name = _("draft step")
        verbose_name_plural = _("draft steps")
        constraints = [models.UniqueConstraint(fields=["application", "step"], name="draft_step_unique")]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.step}"


# --- Documents ------------------------------------------------------------------------------------


def document_upload_to(instance: Document, filename: str) -> str:
    """A generated name: the applicant's file name never reaches the file system."""
    return f"applications/{instance.public_id.hex[:2]}/{instance.public_id.hex}.pdf"


class Document(models.Model):
    """One PDF an applicant uploaded, stored outside the web root and served only through a checked view."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    pages = models.PositiveIntegerField(_("pages"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["application", "kind"]
        constraints = [models.UniqueConstraint(fields=["application", "kind"], name="document_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


# --- Submission, self-check, duplicates ------------------------------------------------------------


class Submission(models.Model):
    """The frozen snapshot of an application and its documents (with their SHA-256) at submission."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="submission")
    receipt_number = models.CharField(_("receipt number"), max_length=32, unique=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    snapshot = models.JSONField(_("snapshot"))
    snapshot_sha256 = models.CharField(_("SHA-256 of the snapshot"), max_length=64)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return self.receipt_number


class CheckKind(models.TextChoices):
    SELF = "self", _("Self-check")
    SUBMISSION = "submission", _("At submission")


class EligibilityCheck(models.Model):
    """One run of the `jpo.policy` engine on an application, kept so the officer sees what needs review."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="eligibility_checks")
    kind = models.CharField(_("kind"), max_length=12, choices=CheckKind.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    eligible = models.BooleanField(_("eligible"))
    needs_review = models.BooleanField(_("needs review"), default=False)
    rules_version = models.CharField(_("rules version"), max_length=64, blank=True)
    criteria = models.JSONField(_("criteria"), default=list)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("eligibility check")
        verbose_name_plural = _("eligibility checks")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["kind", "needs_review"]),
            # The officer's "needs review" list: the checks still to review, in the order they came in
            # (a page reads 50 entries of this index instead of sorting every submission check). The
            # condition names no value of `kind`: SQLite uses a partial index only when the query's
            # WHERE repeats its condition, and the query passes `kind` as a parameter.
            models.Index(
                fields=["kind", "id"],
                condition=models.Q(needs_review=True, reviewed_at__isnull=True),
                name="eligibilitycheck_to_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind} {self.at:%Y-%m-%d}"


class DuplicateReason(models.TextChoices):
    NAME_AND_BIRTH_DATE = "name_birth_date", _("Same name and date of birth")
    EMAIL = "email", _("Same e-mail address")


class DuplicateFlag(models.Model):
    """Two applicant records that may be one person (one person, one account): the officer decides."""

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="duplicate_flags")
    other = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=DuplicateReason.choices)
    flagged_at = models.DateTimeField(_("flagged at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["-flagged_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["applicant", "other", "reason"], name="duplicate_flag_unique"),
            models.CheckConstraint(
                condition=~models.Q(applicant=models.F("other")), name="duplicate_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant_id} ~ {self.other_id} ({self.reason})"


class EndorsementStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("endorsement status", "Requested")
    ENDORSED = "endorsed", pgettext_lazy("endorsement status", "Endorsed")
    DECLINED = "declined", pgettext_lazy("endorsement status", "Declined")


class EndorsementRequest(models.Model):
    """A civil servant's application asks the home ministry's HR officer for the ministry's endorsement."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="endorsement")
    ministry = models.ForeignKey("programme.Ministry", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=EndorsementStatus.choices, default=EndorsementStatus.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Required when the endorsement is declined.")
    )

    class Meta:
        verbose_name = _("endorsement request")
        verbose_name_plural = _("endorsement requests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="requested", decided_at__isnull=True)
                | (~models.Q(status="requested") & models.Q(decided_at__isnull=False)),
                name="endorsement_decided_has_time",
                violation_error_message=_("A decided endorsement records when it was decided."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(reason=""),
                name="endorsement_decline_has_reason",
                violation_error_message=_("A declined endorsement gives its reason."),
            ),
        ]
        indexes = [models.Index(fields=["ministry", "status"])]

    def __str__(self) -> str:
        return f"{self.application_id} {self.ministry_id} {self.status}"


class PersonalDataAccess(models.Model):
    """One row each time a member of staff reads an applicant's personal data (who, what, when)."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("read by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("applicant"), on_delete=models.CASCADE, related_name="data_accesses"
    )
    what = models.CharField(_("what was read"), max_length=64)
    target_type = models.CharField(_("object type"), max_length=64)
    target_id = models.CharField(_("object id"), max_length=64)
    path = models.CharField(_("page"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["applicant", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.what} {self.applicant_id}"

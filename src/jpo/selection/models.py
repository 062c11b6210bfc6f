"""Selection: screening against `jpo.policy`, scored document review, stage two, notifications.

Application status never changes here directly: every move goes through
`jpo.applications.services.application_transition` (see `jpo.selection.services.decisions`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jpo.applications.workflow import Status

# --- Screening ------------------------------------------------------------------------------------


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ScreeningRun(models.Model):
    """One bulk screening of a cycle (or one bulk application of its results): the progress bar's row."""

    class Kind(models.TextChoices):
        SCREEN = "screen", _("Screening with the eligibility rules")
        APPLY = "apply", _("Moving statuses to the screening outcome")

    cycle = models.ForeignKey("programme.Cycle", on_delete=models.CASCADE, related_name="screening_runs")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.SCREEN)
    status = models.CharField(_("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.PENDING)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The worker's sign of life (see jpo.leases): a run whose heartbeat stops is marked failed.
    heartbeat_at = models.DateTimeField(_("last sign of progress"), null=True, blank=True)
    total = models.PositiveIntegerField(_("applications"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    rules_version = models.CharField(_("rules version"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.kind} {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    @property
    def progress_percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        return int(100 * self.processed / self.total) if self.total else 0


class ScreeningOutcome(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    NEEDS_REVIEW = "needs_review", _("Needs review")


class CriterionOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not met")
    NEEDS_REVIEW = "needs_review", _("Needs review")


class Screening(models.Model):
    """The latest screening of one application: the engine's answer and the officer's overrides."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="screening"
    )
    run = models.ForeignKey(ScreeningRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rules_version = models.CharField(_("rules version"), max_length=64)
    profile_sha256 = models.CharField(_("SHA-256 of the profile judged"), max_length=64)
    engine_outcome = models.CharField(
        _("outcome of the rules"), max_length=12, choices=ScreeningOutcome.choices
    )
    outcome = models.CharField(
        _("outcome (with overrides)"), max_length=12, choices=ScreeningOutcome.choices, db_index=True
    )
    error = models.TextField(_("why the rules could not judge"), blank=True)
    screened_at = models.DateTimeField(_("screened at"))
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        ordering = ["application_id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.outcome}"


class ScreeningCriterion(models.Model):
    """One criterion's result for one application, as the rules gave it, and an optional override."""

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="criteria")
    criterion = models.CharField(_("criterion"), max_length=20)
    outcome = models.CharField(_("outcome of the rules"), max_length=12, choices=CriterionOutcome.choices)
    message_en = models.TextField(_("message (English)"))
    message_ja = models.TextField(_("message (Japanese)"))
    override = models.CharField(
        _("officer's override"), max_length=12, choices=CriterionOutcome.choices, blank=True
    )
    override_reason = models.TextField(_("reason for the override"), blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override_at = models.DateTimeField(_("overridden at"), null=True, blank=True)

    class Meta:
        verbose_name = _("screening criterion")
        verbose_name_plural = _("screening criteria")
        ordering = ["screening", "id"]
        constraints = [
            models.UniqueConstraint(fields=["screening", "criterion"], name="screening_criterion_unique"),
            models.CheckConstraint(
                condition=models.Q(override="") | ~models.Q(override_reason=""),
                name="screening_override_has_reason",
                violation_error_message=_("An override needs a written reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.screening_id}/{self.criterion}: {self.effective}"

    @property
    def effective(self) -> str:
        return self.override or self.outcome


# --- Document review ------------------------------------------------------------------------------


class Rubric(models.Model):
    """How documents are scored in a cycle: criteria with weights, one integer scale, blind or not."""

    cycle = models.OneToOneField("programme.Cycle", on_delete=models.CASCADE, related_name="rubric")
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=5)
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"), default=2, validators=[MinValueValidator(1)]
    )
    blind = models.BooleanField(
        _("blind review"), default=False, help_text=_("Reviewers do not see the name, age or sex.")
    )
    interview_scale_min = models.PositiveSmallIntegerField(_("lowest interview score"), default=1)
    interview_scale_max = models.PositiveSmallIntegerField(_("highest interview score"), default=5)
    written_task_max = models.PositiveSmallIntegerField(_("highest written-task score"), default=100)

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")),
                name="rubric_scale_order",
                violation_error_message=_("The highest score must be above the lowest."),
            ),
            models.CheckConstraint(
                condition=models.Q(interview_scale_max__gt=models.F("interview_scale_min")),
                name="rubric_interview_scale_order",
                violation_error_message=_("The highest interview score must be above the lowest."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.scale_min}–{self.scale_max}"


class RubricCriterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("what to look for"), blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")
        ordering = ["rubric", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="rubric_criterion_weight_positive"),
            models.UniqueConstraint(fields=["rubric", "name"], name="rubric_criterion_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ×{self.weight}"


class ConflictOfInterest(models.Model):
    """A reviewer declared that they must not judge this application (never assigned to it)."""

    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="conflicts"
    )
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "application"], name="conflict_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id} × {self.application_id}"


class ReviewAssignment(models.Model):
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="review_assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["application_id", "reviewer_id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.reviewer_id}"


class Review(models.Model):
    """A reviewer's scores for one assigned application. Submitted once; never edited afterwards."""

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.PROTECT, related_name="review")
    total = models.DecimalField(
        _("weighted score"), max_digits=7, decimal_places=3, help_text=_("Weighted mean on the rubric scale.")
    )
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.total}"


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="review_score_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


class Shortlist(models.Model):
    """The closed first stage of a cycle: the cut-off and the ranking as it stood (its rows:
    ShortlistEntry, kept for audit)."""

    cycle = models.OneToOneField("programme.Cycle", on_delete=models.CASCADE, related_name="shortlist")
    cutoff = models.PositiveIntegerField(_("places on the shortlist"))
    method = models.CharField(_("ranked by"), max_length=8)
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("shortlist")
        verbose_name_plural = _("shortlists")

    def __str__(self) -> str:
        return f"{self.cycle_id}: {self.cutoff}"


class ShortlistEntry(models.Model):
    """One application's row of the ranking as it stood when the shortlist closed (kept for audit, as
    written then: the application's id and receipt number are copied, not followed)."""

    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="entries")
    place = models.PositiveIntegerField(_("place in the order"))
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    receipt_number = models.CharField(_("receipt number"), max_length=32, blank=True)
    position = models.PositiveIntegerField(_("rank"))
    raw_mean = models.FloatField(_("raw mean"), null=True, blank=True)
    z_mean = models.FloatField(_("corrected score"), null=True, blank=True)
    reviews = models.PositiveIntegerField(_("number of reviews"))
    tie = models.BooleanField(_("tie"), default=False)
    shortlisted = models.BooleanField(_("shortlisted"), default=False)

    class Meta:
        verbose_name = _("shortlist entry")
        verbose_name_plural = _("shortlist entries")
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "place"], name="shortlist_entry_place_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.shortlist_id}: {self.place}"


# --- Stage two ------------------------------------------------------------------------------------


class InterviewSlot(models.Model):
    """A time at which one candidate can be interviewed online by a panel."""

    cycle = models.ForeignKey("programme.Cycle", on_delete=models.CASCADE, related_name="interview_slots")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    meeting_url = models.URLField(_("online meeting link"), max_length=500, blank=True)
    panel = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("panel"), related_name="interview_slots", blank=True
    )
    # The iCalendar SEQUENCE of the slot's event (RFC 5545 3.8.7.4): raised at each change sent to
    # calendars (moved, cancelled, left by its candidate, a member taken off the panel).
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)

    class Meta:
        verbose_name = _("interview slot")
        verbose_name_plural = _("interview slots")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="slot_ends_after_start",
                violation_error_message=_("A slot must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.starts_at:%Y-%m-%d %H:%M}"


class Interview(models.Model):
    """Stage two of one application (MOFA track): the English written task and the interview."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="interview"
    )
    slot = models.OneToOneField(
        InterviewSlot, null=True, blank=True, on_delete=models.SET_NULL, related_name="interview"
    )
    confirmed_at = models.DateTimeField(_("slot confirmed at"), null=True, blank=True)
    written_task_score = models.PositiveSmallIntegerField(_("written-task score"), null=True, blank=True)
    written_task_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")

    def __str__(self) -> str:
        return f"{self.application_id} @ {self.slot_id}"


class InterviewScore(models.Model):
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="scores")
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("interview score")
        verbose_name_plural = _("interview scores")
        constraints = [
            models.UniqueConstraint(fields=["interview", "interviewer"], name="interview_score_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.interview_id}/{self.interviewer_id}: {self.score}"


# --- Results released together --------------------------------------------------------------------


class ReleaseStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    RUNNING = "running", pgettext_lazy("release status", "Releasing")
    DONE = "done", pgettext_lazy("release status", "Released")
    CANCELLED = "cancelled", pgettext_lazy("release status", "Cancelled")
    FAILED = "failed", _("Failed")


class Release(models.Model):
    """Prepared decisions of a cycle that take effect, and are e-mailed, together at a chosen time."""

    cycle = models.ForeignKey("programme.Cycle", on_delete=models.CASCADE, related_name="releases")
    release_at = models.DateTimeField(_("release time"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReleaseStatus.choices, default=ReleaseStatus.SCHEDULED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("scheduled at"), auto_now_add=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for the cancellation"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The worker's sign of life (see jpo.leases).
    heartbeat_at = models.DateTimeField(_("last sign of progress"), null=True, blank=True)
    total = models.PositiveIntegerField(_("decisions"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    released = models.PositiveIntegerField(pgettext_lazy("count", "released"), default=0)
    refused = models.PositiveIntegerField(pgettext_lazy("count", "refused"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("release of results")
        verbose_name_plural = _("releases of results")
        ordering = ["-release_at", "-id"]
        indexes = [models.Index(fields=["status", "release_at"])]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.release_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ReleaseStatus.DONE, ReleaseStatus.FAILED, ReleaseStatus.CANCELLED)

    @property
    def progress_percent(self) -> int:
        if self.status == ReleaseStatus.DONE:
            return 100
        return int(100 * self.processed / self.total) if self.total else 0


class PreparedState(models.TextChoices):
    PREPARED = "prepared", pgettext_lazy("decision state", "Prepared")
    RELEASED = "released", pgettext_lazy("decision state", "Released")
    REFUSED = "refused", pgettext_lazy("decision state", "Refused at release")


class PreparedDecision(models.Model):
    """An officer's decision on one application, prepared but not yet in effect: the application keeps its
    status (and the applicant sees nothing) until the release it belongs to runs."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="prepared_decisions"
    )
    decision = models.CharField(_("decision"), max_length=20)
    reason = models.TextField(_("reason"))
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    prepared_at = models.DateTimeField(_("prepared at"))
    release = models.ForeignKey(
        Release, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=PreparedState.choices, default=PreparedState.PREPARED
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    error = models.TextField(_("why it was refused"), blank=True)
    # The result e-mail the release queued (its text and delivery are the outbox's record).
    notification = models.OneToOneField(
        "selection.Notification", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("prepared decision")
        verbose_name_plural = _("prepared decisions")
        ordering = ["application_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(state="prepared"),
                name="one_prepared_decision_per_application",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="prepared_decision_has_reason"),
        ]
        indexes = [models.Index(fields=["state", "release"])]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.decision} ({self.state})"

    @property
    def decision_label(self) -> str:
        return str(Status(self.decision).label)


# --- Notifications --------------------------------------------------------------------------------


class NotificationTemplate(models.Model):
    """The e-mail for one result (the status reached) in one language, editable by officers."""

    cycle = models.ForeignKey("programme.Cycle", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("result"), max_length=20)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Optimistic locking: two officers editing the same template; the second save is refused, not lost.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("notification template")
        verbose_name_plural = _("notification templates")
        ordering = ["cycle", "status", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "status", "language"], name="notification_template_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.status} {self.language}"


class Notification(models.Model):
    """Which result an e-mail of the outbox announced to which application (the e-mail itself, its
    recipient, text, state and retries, is the outbox's row). Recorded in the same transaction as the
    status change."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="notifications"
    )
    status_reached = models.CharField(_("result"), max_length=20)
    language = models.CharField(_("language"), max_length=2)
    email = models.OneToOneField(
        "outbox.Email",
        on_delete=models.CASCADE,
        related_name="selection_notification",
        verbose_name=_("e-mail"),
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-email_id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.status_reached}"

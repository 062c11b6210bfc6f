"""Placement: cost tables, ratings, matching, offers, dispatches, secondments, milestones, outcomes, alumni.

Rules across rows live in `jpo.placement.services`; the models hold single-row invariants only.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from jpo.core.names import person_name
from jpo.programme.labels import fiscal_year_label
from jpo.programme.models import Grade

# ---------------------------------------------------------------------------------------------
# Cost table: editable data. The published terms say JPOs are P-2, step I in year one and step II in year
# two, with allowances by duty station under UN staff rules; it gives no yen figures. The project
# therefore ships no real rates: officers enter them (admin), and a table made for demonstration is
# flagged `is_illustrative` and labelled as such wherever a cost computed from it appears.
# ---------------------------------------------------------------------------------------------


class CostTable(models.Model):
    """Annual rates used to estimate JPO costs, in force from a fiscal year until the next table."""

    fiscal_year = models.PositiveSmallIntegerField(_("in force from fiscal year"), unique=True)
    is_illustrative = models.BooleanField(
        _("illustrative (synthetic) figures"),
        default=True,
        help_text=_(
            "Tick while the rates are made up for demonstration; costs computed from them are labelled."
        ),
    )
    source = models.CharField(_("source of the rates"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cost table")
        verbose_name_plural = _("cost tables")
        ordering = ["-fiscal_year"]

    def __str__(self) -> str:
        label = fiscal_year_label(self.fiscal_year)
        return f"{label} ({_('illustrative (synthetic)')})" if self.is_illustrative else label


class SalaryRate(models.Model):
    """Annual salary for a grade and step (e.g. P-2 step I), in yen."""

    table = models.ForeignKey(
        CostTable, verbose_name=_("cost table"), on_delete=models.CASCADE, related_name="salary_rates"
    )
    grade = models.CharField(_("grade"), max_length=3, choices=Grade.choices)
    step = models.PositiveSmallIntegerField(pgettext_lazy("salary", "step"))
    annual_yen = models.BigIntegerField(_("annual amount (yen)"))

    class Meta:
        verbose_name = _("salary rate")
        verbose_name_plural = _("salary rates")
        ordering = ["table", "grade", "step"]
        constraints = [
            models.UniqueConstraint(fields=["table", "grade", "step"], name="salary_rate_unique"),
            models.CheckConstraint(condition=models.Q(annual_yen__gte=0), name="salary_rate_not_negative"),
            models.CheckConstraint(condition=models.Q(step__gte=1), name="salary_rate_step_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.grade} step {self.step}: {self.annual_yen}"


class DutyStationAllowance(models.Model):
    """Annual allowances (post adjustment, hardship and the like) for a duty station, in yen."""

    table = models.ForeignKey(
        CostTable, verbose_name=_("cost table"), on_delete=models.CASCADE, related_name="allowances"
    )
    duty_station = models.CharField(_("duty station"), max_length=100)
    annual_yen = models.BigIntegerField(_("annual amount (yen)"))

    class Meta:
        verbose_name = _("duty-station allowance")
        verbose_name_plural = _("duty-station allowances")
        ordering = ["table", "duty_station"]
        constraints = [
            models.UniqueConstraint(fields=["table", "duty_station"], name="allowance_unique_station"),
            models.CheckConstraint(condition=models.Q(annual_yen__gte=0), name="allowance_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.duty_station}: {self.annual_yen}"


# ---------------------------------------------------------------------------------------------
# Matching and offers
# ---------------------------------------------------------------------------------------------


class CandidateRating(models.Model):
    """An organization's rating of a candidate recommended or forwarded to it (1 = weak, 5 = strong)."""

    organization = models.ForeignKey(
        "programme.Organization", verbose_name=_("organization"), on_delete=models.CASCADE, related_name="+"
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("candidate"),
        on_delete=models.CASCADE,
        related_name="ratings",
    )
    score = models.PositiveSmallIntegerField(_("rating (1–5)"))
    note = models.TextField(_("note"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("rated at"), auto_now=True)

    class Meta:
        verbose_name = _("candidate rating")
        verbose_name_plural = _("candidate ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "application"], name="rating_one_per_organization"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1) & models.Q(score__lte=5),
                name="rating_score_1_to_5",
                violation_error_message=_("A rating runs from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.application_id} = {self.score}"


class MatchRunStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (officer may adjust)")
    SENT = "sent", _("Sent to the organizations")


class MatchRun(models.Model):
    """One computed recommendation of candidates to posts for a cycle, then adjusted by an officer."""

    cycle = models.ForeignKey(
        "programme.Cycle", verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="match_runs"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=MatchRunStatus.choices, default=MatchRunStatus.DRAFT
    )
    preference_weight = models.PositiveSmallIntegerField(
        _("weight of the candidate's preference (%)"),
        default=50,
        help_text=_("The organization's rating gets the rest."),
    )
    budget_yen = models.BigIntegerField(_("budget constraint (yen)"), null=True, blank=True)
    solver = models.CharField(_("solver"), max_length=40, blank=True)
    objective = models.FloatField(_("total fit"), default=0)
    optimal = models.BooleanField(_("proven optimal"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(preference_weight__lte=100), name="match_run_weight_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} #{self.pk}"


class PairKind(models.TextChoices):
    RECOMMENDED = "recommended", _("Recommended")
    RESERVE = "reserve", _("Reserve")


class MatchPair(models.Model):
    """A candidate paired with a post in a run, with the reasons: preference rank, rating, cost, fit."""

    run = models.ForeignKey(MatchRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="pairs")
    application = models.ForeignKey(
        "applications.Application", verbose_name=_("candidate"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey(
        "programme.Post", verbose_name=_("post"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PairKind.choices, default=PairKind.RECOMMENDED)
    reserve_rank = models.PositiveSmallIntegerField(_("reserve rank"), null=True, blank=True)
    preference_rank = models.PositiveSmallIntegerField(_("preference rank"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("organization's rating"), null=True, blank=True)
    cost_yen = models.BigIntegerField(_("estimated cost (yen)"), null=True, blank=True)
    fit = models.FloatField(_("fit"), default=0)
    adjusted = models.BooleanField(_("set by the officer"), default=False)

    class Meta:
        verbose_name = _("match pair")
        verbose_name_plural = _("match pairs")
        ordering = ["run", "kind", "post", "reserve_rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "application"],
                condition=models.Q(kind="recommended"),
                name="match_one_post_per_candidate",
                violation_error_message=_("A candidate can be recommended for one post only."),
            ),
            models.UniqueConstraint(
                fields=["run", "post"],
                condition=models.Q(kind="recommended"),
                name="match_one_candidate_per_post",
                violation_error_message=_("A post can receive one recommended candidate only."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.post_id} ({self.kind})"


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the candidate's answer")
    ACCEPTED = "accepted", _("Accepted by the candidate, awaiting the organization's confirmation")
    CONFIRMED = "confirmed", _("Confirmed by the organization")
    DECLINED = "declined", _("Declined by the candidate")
    REFUSED = "refused", _("Refused by the organization")
    LAPSED = "lapsed", _("Lapsed: no answer by the deadline")
    WITHDRAWN = "withdrawn", pgettext_lazy("offer", "Withdrawn by the programme office")


OPEN_OFFER_STATUSES = ("pending", "accepted", "confirmed")


class Offer(models.Model):
    """A post offered to a candidate, as a letter: the post's terms, a start, a length and a deadline.

    The candidate accepts (or declines) by the deadline, then the organization confirms (or refuses);
    the moves are in `jpo.placement.workflow`. The terms are copied from the post when the offer is made,
    so the letter keeps saying what was offered if the post is edited later.
    """

    run = models.ForeignKey(
        MatchRun,
        verbose_name=_("run"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offers",
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("candidate"),
        on_delete=models.PROTECT,
        related_name="offers",
    )
    post = models.ForeignKey(
        "programme.Post", verbose_name=_("post"), on_delete=models.PROTECT, related_name="offers"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    from_reserve = models.BooleanField(_("from the reserve list"), default=False)
    duty_station = models.CharField(_("duty station"), max_length=100, blank=True)
    terms_of_reference = models.TextField(_("terms of reference"), blank=True)
    start_date = models.DateField(_("expected start"), null=True, blank=True)
    length_months = models.PositiveSmallIntegerField(_("length (months)"), null=True, blank=True)
    respond_by = models.DateField(_("answer by"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post"],
                condition=models.Q(status__in=OPEN_OFFER_STATUSES),
                name="offer_one_open_per_post",
                violation_error_message=_("This post already has a pending or accepted offer."),
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status__in=OPEN_OFFER_STATUSES),
                name="offer_one_open_per_candidate",
                violation_error_message=_("This candidate already has a pending or accepted offer."),
            ),
            models.CheckConstraint(
                condition=models.Q(length_months__isnull=True) | models.Q(length_months__gte=1),
                name="offer_length_positive",
                violation_error_message=_("An offer lasts at least one month."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.post_id}: {self.status}"


# ---------------------------------------------------------------------------------------------
# Dispatch, extensions, costs, secondment
# ---------------------------------------------------------------------------------------------


class Dispatch(models.Model):
    """A JPO's assignment to a post: two years in principle, at most three (see jpo.policy)."""

    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="dispatch",
    )
    post = models.ForeignKey(
        "programme.Post", verbose_name=_("post"), on_delete=models.PROTECT, related_name="dispatches"
    )
    offer = models.OneToOneField(
        Offer,
        verbose_name=_("offer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatch",
    )
    duty_station = models.CharField(_("duty station"), max_length=100, blank=True)
    start_date = models.DateField(_("start"))
    planned_end_date = models.DateField(_("planned end"))
    end_date = models.DateField(_("actual end"), null=True, blank=True)
    extension_reason = models.TextField(
        _("reason for extension"),
        blank=True,
        help_text=_("The latest extension's reason; all are kept as extensions."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, null=True)
    history = HistoricalRecords()

    # Optimistic locking (jpo.safety.versions): a form read before someone else's save is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end_date__gt=models.F("start_date")),
                name="dispatch_planned_end_after_start",
                violation_error_message=_("A dispatch must end after it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gt=models.F("start_date")),
                name="dispatch_end_after_start",
                violation_error_message=_("A dispatch must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.applicant} → {self.post.organization.code} ({self.start_date})"

    @property
    def last_day(self) -> dt.date:
        """The actual end if recorded, else the planned end."""
        return self.end_date or self.planned_end_date


class Extension(models.Model):
    """One extension of a dispatch's planned end, with its reason (up to the policy maximum)."""

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.CASCADE, related_name="extensions"
    )
    previous_planned_end = models.DateField(_("previous planned end"))
    new_planned_end = models.DateField(_("new planned end"))
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["dispatch", "decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(new_planned_end__gt=models.F("previous_planned_end")),
                name="extension_moves_end_later",
                violation_error_message=_("An extension moves the planned end later."),
            ),
            models.CheckConstraint(
                condition=~models.Q(reason=""),
                name="extension_has_reason",
                violation_error_message=_("An extension needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dispatch_id}: {self.previous_planned_end} → {self.new_planned_end}"


class DispatchCost(models.Model):
    """The estimated cost of a dispatch charged to one Japanese fiscal year (1 April to 31 March)."""

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.CASCADE, related_name="costs"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    amount_yen = models.BigIntegerField(_("amount (yen)"))
    is_illustrative = models.BooleanField(_("computed from illustrative rates"), default=True)

    class Meta:
        verbose_name = _("dispatch cost")
        verbose_name_plural = _("dispatch costs")
        ordering = ["dispatch", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["dispatch", "fiscal_year"], name="dispatch_cost_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.dispatch_id} FY{self.fiscal_year}: {self.amount_yen}"


class Secondment(models.Model):
    """For a national civil servant: dispatched under the Dispatch Act (Act No. 117 of 1970) keeping their status."""

    dispatch = models.OneToOneField(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.CASCADE, related_name="secondment"
    )
    ministry = models.ForeignKey(
        "programme.Ministry",
        verbose_name=_("home ministry"),
        on_delete=models.PROTECT,
        related_name="secondments",
    )
    consent_recorded_on = models.DateField(
        _("employee's consent recorded on"),
        help_text=_("Dispatch Act, Art. 2(2): dispatch only with consent."),
    )
    status_kept = models.BooleanField(_("civil-servant status kept"), default=True)
    planned_return_date = models.DateField(_("planned return"))
    npa_consulted_on = models.DateField(
        _("NPA consulted on"),
        null=True,
        blank=True,
        help_text=_("NPA Rule 18-0: a dispatch period longer than 5 years needs consultation with the NPA."),
    )
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    assignment_after_return = models.CharField(_("assignment after return"), max_length=200, blank=True)
    history = HistoricalRecords()

    # Optimistic locking (jpo.safety.versions): a form read before someone else's save is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("secondment")
        verbose_name_plural = _("secondments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(returned_on__isnull=True) | ~models.Q(assignment_after_return=""),
                name="secondment_return_has_assignment",
                violation_error_message=_("A recorded return names the assignment after return."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ministry.code}: {self.dispatch}"


# ---------------------------------------------------------------------------------------------
# Milestones and reminders
# ---------------------------------------------------------------------------------------------


class MilestoneKind(models.TextChoices):
    HEALTH_CHECK = "health_check", _("Health check")
    TRAINING = "training", _("Pre-departure training")
    RETENTION_OUTLOOK = "retention_outlook", _("Retention outlook (6 months before the end)")
    OUTCOME = "outcome", _("Outcome at the end of the dispatch")


class Milestone(models.Model):
    """A dated step of a dispatch; open until done."""

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MilestoneKind.choices)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    notes = models.TextField(_("notes / response"), blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["dispatch", "kind"], name="milestone_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.dispatch_id}: {self.kind} by {self.due_on}"


class Reminder(models.Model):
    """A reminder sent (by a background task) about a milestone: shown in the app and e-mailed."""

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="reminders"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="placement_reminders",
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "email"], name="reminder_once_per_recipient"),
        ]

    def __str__(self) -> str:
        return self.subject


# ---------------------------------------------------------------------------------------------
# Outcomes, career follow-up, alumni
# ---------------------------------------------------------------------------------------------


class OutcomeKind(models.TextChoices):
    REGULAR_POST_SAME = "regular_post_same", _("Regular post at the same organization")
    OTHER_ORGANIZATION = "other_organization", _("Post at another international organization")
    RETURNED_TO_MINISTRY = "returned_to_ministry", _("Returned to the home ministry")
    OTHER_EMPLOYMENT = "other_employment", _("Other employment")
    UNKNOWN = "unknown", _("Unknown")


RETAINED_KINDS = (OutcomeKind.REGULAR_POST_SAME, OutcomeKind.OTHER_ORGANIZATION)


class Outcome(models.Model):
    """What happened at the end of a dispatch: the programme's measure of success."""

    dispatch = models.OneToOneField(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.CASCADE, related_name="outcome"
    )
    kind = models.CharField(_("outcome"), max_length=24, choices=OutcomeKind.choices)
    organization = models.ForeignKey(
        "programme.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grade = models.CharField(_("grade"), max_length=8, blank=True)
    contract_type = models.CharField(_("contract type"), max_length=50, blank=True)
    recorded_on = models.DateField(_("recorded on"))
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind__in=["regular_post_same", "other_organization"])
                | models.Q(organization__isnull=False),
                name="outcome_post_names_organization",
                violation_error_message=_("A post at an international organization names the organization."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dispatch}: {self.get_kind_display()}"


class CareerFollowUp(models.Model):
    """Later career of a former JPO: grade reached, senior post, at a date."""

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    recorded_on = models.DateField(_("as of"))
    organization = models.ForeignKey(
        "programme.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grade = models.CharField(_("grade reached"), max_length=8, blank=True)
    senior_post = models.BooleanField(_("senior post"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("career follow-up")
        verbose_name_plural = _("career follow-ups")
        ordering = ["dispatch", "-recorded_on"]

    def __str__(self) -> str:
        return f"{self.dispatch_id} {self.recorded_on}: {self.grade}"


class AlumniImportStatus(models.TextChoices):
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class AlumniImport(models.Model):
    """One file of alumni rows, imported all or nothing. While it runs it holds a lease (jpo.leases): an
    import whose process was killed is marked failed once its heartbeat is too old, and the file can be
    imported again."""

    file_name = models.CharField(_("file"), max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    row_count = models.PositiveIntegerField(_("rows"))
    status = models.CharField(
        _("status"), max_length=8, choices=AlumniImportStatus.choices, default=AlumniImportStatus.DONE
    )
    heartbeat_at = models.DateTimeField(_("last sign of progress"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    linked_count = models.PositiveIntegerField(_("rows linked to an applicant"), default=0)
    unlinked_rows = models.JSONField(
        _("rows not linked: their keys name more than one person"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("alumni import")
        verbose_name_plural = _("alumni imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.row_count})"


class AlumniRecord(models.Model):
    """A former JPO (or associate expert) since Japan joined the programme in 1974.

    Whose name it is: a person who applied through the system is an `Applicant`, and the applicant record
    owns their name (family and given, with the kana readings). A record linked to its applicant keeps no
    name of its own (`family_name` and `given_name` are empty) and shows the applicant's. Only an alumnus
    the system knows from the roster alone (who never applied through it) has the roster's name here: that
    row is then the person's only identity in the system.
    """

    applicant = models.ForeignKey(
        "applications.Applicant",
        verbose_name=_("applicant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alumni_records",
        help_text=_(
            "The same person as this applicant: set from the dispatch, or on import by the receipt "
            "number or by the e-mail address with the date of birth."
        ),
    )
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    cohort_fiscal_year = models.PositiveSmallIntegerField(_("cohort (fiscal year)"))
    organization = models.ForeignKey(
        "programme.Organization",
        verbose_name=_("organization of the JPO post"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_civil_servant = models.BooleanField(_("national civil servant"), default=False)
    outcome = models.CharField(
        _("outcome"), max_length=24, choices=OutcomeKind.choices, default=OutcomeKind.UNKNOWN
    )
    current_organization = models.CharField(_("current organization"), max_length=200, blank=True)
    current_grade = models.CharField(_("current grade"), max_length=8, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    dispatch = models.OneToOneField(
        Dispatch,
        verbose_name=_("dispatch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alumni",
    )
    batch = models.ForeignKey(
        AlumniImport,
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rows",
    )

    class Meta:
        verbose_name = _("alumni record")
        verbose_name_plural = _("alumni records")
        ordering = ["cohort_fiscal_year", "family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["family_name", "given_name", "cohort_fiscal_year", "organization"],
                condition=models.Q(applicant__isnull=True),
                name="alumni_unique_person_cohort",
            ),
            models.UniqueConstraint(
                fields=["applicant", "cohort_fiscal_year", "organization"],
                condition=models.Q(applicant__isnull=False),
                name="alumni_unique_applicant_cohort",
            ),
            models.CheckConstraint(
                condition=models.Q(applicant__isnull=False) | ~models.Q(family_name=""),
                name="alumni_named_or_linked",
                violation_error_message=_("An alumnus who is not an applicant needs a family name."),
            ),
            models.CheckConstraint(
                condition=models.Q(cohort_fiscal_year__gte=1974) & models.Q(cohort_fiscal_year__lte=2100),
                name="alumni_cohort_since_1974",
                violation_error_message=_("Japan joined the JPO programme in 1974."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({fiscal_year_label(self.cohort_fiscal_year)})"

    @property
    def full_name(self) -> str:
        """The name in the order its script expects (jpo.core.names): the applicant's when linked."""
        if self.applicant is not None:
            return self.applicant.full_name
        return person_name(self.family_name, self.given_name)

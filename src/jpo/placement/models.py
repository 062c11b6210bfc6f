from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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
    start_date = models.DateField(_("start"))
    planned_end_date = models.DateField(_("planned end"))
    end_date = models.DateField(_("actual end"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for extension"), blank=True)
    history = HistoricalRecords()

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
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    assignment_after_return = models.CharField(_("assignment after return"), max_length=200, blank=True)
    history = HistoricalRecords()

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


class OutcomeKind(models.TextChoices):
    REGULAR_POST_SAME = "regular_post_same", _("Regular post at the same organization")
    OTHER_ORGANIZATION = "other_organization", _("Post at another international organization")
    RETURNED_TO_MINISTRY = "returned_to_ministry", _("Returned to the home ministry")
    OTHER_EMPLOYMENT = "other_employment", _("Other employment")
    UNKNOWN = "unknown", _("Unknown")


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

"""Inputs of the desirable ranges. Every row names its source."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jpo.programme.labels import get_language_short, published_date_label


class RepresentationStatus(models.TextChoices):
    UNREPRESENTED = "unrepresented", _("Unrepresented")
    UNDER = "under", _("Under-represented")
    WITHIN = "within", _("Within range")
    OVER = "over", _("Over-represented")


class MemberState(models.Model):
    iso3 = models.CharField(_("ISO 3166 alpha-3 code"), max_length=3, unique=True)
    m49 = models.CharField(_("M49 code"), max_length=3)
    name = models.CharField(_("name"), max_length=200)
    name_ja = models.CharField(
        _("name (Japanese)"),
        max_length=200,
        blank=True,
        help_text=_(
            "As the Ministry of Foreign Affairs writes it: https://www.mofa.go.jp/mofaj/area/index.html"
        ),
    )
    admission_date = models.DateField(
        _("admitted to the UN"), null=True, blank=True, help_text=_("Blank where the sources disagree.")
    )
    source = models.CharField(_("source"), max_length=500)

    class Meta:
        verbose_name = _("Member State")
        verbose_name_plural = _("Member States")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language (the English name where no Japanese one is recorded)."""
        return self.name_ja if self.name_ja and get_language_short() == "ja" else self.name


class AssessmentRate(models.Model):
    """A State's rate in the UN regular-budget scale of assessments for one period (per cent)."""

    state = models.ForeignKey(
        MemberState, verbose_name=_("Member State"), on_delete=models.CASCADE, related_name="assessment_rates"
    )
    period = models.CharField(_("period"), max_length=9, help_text=_("e.g. 2016-2018"))
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    rate_pct = models.DecimalField(_("rate (per cent)"), max_digits=6, decimal_places=3)
    source = models.CharField(_("source"), max_length=500)

    class Meta:
        verbose_name = _("scale of assessments rate")
        verbose_name_plural = _("scale of assessments rates")
        ordering = ["period", "state__name"]
        constraints = [
            models.UniqueConstraint(fields=["state", "period"], name="assessment_rate_unique_state_period"),
            models.CheckConstraint(
                condition=models.Q(rate_pct__gte=0) & models.Q(rate_pct__lte=100),
                name="assessment_rate_between_0_and_100",
            ),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")), name="assessment_rate_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.state_id} {self.period} {self.rate_pct}"


class Population(models.Model):
    state = models.ForeignKey(
        MemberState, verbose_name=_("Member State"), on_delete=models.CASCADE, related_name="populations"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.PositiveBigIntegerField(_("population"))
    source = models.CharField(_("source"), max_length=500)

    class Meta:
        verbose_name = _("population")
        verbose_name_plural = _("populations")
        ordering = ["year", "state__name"]
        constraints = [models.UniqueConstraint(fields=["state", "year"], name="population_unique_state_year")]

    def __str__(self) -> str:
        return f"{self.state_id} {self.year} {self.population}"


class StaffCount(models.Model):
    """Nationals of a State in UN Secretariat posts subject to geographical distribution, at a date."""

    state = models.ForeignKey(
        MemberState, verbose_name=_("Member State"), on_delete=models.CASCADE, related_name="staff_counts"
    )
    as_of = models.DateField(_("as at"))
    as_of_label = models.CharField(
        _("as at (as published)"), max_length=40, blank=True, help_text=_("e.g. “end 2017”, “March 2019”.")
    )
    staff = models.PositiveIntegerField(_("staff"))
    published_range = models.CharField(
        _("range published at that date"), max_length=40, blank=True, help_text=_("As the source gives it.")
    )
    source = models.CharField(_("source"), max_length=500)

    class Meta:
        verbose_name = _("staff count")
        verbose_name_plural = _("staff counts")
        ordering = ["state__name", "as_of"]
        constraints = [
            models.UniqueConstraint(fields=["state", "as_of"], name="staff_count_unique_state_date")
        ]

    def __str__(self) -> str:
        return f"{self.state_id} {self.as_of} {self.staff}"

    @property
    def as_of_shown(self) -> str:
        """The date as published, in the reader's language: "March 2019" / "2019年3月" (programme.labels)."""
        return published_date_label(self.as_of_label) or self.as_of.isoformat()

    @property
    def published_range_shown(self) -> str:
        """The range as published; where only the desirable midpoint was published ("desirable 203"), that
        word in the reader's language."""
        found = re.fullmatch(r"desirable (\d+)", self.published_range.strip())
        if found:
            return gettext("desirable %(count)s") % {"count": found.group(1)}
        return self.published_range


class PublishedStatusCount(models.Model):
    """How many Member States had a status at a date, as the UN published it (not computed here)."""

    as_of = models.DateField(_("as at"))
    status = models.CharField(_("status"), max_length=16, choices=RepresentationStatus.choices)
    count = models.PositiveIntegerField(_("number of Member States"))
    source = models.CharField(_("source"), max_length=500)

    class Meta:
        verbose_name = _("published status count")
        verbose_name_plural = _("published status counts")
        ordering = ["-as_of", "status"]
        constraints = [
            models.UniqueConstraint(fields=["as_of", "status"], name="published_status_count_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.as_of} {self.status} {self.count}"


class ReferenceLoadStatus(models.TextChoices):
    RUNNING = "running", _("Loading")
    DONE = "done", _("Loaded")
    FAILED = "failed", _("Failed")


class ReferenceLoad(models.Model):
    """One run of loading the reference data (`jpo load_representation`). While it runs it holds a lease
    (jpo.leases): a run whose process was killed is marked failed once its heartbeat is too old (nothing
    of it was written: the files go in one transaction), and the load can be run again."""

    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ReferenceLoadStatus.choices, default=ReferenceLoadStatus.RUNNING
    )
    heartbeat_at = models.DateTimeField(_("last sign of progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("reference data load")
        verbose_name_plural = _("reference data loads")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.status}"


class DataLoad(models.Model):
    """One import of a CSV file: what was read and changed (the audit trail points here)."""

    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dataset = models.CharField(_("data set"), max_length=40)
    file_name = models.CharField(_("file"), max_length=500)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_created = models.PositiveIntegerField(_("rows created"), default=0)
    rows_updated = models.PositiveIntegerField(_("rows updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("rows unchanged"), default=0)
    rows_skipped = models.PositiveIntegerField(_("rows skipped"), default=0)

    class Meta:
        verbose_name = _("data load")
        verbose_name_plural = _("data loads")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.dataset} {self.file_name}"

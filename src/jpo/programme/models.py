from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jpo.programme.labels import fiscal_year_label, get_language_short
from jpo.programme.vocabulary import Grade  # one of the JPO grades of the one list of staff grades


class OrganizationKind(models.TextChoices):
    SECRETARIAT = "secretariat", _("UN Secretariat")
    FUND_PROGRAMME = "fund_programme", _("UN fund or programme")
    SPECIALIZED_AGENCY = "specialized_agency", _("Specialized agency")
    RELATED = "related", _("Related organization")
    OTHER = "other", _("Other international organization")


class Organization(models.Model):
    """An international organization (never an IFI: the World Bank, IMF and other IFIs take no Japanese JPOs)."""

    code = models.SlugField(_("code"), max_length=20, unique=True, help_text=_("Acronym, e.g. UNDP."))
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=OrganizationKind.choices)
    headquarters = models.CharField(_("headquarters"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    # A code of the staff statistics that names a partner under another code (the CEB census's "UN" is
    # the partner "UN-SECRETARIAT"): set from `census_codes` in reference/organizations.yaml.
    partner = models.ForeignKey(
        "self",
        verbose_name=_("partner organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statistics_codes",
        help_text=_("For a code of the staff statistics: the partner organization it stands for."),
    )

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        """The official name in the current language."""
        return self.name_ja if (translation.get_language() or "").startswith("ja") else self.name_en

    @property
    def reported_as(self) -> Organization:
        """The partner a statistics code stands for, else the organization itself."""
        return self.partner or self


class Agreement(models.Model):
    """That an organization accepts Japanese JPOs from one fiscal year (to another, or open-ended)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="agreements"
    )
    starts_fiscal_year = models.PositiveSmallIntegerField(_("from fiscal year"))
    ends_fiscal_year = models.PositiveSmallIntegerField(_("to fiscal year"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=500)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["organization__code", "starts_fiscal_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_fiscal_year__isnull=True)
                | models.Q(ends_fiscal_year__gte=models.F("starts_fiscal_year")),
                name="agreement_ends_after_start",
                violation_error_message=_("An agreement cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["organization", "starts_fiscal_year"], name="agreement_unique_start"
            ),
        ]

    def __str__(self) -> str:
        end = self.ends_fiscal_year or ""
        return f"{self.organization.code} FY{self.starts_fiscal_year}–{end}"


class Ministry(models.Model):
    """A national ministry or agency: the home of a seconded civil servant."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)

    class Meta:
        verbose_name = _("ministry")
        verbose_name_plural = _("ministries")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language: 消費者庁 / Consumer Affairs Agency (never the code, CAA, which
        is for machines: exports and the API)."""
        name = self.name_ja if get_language_short() == "ja" else self.name_en
        return name or self.name_en or self.name_ja or self.code


class Cycle(models.Model):
    """One annual selection round, keyed by the Japanese fiscal year (1 April to 31 March)."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), unique=True)
    reference_date = models.DateField(
        _("reference date"), null=True, blank=True, help_text=_("Date on which the age limit is measured.")
    )
    preregistration_opens = models.DateTimeField(_("pre-registration opens"), null=True, blank=True)
    preregistration_closes = models.DateTimeField(_("pre-registration closes"), null=True, blank=True)
    applications_open = models.DateTimeField(_("applications open"), null=True, blank=True)
    applications_close = models.DateTimeField(_("applications close"), null=True, blank=True)
    slots = models.PositiveIntegerField(_("slots"), null=True, blank=True)
    budget_yen = models.BigIntegerField(_("budget (yen)"), null=True, blank=True)
    source = models.CharField(_("source of the windows"), max_length=500, blank=True)
    history = HistoricalRecords()

    # Optimistic locking (jpo.safety.versions): a form read before someone else's save is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["-fiscal_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fiscal_year__gte=1974) & models.Q(fiscal_year__lte=2100),
                name="cycle_fiscal_year_range",
                violation_error_message=_("Japan joined the JPO programme in 1974."),
            ),
            models.CheckConstraint(
                condition=models.Q(applications_close__isnull=True)
                | models.Q(applications_open__isnull=True)
                | models.Q(applications_close__gt=models.F("applications_open")),
                name="cycle_application_window_order",
                violation_error_message=_("The application window must close after it opens."),
            ),
            models.CheckConstraint(
                condition=models.Q(preregistration_closes__isnull=True)
                | models.Q(preregistration_opens__isnull=True)
                | models.Q(preregistration_closes__gt=models.F("preregistration_opens")),
                name="cycle_preregistration_window_order",
                violation_error_message=_("The pre-registration window must close after it opens."),
            ),
            models.CheckConstraint(
                condition=models.Q(budget_yen__isnull=True) | models.Q(budget_yen__gte=0),
                name="cycle_budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def code(self) -> str:
        """The cycle's code for machines (files, the API, the command line): FY2027."""
        return f"FY{self.fiscal_year}"

    @property
    def label(self) -> str:
        """The fiscal year as the reader's language writes it: FY2027, 2027年度."""
        return fiscal_year_label(self.fiscal_year)

    @property
    def starts_on(self) -> dt.date:
        return dt.date(self.fiscal_year, 4, 1)


class TrackKind(models.TextChoices):
    MOFA = "mofa", _("MOFA track")
    ORGANIZATION = "organization", _("Organization track")


class Track(models.Model):
    """A selection route offered in a cycle. In the organization track the organization runs stage two."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="tracks")
    kind = models.CharField(_("kind"), max_length=16, choices=TrackKind.choices)
    organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("organizations"),
        blank=True,
        related_name="tracks",
        help_text=_("For the organization track: the organizations that run their own second stage."),
    )

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["cycle", "kind"]
        constraints = [models.UniqueConstraint(fields=["cycle", "kind"], name="track_unique_per_cycle")]

    def __str__(self) -> str:
        return f"{self.cycle.code} {self.get_kind_display()}"


class PostStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    FILLED = "filled", _("Filled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Post(models.Model):
    """A JPO position an organization offers in a cycle."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="posts")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="posts"
    )
    title = models.CharField(_("title"), max_length=200)
    duty_station = models.CharField(_("duty station"), max_length=100)
    country_iso3 = models.CharField(_("country (ISO 3166 alpha-3)"), max_length=3, blank=True)
    field = models.CharField(_("field"), max_length=100, blank=True)
    grade = models.CharField(_("grade"), max_length=3, choices=Grade.choices, default=Grade.P2)
    terms_of_reference = models.TextField(_("terms of reference"), blank=True)
    danger_level = models.PositiveSmallIntegerField(
        _("MOFA danger level of the duty station"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PostStatus.choices, default=PostStatus.PROPOSED
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["cycle", "organization__code", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(danger_level__isnull=True) | models.Q(danger_level__lte=4),
                name="post_danger_level_0_to_4",
                violation_error_message=_("MOFA danger levels run from 0 to 4."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization.code}: {self.title} ({self.duty_station}, {self.grade})"

    @property
    def label(self) -> str:
        """What tells a post apart wherever it is chosen or listed: organization, title, duty station,
        grade and cycle (load `organization` and `cycle` with the post)."""
        return f"{self} · {self.cycle.label}"


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class RuleSet(models.Model):
    """The eligibility and placement rules of one cycle, owned by the officer (see `jpo.programme.rules`).

    A cycle has at most one draft and at most one published rule set at a time; publishing a draft
    supersedes the published one, which is kept. Each parameter is a `RuleSetParameter` row.
    """

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="rule_sets"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT
    )
    based_on = models.CharField(_("based on"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    unknown_confirmed = models.JSONField(
        _("unknown parameters confirmed for review"), default=list, blank=True
    )
    history = HistoricalRecords()

    # Optimistic locking (jpo.safety.versions): a form read before someone else's save is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["cycle", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle"], condition=models.Q(status="draft"), name="rule_set_one_draft_per_cycle"
            ),
            models.UniqueConstraint(
                fields=["cycle"],
                condition=models.Q(status="published"),
                name="rule_set_one_published_per_cycle",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle.code} ({self.get_status_display()})"


class RuleSetParameter(models.Model):
    """One parameter of a rule set: its value in the policy YAML files' format, and where it comes from."""

    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("rule set"), on_delete=models.CASCADE, related_name="parameters"
    )
    name = models.CharField(_("parameter"), max_length=64)
    value = models.JSONField(_("value"), null=True, blank=True)
    exceptions = models.JSONField(_("exceptions"), default=dict, blank=True)
    candidates = models.JSONField(_("possible values"), default=list, blank=True)
    uncertain = models.BooleanField(_("weak source"), default=False)
    source_label = models.CharField(_("source"), max_length=500, blank=True)
    source_url = models.URLField(_("source address"), max_length=1000, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    # Optimistic locking (jpo.safety.versions): a form read before someone else's save is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("rule-set parameter")
        verbose_name_plural = _("rule-set parameters")
        ordering = ["rule_set", "name"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "name"], name="rule_set_parameter_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

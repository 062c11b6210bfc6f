"""Census of staff at international organizations, the targets it is measured against, and import provenance.

Every figure keeps its source, reference date and citation. Sources are stored side by side and never
merged: a MOFA count and a CEB count for the same year are two rows with two different `source` values.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jpo.programme.labels import get_language_short, published_date_label
from jpo.programme.vocabulary import STAFF_GRADES, grade_members

ALL = "ALL"  # the "all / not broken down" value of a dimension in import files


class CensusSource(models.TextChoices):
    MOFA = "mofa", _("MOFA survey of Japanese staff in professional and higher posts")
    CEB = "ceb", _("CEB personnel statistics")
    UN_SECRETARIAT = "un_secretariat", _("UN Secretariat composition of staff")
    PRESS = "press", _("Press report (basis not stated)")


class Category(models.TextChoices):
    PROFESSIONAL_HIGHER = "professional_higher", _("Professional and higher")
    GEOGRAPHICAL = "geographical", _("Posts subject to geographical distribution")
    GENERAL_SERVICE = "general_service", _("General Service and related")
    ALL_STAFF = "all", _("All staff categories")
    UNKNOWN = "unknown", _("Not stated by the source")


# A census row's grade: one of the staff grades of the programme's vocabulary (the one list), or all of
# them, or an aggregate the sources publish.
Grade = models.TextChoices(  # type: ignore[call-overload]
    "Grade",
    [
        ("ALL", (ALL, _("All grades / not broken down"))),
        *grade_members(STAFF_GRADES),
        ("P_LEVEL", ("P", _("P-1 to P-5 (aggregate)"))),
        ("SENIOR", ("D+", _("D-1 and above (aggregate)"))),
    ],
)


SENIOR_GRADES = (Grade.D1, Grade.D2, Grade.ASG, Grade.USG)


class Sex(models.TextChoices):
    ALL = "ALL", _("All / not known")
    FEMALE = "F", _("Women")
    MALE = "M", _("Men")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    VALIDATING = "validating", _("Checking rows")
    WRITING = "writing", _("Writing rows")
    DONE = "done", _("Imported")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


class CensusImport(models.Model):
    """Provenance of one imported file: what, from whom, when, which source, how many rows, and what went wrong."""

    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    source = models.CharField(_("source"), max_length=20, choices=CensusSource.choices)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    # The worker's sign of life (see jpo.leases): an import whose heartbeat stops is marked failed.
    heartbeat_at = models.DateTimeField(_("last sign of progress"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows in file"), default=0)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    content = models.BinaryField(_("file content"), null=True, blank=True, editable=False)
    is_reference = models.BooleanField(
        _("shipped reference data"),
        default=False,
        help_text=_("Loaded by the system from its own published series."),
    )

    class Meta:
        verbose_name = _("census import")
        verbose_name_plural = _("census imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_source_display()}, {self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if self.status in (ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED):
            return 100
        if self.status == ImportStatus.WRITING:
            return 90
        if not self.row_count:
            return 0
        return min(85, int(85 * self.rows_checked / self.row_count))

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED)


class CensusRow(models.Model):
    """One published headcount. The natural key is (source, reference date, organization, entity,
    nationality, category, grade, sex, variant): re-importing the same row updates it, never duplicates it.

    Blank `org_code` means all organizations; blank `nationality` means all nationalities.
    """

    source = models.CharField(_("source"), max_length=20, choices=CensusSource.choices)
    reference_date = models.DateField(_("reference date"))
    reference_label = models.CharField(
        _("reference date as published"),
        max_length=60,
        blank=True,
        help_text=_("e.g. 'end 2015', 'Jan 2004', '2000'."),
    )
    organization = models.ForeignKey(
        "programme.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="census_rows",
        db_index=False,  # looked up through the natural key's org_code; fewer indexes, faster imports
    )
    org_code = models.CharField(
        _("organization code"),
        max_length=20,
        blank=True,
        help_text=_("Blank: all organizations in the source."),
    )
    entity = models.CharField(_("sub-entity"), max_length=40, blank=True)
    nationality = models.CharField(
        _("nationality (ISO 3166 alpha-3)"),
        max_length=3,
        blank=True,
        help_text=_("Blank: all nationalities."),
    )
    category = models.CharField(_("staff category"), max_length=20, choices=Category.choices)
    grade = models.CharField(_("grade"), max_length=3, choices=Grade.choices, default=Grade.ALL)
    sex = models.CharField(_("sex"), max_length=3, choices=Sex.choices, default=Sex.ALL)
    variant = models.CharField(
        _("variant"),
        max_length=20,
        blank=True,
        help_text=_("Tells apart two figures published under the same labels (e.g. 481 and 485 for 2001)."),
    )
    headcount = models.PositiveIntegerField(_("headcount"))
    published_rank = models.PositiveSmallIntegerField(_("rank as published"), null=True, blank=True)
    citation = models.CharField(_("citation"), max_length=1000, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    census_import = models.ForeignKey(
        CensusImport,
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rows",
        db_index=False,  # provenance, rarely queried by import; fewer indexes, faster imports
    )

    class Meta:
        verbose_name = _("census row")
        verbose_name_plural = _("census rows")
        ordering = [
            "source",
            "reference_date",
            "org_code",
            "nationality",
            "category",
            "grade",
            "sex",
            "variant",
        ]
        constraints = [
            # Column order serves the dashboard's reads too (nationality, then organization, grade, sex).
            models.UniqueConstraint(
                fields=[
                    "nationality",
                    "org_code",
                    "grade",
                    "sex",
                    "source",
                    "category",
                    "reference_date",
                    "entity",
                    "variant",
                ],
                name="census_row_natural_key",
            ),
            models.CheckConstraint(
                condition=models.Q(org_code="", organization__isnull=True)
                | (~models.Q(org_code="") & models.Q(organization__isnull=False)),
                name="census_row_org_code_matches_organization",
            ),
        ]
        indexes = [
            models.Index(fields=["org_code", "grade", "sex", "nationality", "source"], name="census_org_idx"),
        ]

    def __str__(self) -> str:
        org = self.org_code or "ALL"
        nat = self.nationality or "ALL"
        return f"{self.source} {self.reference_date} {org} {nat} {self.grade} {self.sex}: {self.headcount}"


class FormerJpoFigure(models.Model):
    """A published figure on former JPOs among Japanese staff: a count where given, else the statement itself."""

    reference_date = models.DateField(_("reference date"))
    reference_label = models.CharField(_("reference date as published"), max_length=60)
    organization = models.ForeignKey(
        "programme.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Blank: all organizations."),
    )
    senior_only = models.BooleanField(_("senior posts (D-1 and above) only"), default=False)
    former_jpos = models.PositiveIntegerField(_("former JPOs"), null=True, blank=True)
    of_staff = models.PositiveIntegerField(_("of Japanese staff"), null=True, blank=True)
    statement = models.CharField(_("statement as published"), max_length=200, blank=True)
    citation = models.CharField(_("citation"), max_length=1000)

    class Meta:
        verbose_name = _("former-JPO figure")
        verbose_name_plural = _("former-JPO figures")
        ordering = ["reference_date", "senior_only", "organization__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference_date", "organization", "senior_only"], name="former_jpo_figure_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(former_jpos__isnull=True)
                | models.Q(of_staff__isnull=True)
                | models.Q(former_jpos__lte=models.F("of_staff")),
                name="former_jpo_figure_part_of_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference_label}: {self.former_jpos}/{self.of_staff} {self.statement}"

    @property
    def reference_shown(self) -> str:
        """The reference date as published, in the reader's language (programme.labels)."""
        return published_date_label(self.reference_label) or self.reference_date.isoformat()


class Target(models.Model):
    """A headcount goal with a deadline, measured against one census series (its scope)."""

    name = models.CharField(_("name"), max_length=200)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True)
    slug = models.SlugField(_("code"), max_length=40, unique=True)
    headcount = models.PositiveIntegerField(_("target headcount"))
    deadline = models.DateField(_("deadline"))
    deadline_label = models.CharField(_("deadline as published"), max_length=60, blank=True)
    baseline_headcount = models.PositiveIntegerField(_("baseline headcount"))
    baseline_date = models.DateField(_("baseline date"))
    baseline_label = models.CharField(_("baseline as published"), max_length=60, blank=True)
    scope = models.CharField(
        _("scope"),
        max_length=300,
        help_text=_("What is counted, e.g. Japanese staff in professional and higher posts."),
    )
    source = models.CharField(
        _("census series measured"), max_length=20, choices=CensusSource.choices, default=CensusSource.MOFA
    )
    category = models.CharField(
        _("staff category measured"),
        max_length=20,
        choices=Category.choices,
        default=Category.PROFESSIONAL_HIGHER,
    )
    nationality = models.CharField(_("nationality measured"), max_length=3, default="JPN")
    grade = models.CharField(_("grades measured"), max_length=3, choices=Grade.choices, default=Grade.ALL)
    source_document = models.CharField(_("source document"), max_length=300)
    citation = models.CharField(_("citation"), max_length=1000)
    is_active = models.BooleanField(_("shown on the dashboard"), default=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["-deadline"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gt=models.F("baseline_date")),
                name="target_deadline_after_baseline",
                violation_error_message=_("The deadline must come after the baseline."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the reader's language (the English name where no Japanese one is recorded)."""
        return self.name_ja if self.name_ja and get_language_short() == "ja" else self.name

    @property
    def deadline_shown(self) -> str:
        """The deadline as published, in the reader's language: "Jan 2009" / "2009年1月"."""
        return published_date_label(self.deadline_label) or self.deadline.isoformat()

    @property
    def baseline_shown(self) -> str:
        """The baseline date as published, in the reader's language: "end 2015" / "2015年末"."""
        return published_date_label(self.baseline_label) or self.baseline_date.isoformat()

"""Forms of the application: one per step, plus the PDF upload. Errors name the field and the row.

Every step is posted as typed into a `DraftStep` (valid or not) before it is validated, so nothing
typed is lost; `raw_*` helpers convert between the posted data and that stored copy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jpo.accounts.forms import RealDateField, validate_birth_date
from jpo.accounts.models import User
from jpo.applications.models import (
    Application,
    DegreeLevel,
    DocumentKind,
    EmploymentType,
    LanguageTestKind,
    Sector,
    Sex,
)
from jpo.programme.models import Ministry, Organization, Post, Track
from jpo.programme.selectors import partner_organizations

NOT_IN_FUTURE = _("This date cannot be in the future.")
END_BEFORE_START = _("The end date is before the start date: check the order of the two dates.")
NOT_A_PDF = _("This file is not a PDF. Upload a PDF document (the content is checked, not the file name).")
BROKEN_PDF = _(
    "This PDF cannot be read (it is damaged or not really a PDF). Save it again as PDF and upload it."
)
ENCRYPTED_PDF = _("This PDF is protected by a password. Upload a version without a password.")
TOO_LARGE = _("This file is %(size)s MB; the limit is %(limit)s MB per file.")
EMPTY_FILE = _("This file is empty.")
SKIP_KEYS = {"csrfmiddlewaretoken", "action"}
# Rows of lists start blank, so an untouched extra row posts nothing and is skipped.
BLANK: list[tuple[str, Any]] = [("", "—")]


def raw_from_post(data: QueryDict) -> dict[str, list[str]]:
    return {key: data.getlist(key) for key in data if key not in SKIP_KEYS}


def raw_to_querydict(raw: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in raw.items():
        query.setlist(key, [str(v) for v in values])
    return query


def _not_in_future(value: dt.date | None) -> None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(NOT_IN_FUTURE, code="future")


# --- Step forms -----------------------------------------------------------------------------------


class PersonalForm(forms.Form):
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name_kana = forms.CharField(label=_("Family name (kana)"), max_length=100, required=False)
    given_name_kana = forms.CharField(label=_("Given name (kana)"), max_length=100, required=False)
    birth_date = RealDateField(label=_("Date of birth"), validators=[validate_birth_date])
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    japanese_national = forms.BooleanField(label=_("I hold Japanese nationality"), required=False)
    other_nationalities = forms.CharField(
        label=_("Other nationalities"),
        required=False,
        max_length=100,
        help_text=_("Two-letter country codes separated by commas, e.g. US, FR. Leave empty if none."),
    )

    def clean_other_nationalities(self) -> list[str]:
        text = self.cleaned_data.get("other_nationalities") or ""
        codes = [c.strip().upper() for c in re.split(r"[,\s、，]+", text) if c.strip()]
        bad = [c for c in codes if not re.fullmatch(r"[A-Z]{2}", c)]
        if bad:
            raise forms.ValidationError(
                _("“%(codes)s” is not a two-letter country code (e.g. US)."), params={"codes": ", ".join(bad)}
            )
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        nationalities = (["JP"] if data.get("japanese_national") else []) + [
            c for c in data.get("other_nationalities") or [] if c != "JP"
        ]
        if "other_nationalities" in data and not nationalities:
            self.add_error("japanese_national", _("Give at least one nationality."))
        data["nationalities"] = nationalities
        return data


class DegreeForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=BLANK + DegreeLevel.choices)
    field = forms.CharField(label=_("Field of study"), max_length=200)
    institution = forms.CharField(label=_("University"), max_length=200)
    awarded = RealDateField(label=_("Date awarded"), required=False, validators=[_not_in_future])
    expected = RealDateField(label=_("Expected date (if not yet awarded)"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        if data.get("awarded") and data.get("expected"):
            self.add_error("expected", _("Give either the date awarded or the expected date, not both."))
        elif not data.get("awarded") and not data.get("expected"):
            self.add_error("awarded", _("Give the date awarded, or the expected date if not yet awarded."))
        elif data.get("expected") and data["expected"] < timezone.localdate():
            self.add_error("expected", _("The expected date has passed: give the date awarded instead."))
        return data


class EmploymentForm(forms.Form):
    employer = forms.CharField(label=_("Employer"), max_length=200)
    title = forms.CharField(label=_("Job title"), max_length=200)
    start = RealDateField(label=_("Start date"), validators=[_not_in_future])
    end = RealDateField(
        label=_("End date"),
        required=False,
        validators=[_not_in_future],
        help_text=_("Leave empty if ongoing."),
    )
    type = forms.ChoiceField(label=_("Type of work"), choices=BLANK + EmploymentType.choices)
    sector = forms.ChoiceField(label=_("Sector"), choices=BLANK + Sector.choices)
    description = forms.CharField(label=_("Duties"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", END_BEFORE_START)
        return data


class LanguageTestForm(forms.Form):
    test = forms.ChoiceField(label=_("Test"), choices=BLANK + LanguageTestKind.choices)
    score = forms.DecimalField(label=_("Score"), max_digits=5, decimal_places=1, min_value=Decimal(0))
    taken = RealDateField(label=_("Date taken"), validators=[_not_in_future])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        score, test = data.get("score"), data.get("test")
        if score is None or test is None:
            return data
        if test == LanguageTestKind.TOEFL_IBT and (score > 120 or score != score.to_integral_value()):
            self.add_error("score", _("A TOEFL iBT score is a whole number from 0 to 120."))
        if test == LanguageTestKind.IELTS and (score > 9 or (score * 2) != (score * 2).to_integral_value()):
            self.add_error("score", _("An IELTS band score runs from 0 to 9 in steps of 0.5."))
        return data


class BaseRowFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


DegreeFormSet = forms.formset_factory(
    DegreeForm, formset=BaseRowFormSet, extra=0, can_delete=True, max_num=10
)
EmploymentFormSet = forms.formset_factory(
    EmploymentForm, formset=BaseRowFormSet, extra=0, can_delete=True, max_num=20
)
LanguageTestFormSet = forms.formset_factory(
    LanguageTestForm, formset=BaseRowFormSet, extra=0, can_delete=True, max_num=10
)


def _lang_is_ja() -> bool:
    return (get_language() or "ja").startswith("ja")


class MinistryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name_ja if _lang_is_ja() else obj.name_en)


class TrackChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_kind_display())


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {obj.name_ja if _lang_is_ja() else obj.name_en}"


class PostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.label


class ServiceForm(forms.Form):
    is_civil_servant = forms.BooleanField(label=_("I am a national civil servant"), required=False)
    ministry = MinistryChoiceField(
        label=_("Ministry or agency"), queryset=Ministry.objects.all(), required=False, empty_label="—"
    )
    civil_servant_position = forms.CharField(label=_("Position and grade"), max_length=200, required=False)
    former_jpo = forms.BooleanField(label=_("I have served as a JPO or associate expert"), required=False)
    international_organization_staff = forms.BooleanField(
        label=_("I am or was regular professional staff of an international organization"), required=False
    )
    prior_service_details = forms.CharField(
        label=_("Details of prior service"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_civil_servant") and not data.get("ministry"):
            self.add_error("ministry", _("A national civil servant must name a home ministry."))
        return data


class PreferencesForm(forms.Form):
    """The track, then up to `max_preferences` organizations (and optionally one post each), in order."""

    def __init__(self, *args: Any, application: Application, max_preferences: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.application = application
        self.max_preferences = max_preferences
        cycle = application.cycle
        self.fields["track"] = TrackChoiceField(
            label=_("Track"),
            queryset=Track.objects.filter(cycle=cycle).order_by("kind"),
            widget=forms.RadioSelect,
            empty_label=None,
        )
        organizations = partner_organizations(fiscal_year=cycle.fiscal_year)
        posts = (
            Post.objects.filter(cycle=cycle, organization__in=organizations)
            .exclude(status__in=["refused", "withdrawn"])
            .select_related("organization", "cycle")
        )
        for rank in range(1, max_preferences + 1):
            org_field = OrganizationChoiceField(
                label=_("Organization, choice %(rank)s") % {"rank": rank},
                queryset=organizations,
                required=rank == 1,
                empty_label="—",
            )
            self.fields[f"organization_{rank}"] = org_field
            post_field = PostChoiceField(
                label=_("Post, choice %(rank)s (optional)") % {"rank": rank},
                queryset=posts,
                required=False,
                empty_label="—",
            )
            self.fields[f"post_{rank}"] = post_field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choices: list[tuple[Organization, Post | None]] = []
        seen: set[int] = set()
        gap = False
        for rank in range(1, self.max_preferences + 1):
            organization = data.get(f"organization_{rank}")
            post = data.get(f"post_{rank}")
            if organization is None:
                gap = True
                if post is not None:
                    self.add_error(f"post_{rank}", _("Choose the organization of this post first."))
                continue
            if gap:
                self.add_error(f"organization_{rank}", _("Fill the choices in order, without gaps."))
            if organization.pk in seen:
                self.add_error(f"organization_{rank}", _("This organization is already one of your choices."))
            seen.add(organization.pk)
            if post is not None and post.organization_id != organization.pk:
                self.add_error(f"post_{rank}", _("This post belongs to another organization."))
            choices.append((organization, post))
        track = data.get("track")
        if track is not None and track.kind == "organization" and choices:
            allowed = set(track.organizations.values_list("pk", flat=True))
            if allowed and choices[0][0].pk not in allowed:
                self.add_error(
                    "organization_1",
                    _("In the organization track your first choice must be one of: %(codes)s.")
                    % {
                        "codes": ", ".join(
                            track.organizations.order_by("code").values_list("code", flat=True)
                        )
                    },
                )
        data["choices"] = choices
        return data


# --- Documents ------------------------------------------------------------------------------------


def inspect_pdf(upload: UploadedFile) -> tuple[str, int]:
    """Check an upload is a readable PDF within the size limit; return (sha256, pages) or raise."""
    limit_mb = settings.JPO_MAX_UPLOAD_MB
    size = upload.size or 0
    if size == 0:
        raise forms.ValidationError(EMPTY_FILE, code="empty")
    if size > limit_mb * 1024 * 1024:
        raise forms.ValidationError(
            TOO_LARGE, code="too_large", params={"size": f"{size / 1024 / 1024:.1f}", "limit": limit_mb}
        )
    upload.seek(0)
    head = upload.read(1024)
    if not head.startswith(b"%PDF-"):
        raise forms.ValidationError(NOT_A_PDF, code="not_pdf")
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        assert upload.file is not None
        reader = PdfReader(upload.file, strict=False)
        if reader.is_encrypted:
            raise forms.ValidationError(ENCRYPTED_PDF, code="encrypted")
        pages = len(reader.pages)
    except forms.ValidationError:
        raise
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        RecursionError,
    ) as exc:
        raise forms.ValidationError(BROKEN_PDF, code="broken") from exc
    if pages < 1:
        raise forms.ValidationError(BROKEN_PDF, code="broken")
    upload.seek(0)
    return digest.hexdigest(), pages


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("PDF file"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={"required": _("Choose a PDF file to upload."), "empty": EMPTY_FILE},
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        self.sha256, self.pages = inspect_pdf(upload)
        return upload


class EndorsementDecisionForm(forms.Form):
    """The ministry HR officer's decision: the button pressed (endorse / decline) and, to decline, a reason."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("endorsed", _("Endorse")), ("declined", _("Decline"))],
        error_messages={"required": _("Choose to endorse or to decline.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to decline; shown to the applicant and the programme officer."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "declined" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Write the reason for declining the endorsement."))
        return cleaned


class SignupForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=150,  # it becomes the user name (150 characters at most)
        help_text=_("You will log in with this address. We send a link to check it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    birth_date = RealDateField(label=_("Date of birth"), validators=[validate_birth_date])
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not a common password; not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        # Whether the address is registered is never said here (see signup.applicant_signup_request).
        return str(self.cleaned_data["email"]).strip().lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            probe = User(
                username=data.get("email", ""),
                email=data.get("email", ""),
                first_name=data.get("given_name", ""),
                last_name=data.get("family_name", ""),
            )
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ProfileForm(forms.Form):
    """The person, shared by every application: personal data and the language of e-mails."""

    family_name = forms.CharField(label=_("Family name"), max_length=100)
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name_kana = forms.CharField(label=_("Family name (kana)"), max_length=100, required=False)
    given_name_kana = forms.CharField(label=_("Given name (kana)"), max_length=100, required=False)
    birth_date = RealDateField(label=_("Date of birth"), validators=[validate_birth_date])
    preferred_language = forms.ChoiceField(
        label=_("Language of e-mails"), choices=[("ja", "日本語"), ("en", "English")]
    )

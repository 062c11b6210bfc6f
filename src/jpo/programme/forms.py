"""Forms of the officer's cycle pages and of the public self-check. They parse; services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jpo.applications.models import DegreeLevel, EmploymentType, LanguageTestKind, Sector
from jpo.programme.models import Cycle, Organization
from jpo.programme.services import TOKYO, CycleWindows

WINDOW_FIELDS = ("preregistration_opens", "preregistration_closes", "applications_open", "applications_close")


class JstDateTimeField(forms.DateTimeField):
    """A date and time typed in Japan time (the browser's datetime-local input), stored as an instant."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S")
    input_formats = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]

    def to_python(self, value: Any) -> dt.datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        return parsed.replace(tzinfo=None).replace(tzinfo=TOKYO) if parsed.tzinfo is None else parsed


class CycleForm(forms.Form):
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year"),
        min_value=1974,
        max_value=2100,
        help_text=_("The Japanese fiscal year the dispatched JPOs start in (1 April to 31 March)."),
    )
    preregistration_opens = JstDateTimeField(label=_("Pre-registration opens (Japan time)"), required=False)
    preregistration_closes = JstDateTimeField(label=_("Pre-registration closes (Japan time)"), required=False)
    applications_open = JstDateTimeField(label=_("Applications open (Japan time)"), required=False)
    applications_close = JstDateTimeField(
        label=_("Applications close (Japan time)"),
        required=False,
        help_text=_("The last second accepted, e.g. 18:00:00 or 23:59:59."),
    )
    slots = forms.IntegerField(
        label=_("Slots"),
        min_value=0,
        max_value=1000,
        required=False,
        help_text=_("Leave empty if not decided."),
    )
    mofa_track = forms.BooleanField(label=_("MOFA track"), required=False, initial=True)
    organization_track = forms.BooleanField(label=_("Organization track"), required=False)
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organizations of the organization track"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The organizations that run their own second stage."),
    )
    max_organizations = forms.IntegerField(
        label=_("Organizations an applicant may list"),
        min_value=1,
        max_value=20,
        required=False,
        help_text=_("Saved in the cycle's draft rules. Leave empty if not decided (it is then unknown)."),
    )
    source = forms.CharField(
        label=_("Source of the windows"),
        max_length=500,
        required=False,
        help_text=_("Where the dates are published (the call for applications, a URL)."),
    )

    def __init__(self, *args: Any, cycle: Cycle | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.fields["organizations"].queryset = Organization.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["organizations"].label_from_instance = lambda o: f"{o.code} — {o.name_en}"  # type: ignore[attr-defined]
        if cycle is not None:
            self.fields["fiscal_year"].disabled = True

    @property
    def windows(self) -> CycleWindows:
        return CycleWindows(**{name: self.cleaned_data.get(name) for name in WINDOW_FIELDS})


def shift_year(value: dt.datetime | None, years: int) -> dt.datetime | None:
    """The same Japan-time wall clock `years` later (29 February becomes 28 February)."""
    if value is None:
        return None
    local = value.astimezone(TOKYO)
    try:
        return local.replace(year=local.year + years)
    except ValueError:
        return local.replace(year=local.year + years, day=28)


def cycle_initial_from(previous: Cycle | None, *, fiscal_year: int) -> dict[str, Any]:
    """Initial values of a new cycle: the previous one's windows a year on, its tracks and slots."""
    initial: dict[str, Any] = {"fiscal_year": fiscal_year, "mofa_track": True}
    if previous is None:
        return initial
    years = fiscal_year - previous.fiscal_year
    for name in WINDOW_FIELDS:
        shifted = shift_year(getattr(previous, name), years)
        initial[name] = shifted.replace(tzinfo=None) if shifted is not None else None
    initial["slots"] = previous.slots
    kinds = {t.kind: t for t in previous.tracks.all()}
    initial["mofa_track"] = "mofa" in kinds
    initial["organization_track"] = "organization" in kinds
    if "organization" in kinds:
        initial["organizations"] = [o.pk for o in kinds["organization"].organizations.all()]
    return initial


def cycle_initial(cycle: Cycle) -> dict[str, Any]:
    """The form's values for an existing cycle (windows as Japan-time wall clocks)."""
    initial: dict[str, Any] = {"fiscal_year": cycle.fiscal_year, "slots": cycle.slots, "source": cycle.source}
    for name in WINDOW_FIELDS:
        value = getattr(cycle, name)
        initial[name] = value.astimezone(TOKYO).replace(tzinfo=None) if value is not None else None
    kinds = {t.kind: t for t in cycle.tracks.all()}
    initial["mofa_track"] = "mofa" in kinds
    initial["organization_track"] = "organization" in kinds
    if "organization" in kinds:
        initial["organizations"] = [o.pk for o in kinds["organization"].organizations.all()]
    return initial


# --- The public self-check -------------------------------------------------------------------------

YES_NO = [("no", _("No")), ("yes", _("Yes"))]


class SelfCheckForm(forms.Form):
    """The facts the rules judge, typed by anyone; nothing is stored."""

    birth_date = forms.DateField(label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}))
    nationalities = forms.CharField(
        label=_("Nationalities"),
        max_length=40,
        initial="JP",
        help_text=_("Two-letter country codes separated by commas, e.g. JP or JP, US."),
    )
    national_civil_servant = forms.TypedChoiceField(
        label=_("Are you a national civil servant of Japan?"), choices=YES_NO, coerce=lambda v: v == "yes"
    )
    former_jpo = forms.TypedChoiceField(
        label=_("Have you served as a JPO before?"), choices=YES_NO, coerce=lambda v: v == "yes"
    )
    international_organization_staff = forms.TypedChoiceField(
        label=_("Are you, or have you been, a regular staff member of an international organization?"),
        choices=YES_NO,
        coerce=lambda v: v == "yes",
    )

    def clean_nationalities(self) -> list[str]:
        codes = [c.strip().upper() for c in self.cleaned_data["nationalities"].replace("、", ",").split(",")]
        codes = [c for c in codes if c]
        if not codes:
            raise forms.ValidationError(_("Give at least one nationality."))
        for code in codes:
            if len(code) != 2 or not code.isascii() or not code.isalpha():
                raise forms.ValidationError(
                    _("“%(code)s” is not a two-letter country code (JP for Japan)."), params={"code": code}
                )
        return codes


class _RowForm(forms.Form):
    """One row of a table of rows: each input is labelled with its column and row number."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        number = (self.prefix or "-0").rsplit("-", 1)[-1]
        row = int(number) + 1 if number.isdigit() else 1
        for bound in self.fields.values():
            bound.widget.attrs["aria-label"] = f"{bound.label} ({row})"


class DegreeRowForm(_RowForm):
    level = forms.ChoiceField(label=_("Degree"), choices=[("", "—"), *DegreeLevel.choices], required=False)
    field = forms.CharField(label=_("Field of study"), max_length=100, required=False)
    awarded = forms.DateField(
        label=_("Awarded on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    expected = forms.DateField(
        label=_("Or expected by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("level"):
            if data.get("awarded") or data.get("expected") or data.get("field"):
                raise forms.ValidationError(_("Choose the degree, or clear the row."))
            return data
        if bool(data.get("awarded")) == bool(data.get("expected")):
            raise forms.ValidationError(
                _("Give either the date the degree was awarded or the date expected.")
            )
        return data


class EmploymentRowForm(_RowForm):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label=_("To (empty if ongoing)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    type = forms.ChoiceField(label=_("Kind of work"), choices=EmploymentType.choices, required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("start"):
            if data.get("end"):
                raise forms.ValidationError(_("Give the date the work started, or clear the row."))
            return data
        if data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The work cannot end before it starts."))
        return data


class LanguageRowForm(_RowForm):
    test = forms.ChoiceField(label=_("Test"), choices=[("", "—"), *LanguageTestKind.choices], required=False)
    score = forms.DecimalField(
        label=_("Score"), required=False, min_value=0, max_value=1000, decimal_places=1
    )
    taken = forms.DateField(
        label=_("Taken on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("test"):
            if data.get("score") is not None or data.get("taken"):
                raise forms.ValidationError(_("Choose the test, or clear the row."))
            return data
        if data.get("score") is None or not data.get("taken"):
            raise forms.ValidationError(_("Give the score and the date of the test."))
        return data


DegreeFormSet = forms.formset_factory(DegreeRowForm, extra=3, max_num=3, absolute_max=3)
EmploymentFormSet = forms.formset_factory(EmploymentRowForm, extra=4, max_num=4, absolute_max=4)
LanguageFormSet = forms.formset_factory(LanguageRowForm, extra=2, max_num=2, absolute_max=2)


def self_check_profile(form: SelfCheckForm, degrees: Any, employment: Any, languages: Any) -> dict[str, Any]:
    """The `jpo.policy` profile (the `jpo eligibility` JSON) from the valid forms."""

    def iso(value: dt.date | None) -> str | None:
        return value.isoformat() if value is not None else None

    data = form.cleaned_data
    profile_degrees = []
    for row in (f.cleaned_data for f in degrees.forms):
        if row.get("level"):
            degree: dict[str, Any] = {"level": row["level"], "field": row.get("field") or None}
            degree["awarded" if row.get("awarded") else "expected"] = iso(
                row.get("awarded") or row.get("expected")
            )
            profile_degrees.append(degree)
    jobs = [
        {"start": iso(row["start"]), "end": iso(row.get("end")), "type": row["type"], "sector": row["sector"]}
        for row in (f.cleaned_data for f in employment.forms)
        if row.get("start")
    ]
    tests = []
    for row in (f.cleaned_data for f in languages.forms):
        if row.get("test"):
            score = row["score"]
            tests.append(
                {
                    "test": row["test"],
                    "score": int(score) if score == score.to_integral_value() else float(score),
                    "taken": iso(row["taken"]),
                }
            )
    return {
        "birth_date": iso(data["birth_date"]),
        "nationalities": data["nationalities"],
        "degrees": profile_degrees,
        "employment": jobs,
        "language_tests": tests,
        "national_civil_servant": data["national_civil_servant"],
        "former_jpo": data["former_jpo"],
        "international_organization_staff": data["international_organization_staff"],
    }

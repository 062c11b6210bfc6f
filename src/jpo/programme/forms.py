"""Forms of the officer's cycle pages and of the public self-check. They parse; services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from jpo.programme.models import Cycle, Organization
from jpo.programme.selectors import partner_organizations
from jpo.programme.services import TOKYO, CycleWindows
from jpo.programme.vocabulary import DegreeLevel, EmploymentType, LanguageTestKind, Sector

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
        max_value=10,
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
        # Only partners run an organization track; statistics-only codes are never offered.
        partners = partner_organizations(fiscal_year=cycle.fiscal_year if cycle else None)
        self.fields["organizations"].queryset = partners  # type: ignore[attr-defined]
        self.fields["organizations"].label_from_instance = lambda o: f"{o.code} — {o.name}"  # type: ignore[attr-defined]
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


# --- One parameter of a cycle's rule set -----------------------------------------------------------


class ParameterForm(forms.Form):
    """One parameter of a draft rule set: its value (as its kind takes it), source, note and, once the
    application window has opened, the reason for the change. The service validates the value again
    with the policy's own checks (`jpo.policy.validate_entry`)."""

    state = forms.ChoiceField(label=_("Value"), widget=forms.RadioSelect)
    source_label = forms.CharField(label=_("Source"), max_length=500, required=False)
    source_url = forms.URLField(
        label=_("Source address (URL)"), required=False, assume_scheme="https", max_length=500
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required once the application window has opened; it is kept in the audit log."),
    )

    def __init__(
        self, *args: Any, name: str, fiscal_year: int, reason_required: bool = False, **kwargs: Any
    ) -> None:
        from jpo.policy.validation import KINDS, NULLABLE, TEST_SCALES
        from jpo.programme.selectors import value_labels

        super().__init__(*args, **kwargs)
        self.name, self.fiscal_year = name, fiscal_year
        self.kind, options = KINDS[name]
        self.reason_required = reason_required
        if reason_required:
            self.fields["reason"].required = True
        states = [("known", _("Known")), ("unknown", _("Unknown: cases that depend on it go to review"))]
        if self.kind == "date" and options:
            states.insert(1, ("at_application", _("At the time of application")))
        if name in NULLABLE:
            states.append(("none", _("Does not apply this year")))
        cast(forms.ChoiceField, self.fields["state"]).choices = states
        labels = value_labels()
        value_fields: dict[str, forms.Field] = {}
        if self.kind == "int":
            low, high = options
            value_fields["number"] = forms.IntegerField(label=_("Number"), min_value=low, max_value=high)
        elif self.kind == "date":
            value_fields["date"] = forms.DateField(
                label=_("Date"), widget=forms.DateInput(attrs={"type": "date"})
            )
        elif self.kind == "choice":
            value_fields["choice"] = forms.ChoiceField(
                label=_("Choice"), choices=[(o, labels.get(o, o)) for o in options]
            )
        elif self.kind in ("subset", "int_subset"):
            value_fields["items"] = forms.MultipleChoiceField(
                label=_("Items"),
                choices=[(str(o), labels.get(o, o)) for o in options],
                widget=forms.CheckboxSelectMultiple,
            )
        elif self.kind == "country":
            value_fields["country"] = forms.CharField(
                label=_("Country code"), max_length=2, min_length=2, help_text=_("JP for Japan.")
            )
        elif self.kind == "codes":
            value_fields["codes"] = forms.CharField(
                label=_("Organization codes"),
                max_length=500,
                help_text=_("Separated by commas, e.g. UNDP, WFP."),
            )
        elif self.kind == "language":
            value_fields["mandatory"] = forms.BooleanField(label=_("A score is mandatory"), required=False)
            value_fields["language"] = forms.CharField(label=_("Language"), max_length=40)
            value_fields["accepted_tests"] = forms.MultipleChoiceField(
                label=_("Accepted tests"),
                choices=[(t, labels.get(t, t)) for t in TEST_SCALES],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
            for test, (low, high) in TEST_SCALES.items():
                value_fields[f"minimum_{test}"] = forms.DecimalField(
                    label=_("Minimum %(test)s score") % {"test": labels.get(test, test)},
                    min_value=low,
                    max_value=high,
                    decimal_places=1,
                    required=False,
                )
        for field_name, field in value_fields.items():
            field.required = False
            self.fields[field_name] = field
        self.value_field_names = list(value_fields)
        # The value fields first, after the state.
        order = ["state", *self.value_field_names, "source_label", "source_url", "note", "reason"]
        self.order_fields(order)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("state") != "known":
            return data
        missing = {
            "number": _("Give the number."),
            "date": _("Give the date."),
            "choice": _("Choose one."),
            "items": _("Choose at least one."),
            "country": _("Give the country code."),
            "codes": _("Give at least one organization code."),
            "language": _("Name the language."),
        }
        for field_name, message in missing.items():
            if (
                field_name in self.fields
                and field_name not in self.errors
                and data.get(field_name) in (None, "", [])
            ):
                self.add_error(field_name, message)
        if self.kind == "language" and data.get("mandatory") and not data.get("accepted_tests"):
            self.add_error("accepted_tests", _("A mandatory score needs at least one accepted test."))
        return data

    def value(self) -> Any:
        """The value in the YAML files' format."""
        data = self.cleaned_data
        state = data["state"]
        if state == "unknown":
            return "unknown"
        if state == "none":
            return None
        if state == "at_application":
            return "at_application"
        if self.kind == "int":
            return data["number"]
        if self.kind == "date":
            return data["date"].isoformat()
        if self.kind == "choice":
            return data["choice"]
        if self.kind == "subset":
            return list(data["items"])
        if self.kind == "int_subset":
            return sorted(int(x) for x in data["items"])
        if self.kind == "country":
            return data["country"].strip().upper()
        if self.kind == "codes":
            return [c.strip().upper() for c in data["codes"].split(",") if c.strip()]
        value: dict[str, Any] = {
            "mandatory": bool(data.get("mandatory")),
            "language": data["language"].strip(),
            "accepted_tests": list(data.get("accepted_tests") or []),
        }
        minimum = {
            test: float(data[f"minimum_{test}"])
            for test in value["accepted_tests"]
            if data.get(f"minimum_{test}") is not None
        }
        if minimum:
            value["minimum_scores"] = {t: int(s) if s == int(s) else s for t, s in minimum.items()}
        return value


def parameter_initial(name: str, entry: dict[str, Any] | None, *, fiscal_year: int) -> dict[str, Any]:
    """The form's values for a parameter entry (a relative date shown as the date it is in the cycle)."""
    from jpo.policy.validation import KINDS
    from jpo.programme.selectors import rule_date

    kind = KINDS[name][0]
    entry = entry or {"value": "unknown"}
    source = entry.get("source") or {}
    initial: dict[str, Any] = {
        "source_label": source.get("label") or "",
        "source_url": source.get("url") or "",
        "note": entry.get("note") or "",
    }
    value = entry.get("value")
    if value == "unknown":
        initial["state"] = "unknown"
    elif value is None:
        initial["state"] = "none"
    elif value == "at_application":
        initial["state"] = "at_application"
    else:
        initial["state"] = "known"
        if kind == "int":
            initial["number"] = value
        elif kind == "date":
            initial["date"] = rule_date(value, fiscal_year)
        elif kind == "choice":
            initial["choice"] = value
        elif kind in ("subset", "int_subset"):
            initial["items"] = [str(v) for v in value]
        elif kind == "country":
            initial["country"] = value
        elif kind == "codes":
            initial["codes"] = ", ".join(value)
        elif kind == "language" and isinstance(value, dict):
            initial.update(
                mandatory=bool(value.get("mandatory")),
                language=value.get("language", ""),
                accepted_tests=list(value.get("accepted_tests") or []),
            )
            for test, score in (value.get("minimum_scores") or {}).items():
                initial[f"minimum_{test}"] = score
    return initial

"""The form steps of an application: which form each uses, its data from the models, and how it saves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jpo.accounts.models import User
from jpo.applications import services
from jpo.applications.forms import (
    DegreeFormSet,
    EmploymentFormSet,
    LanguageTestFormSet,
    PersonalForm,
    PreferencesForm,
    ServiceForm,
    raw_to_querydict,
)
from jpo.applications.models import Application

FORMSET_PREFIX = {"education": "degrees", "employment": "employment", "languages": "languages"}
ROW_LABEL = {"education": _("Degree"), "employment": _("Job"), "languages": _("Test")}


def max_preferences(application: Application) -> int:
    """How many organizations an application may name in its cycle (`max_organizations` of the cycle's
    published rule set, else of the policy files).

    Where the rules do not know (before FY2025, no public source), the form asks for one first choice only.
    """
    from jpo.policy import UNKNOWN, UnknownCycleError, parameter
    from jpo.programme.rules.selectors import effective_rules

    try:
        rules = effective_rules(application.cycle)
        value = parameter("max_organizations", application.cycle.fiscal_year, rules=rules).value
    except (UnknownCycleError, LookupError, ValueError):
        return 1
    if value is UNKNOWN or not value:
        return 1
    return int(value)


def build_form(step: str, application: Application, raw: dict[str, list[str]] | None) -> Any:
    data = raw_to_querydict(raw) if raw is not None else None
    if step == "personal":
        return PersonalForm(data)
    if step == "education":
        return DegreeFormSet(data, prefix="degrees")
    if step == "employment":
        return EmploymentFormSet(data, prefix="employment")
    if step == "languages":
        return LanguageTestFormSet(data, prefix="languages")
    if step == "service":
        return ServiceForm(data)
    if step == "preferences":
        return PreferencesForm(data, application=application, max_preferences=max_preferences(application))
    raise KeyError(step)


def _on(value: bool) -> list[str]:
    return ["on"] if value else []


def _d(value: dt.date | None) -> list[str]:
    return [value.isoformat()] if value else [""]


def _rows(prefix: str, rows: list[dict[str, list[str]]]) -> dict[str, list[str]]:
    raw: dict[str, list[str]] = {
        f"{prefix}-TOTAL_FORMS": [str(len(rows) + 1)],
        f"{prefix}-INITIAL_FORMS": ["0"],
        f"{prefix}-MIN_NUM_FORMS": ["0"],
        f"{prefix}-MAX_NUM_FORMS": ["1000"],
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            raw[f"{prefix}-{i}-{key}"] = value
    return raw


def raw_from_models(step: str, application: Application) -> dict[str, list[str]]:
    """The step's saved data in the shape a browser posts it (plus one empty row in lists)."""
    applicant = application.applicant
    if step == "personal":
        nationalities = list(applicant.nationalities or [])
        return {
            "family_name": [applicant.family_name],
            "given_name": [applicant.given_name],
            "family_name_kana": [applicant.family_name_kana],
            "given_name_kana": [applicant.given_name_kana],
            "birth_date": _d(applicant.birth_date),
            "sex": [applicant.sex],
            "japanese_national": _on("JP" in nationalities or not nationalities),
            "other_nationalities": [", ".join(c for c in nationalities if c != "JP")],
        }
    if step == "education":
        return _rows(
            "degrees",
            [
                {
                    "level": [d.level],
                    "field": [d.field],
                    "institution": [d.institution],
                    "awarded": _d(d.awarded),
                    "expected": _d(d.expected),
                }
                for d in application.degrees.all()
            ],
        )
    if step == "employment":
        return _rows(
            "employment",
            [
                {
                    "employer": [p.employer],
                    "title": [p.title],
                    "start": _d(p.start),
                    "end": _d(p.end),
                    "type": [p.type],
                    "sector": [p.sector],
                    "description": [p.description],
                }
                for p in application.employment.all()
            ],
        )
    if step == "languages":
        return _rows(
            "languages",
            [
                {"test": [t.test], "score": [str(t.score)], "taken": _d(t.taken)}
                for t in application.language_tests.all()
            ],
        )
    if step == "service":
        return {
            "is_civil_servant": _on(application.is_civil_servant),
            "ministry": [str(application.ministry_id or "")],
            "civil_servant_position": [application.civil_servant_position],
            "former_jpo": _on(application.former_jpo),
            "international_organization_staff": _on(application.international_organization_staff),
            "prior_service_details": [application.prior_service_details],
        }
    if step == "preferences":
        raw = {"track": [str(application.track_id)]}
        for preference in application.preferences.all():
            raw[f"organization_{preference.rank}"] = [str(preference.organization_id)]
            raw[f"post_{preference.rank}"] = [str(preference.post_id or "")]
        return raw
    raise KeyError(step)


def add_row(step: str, raw: dict[str, list[str]]) -> dict[str, list[str]]:
    key = f"{FORMSET_PREFIX[step]}-TOTAL_FORMS"
    try:
        total = int((raw.get(key) or ["0"])[0])
    except ValueError:
        total = 0
    return {**raw, key: [str(min(total + 1, 20))]}


def save(step: str, application: Application, form: Any, *, actor: User, now: dt.datetime) -> None:
    """Write a valid step to the models (ApplicationError when the application is no longer editable)."""
    if step == "personal":
        services.application_personal_save(
            application=application, actor=actor, data=form.cleaned_data, now=now
        )
    elif step == "education":
        services.application_degrees_save(application=application, rows=form.rows(), now=now)
    elif step == "employment":
        services.application_employment_save(application=application, rows=form.rows(), now=now)
    elif step == "languages":
        services.application_languages_save(application=application, rows=form.rows(), now=now)
    elif step == "service":
        services.application_service_save(application=application, data=form.cleaned_data, now=now)
    elif step == "preferences":
        services.application_preferences_save(
            application=application,
            track=form.cleaned_data["track"],
            choices=form.cleaned_data["choices"],
            now=now,
        )
    else:
        raise KeyError(step)


def error_summary(step: str, form: Any) -> list[dict[str, str]]:
    """Each error with the id of the field it belongs to (the summary links there)."""
    items: list[dict[str, str]] = []

    def from_form(f: forms.Form, prefix_label: str = "") -> None:
        first_id = next(iter(f), None)
        for error in f.non_field_errors():
            items.append(
                {"anchor": first_id.id_for_label if first_id else "", "text": prefix_label + str(error)}
            )
        for bound in f:
            for error in bound.errors:
                items.append({"anchor": bound.id_for_label, "text": f"{prefix_label}{bound.label}: {error}"})

    if isinstance(form, forms.BaseFormSet):
        for error in form.non_form_errors():
            items.append({"anchor": "", "text": str(error)})
        for i, sub in enumerate(form.forms, start=1):
            from_form(sub, f"{ROW_LABEL[step]} {i} — ")
    else:
        from_form(form)
    return items

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jpo.projections.models import Scenario
from jpo.projections.scenario import HELP, MAX_YEAR, RATES, SWITCHES, YEARS

SWITCH_CHOICES = [("", _("as today")), ("on", _("on")), ("off", _("off"))]
# The editor shows the levers first, then the calibration and "today" values needed only without records.
EDITOR_KEYS = [
    "dispatches_per_year",
    "retention_rate",
    "civil_servant_track",
    "civil_servant_share",
    "civil_servant_retention_rate",
    "civil_servant_slots_refilled",
    "mid_career_entries_per_year",
    "from_year",
    "separation_rate",
    "dispatch_years",
    "fit_from",
    "today_dispatches_per_year",
    "today_civil_servant_share",
    "today_retention_rate",
    "today_civil_servant_retention_rate",
]


class ScenarioForm(forms.Form):
    """Every lever optional: left empty, it stays as today (estimated from data, shown on the page)."""

    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, instance: Scenario | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            initial: dict[str, Any] = {"name": instance.name, "description": instance.description}
            for key, value in instance.parameters.items():
                initial[key] = ("on" if value else "off") if key in SWITCHES else value
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.instance = instance
        for key in EDITOR_KEYS:
            label = HELP[key]
            field: forms.Field
            if key in SWITCHES:
                field = forms.ChoiceField(label=label, choices=SWITCH_CHOICES, required=False)
            elif key in YEARS or key == "dispatch_years":
                field = forms.IntegerField(label=label, required=False, min_value=1, max_value=MAX_YEAR)
            elif key in RATES:
                field = forms.FloatField(label=label, required=False, help_text=_("A share from 0 to 1."))
            else:
                field = forms.FloatField(label=label, required=False)
            self.fields[key] = field

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = Scenario.objects.filter(name=name)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("A scenario with this name already exists."))
        return name

    def parameters(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for key in EDITOR_KEYS:
            value = self.cleaned_data.get(key)
            if value is None or value == "":
                continue
            out[key] = value == "on" if key in SWITCHES else value
        return out


class TargetForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    headcount = forms.IntegerField(label=_("Target headcount"), min_value=1, max_value=100_000)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    source_document = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("Where the target is set: document, date, URL."),
    )

    def clean_deadline(self) -> dt.date:
        deadline = self.cleaned_data["deadline"]
        if not dt.date(1990, 1, 1) <= deadline <= dt.date(MAX_YEAR, 12, 31):
            raise forms.ValidationError(_("Give a deadline between 1990 and %(max)s.") % {"max": MAX_YEAR})
        return deadline


class ProjectionQueryForm(forms.Form):
    """What the page shows: which saved scenarios beside today's policy, how far, which backtest."""

    scenario = forms.ModelMultipleChoiceField(
        label=_("Scenarios"),
        queryset=Scenario.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    until = forms.IntegerField(label=_("Project until"), required=False, min_value=1951, max_value=MAX_YEAR)
    fit_until = forms.IntegerField(
        label=_("Backtest: fit until"), required=False, min_value=1951, max_value=MAX_YEAR
    )

"""GET forms of the status and what-if pages. Empty fields take documented defaults."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jpo.representation.calculator import Status
from jpo.representation.models import MemberState
from jpo.representation.selectors import JAPAN, SORT_KEYS, Options

STATUS_LABELS = {
    Status.UNREPRESENTED: _("Unrepresented"),
    Status.UNDER: _("Under-represented"),
    Status.WITHIN: _("Within range"),
    Status.OVER: _("Over-represented"),
    Status.UNKNOWN: _("Unknown (staff not in our data)"),
}


def default_choices(options: Options, period: str | None) -> dict[str, Any]:
    """Defaults: the latest scale period; the date is today (Asia/Tokyo) or the period's last day if
    earlier; the population year is the period's first year, or the latest year available before it."""
    if not options.periods:
        return {}
    chosen = period if period in options.periods else options.periods[-1]
    start, end = (int(part) for part in chosen.split("-"))
    as_of = min(timezone.localdate(), dt.date(end, 12, 31))
    years = [year for year in options.population_years if year <= start] or options.population_years
    return {"period": chosen, "as_of": as_of.isoformat(), "population_year": str(years[-1]) if years else ""}


def bind_with_defaults(
    form_class: type[forms.Form], data: QueryDict, defaults: dict[str, Any], **kwargs: Any
) -> Any:
    values = {name: defaults[name] for name in defaults}
    for name in form_class.base_fields:
        if data.get(name, "").strip():
            values[name] = data.get(name, "").strip()
    return form_class(values, **kwargs)


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("Scale of assessments period"))
    population_year = forms.TypedChoiceField(label=_("Population year"), coerce=int)
    as_of = forms.DateField(
        label=_("Date"),
        help_text=_("Parameters in force and staff counts on this date."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    base_figure = forms.DecimalField(
        label=_("Base figure (posts)"),
        required=False,
        min_value=1,
        max_value=100000,
        decimal_places=2,
        help_text=_("Leave empty to use the base figure in force on the date."),
    )
    members = forms.IntegerField(
        label=_("Number of Member States"),
        required=False,
        min_value=1,
        max_value=1000,
        help_text=_("Leave empty to use the number in force on the date."),
    )

    def __init__(self, *args: Any, options: Options, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p, p) for p in options.periods]  # type: ignore[attr-defined]
        self.fields["population_year"].choices = [  # type: ignore[attr-defined]
            (str(y), str(y)) for y in reversed(options.population_years)
        ]


class TableForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + [(s.value, STATUS_LABELS[s]) for s in Status],
    )
    q = forms.CharField(label=_("Name or ISO code contains"), required=False, max_length=100)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[(k, k) for k in SORT_KEYS])
    dir = forms.ChoiceField(required=False, choices=[("asc", _("ascending")), ("desc", _("descending"))])


class WhatIfForm(forms.Form):
    state = forms.ChoiceField(label=_("Member State"))
    assessment_pct = forms.DecimalField(
        label=_("Scale rate (per cent)"), required=False, min_value=0, max_value=100, decimal_places=3
    )
    population = forms.IntegerField(label=_("Population"), required=False, min_value=0, max_value=10**11)
    staff = forms.IntegerField(
        label=_("Staff in geographical posts"), required=False, min_value=0, max_value=100000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = sorted(  # type: ignore[attr-defined]
            (
                (state.iso3, state.display_name)
                for state in MemberState.objects.only("iso3", "name", "name_ja")
            ),
            key=lambda choice: choice[1],
        )
        self.fields["state"].initial = JAPAN

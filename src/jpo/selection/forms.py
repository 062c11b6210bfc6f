"""Forms of the selection pages: what the officer types is checked here, with messages in the reader's
language naming the field as the page labels it; the services check again (they are also called by
commands and the API) and write all or nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from jpo.safety.numbers import NumberError, parse_decimal, parse_int
from jpo.selection.models import Rubric, RubricCriterion
from jpo.selection.services.reviews import SCALE_MAX, WEIGHT_MAX, WEIGHT_MIN, WEIGHT_PLACES, CriterionInput

RUBRIC_ROWS = 8
NAME_MAX = RubricCriterion._meta.get_field("name").max_length or 200

# (field, label, default) of the rubric's whole numbers, as the page shows them.
SCALES: tuple[tuple[str, Any, int], ...] = (
    ("scale_min", _lazy("Lowest score"), 1),
    ("scale_max", _lazy("Highest score"), 5),
    ("reviewers_per_application", _lazy("Reviewers per application"), 2),
    ("interview_scale_min", _lazy("Lowest interview score"), 1),
    ("interview_scale_max", _lazy("Highest interview score"), 5),
    ("written_task_max", _lazy("Highest written-task score"), 100),
)


class _WholeNumber(forms.CharField):
    """A whole number from 0 to SCALE_MAX, refused with the field's label (never a 500 on huge input)."""

    def to_python(self, value: Any) -> Any:
        raw = super().to_python(value)
        try:
            return parse_int(raw, minimum=0, maximum=SCALE_MAX)
        except NumberError:
            raise forms.ValidationError(
                _("%(field)s: give a whole number from 0 to %(max)s.")
                % {"field": self.label, "max": SCALE_MAX},
                code="invalid",
            ) from None


class RubricForm(forms.Form):
    """The cycle's rubric: its scales and up to RUBRIC_ROWS criteria (`criteria-<n>-name`, `-weight`,
    `-description`, n from 1; a row left empty is not a criterion)."""

    blind = forms.BooleanField(required=False)

    def __init__(self, *args: Any, rubric: Rubric | None = None, **kwargs: Any) -> None:
        if rubric is not None and "initial" not in kwargs:
            kwargs["initial"] = _initial(rubric)
        super().__init__(*args, **kwargs)
        for name, label, default in SCALES:
            self.fields[name] = _WholeNumber(
                label=label, initial=getattr(rubric, name) if rubric else default, required=False
            )
        for i in range(1, RUBRIC_ROWS + 1):
            self.fields[f"criteria-{i}-name"] = forms.CharField(required=False)
            self.fields[f"criteria-{i}-weight"] = forms.CharField(required=False)
            self.fields[f"criteria-{i}-description"] = forms.CharField(required=False)

    def rows(self) -> list[dict[str, Any]]:
        """The criteria rows as the template shows them (bound fields, numbered from 1)."""
        return [
            {
                "i": i,
                "name": self[f"criteria-{i}-name"],
                "weight": self[f"criteria-{i}-weight"],
                "description": self[f"criteria-{i}-description"],
            }
            for i in range(1, RUBRIC_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, label, _default in SCALES:
            if name not in self.errors and data.get(name) is None:
                self.add_error(
                    name,
                    _("%(field)s: give a whole number from 0 to %(max)s.")
                    % {"field": label, "max": SCALE_MAX},
                )
        criteria: list[CriterionInput] = []
        for i in range(1, RUBRIC_ROWS + 1):
            name = (data.get(f"criteria-{i}-name") or "").strip()
            raw_weight = (data.get(f"criteria-{i}-weight") or "").strip()
            if not name and not raw_weight:
                continue
            if not name:
                self.add_error(f"criteria-{i}-name", _("Criterion %(n)s: give a name.") % {"n": i})
                continue
            if len(name) > NAME_MAX:
                self.add_error(
                    f"criteria-{i}-name",
                    _("Criterion %(n)s: the name is longer than %(max)s characters.")
                    % {"n": i, "max": NAME_MAX},
                )
                continue
            try:
                weight = parse_decimal(
                    raw_weight, minimum=WEIGHT_MIN, maximum=WEIGHT_MAX, places=WEIGHT_PLACES
                )
            except NumberError:
                self.add_error(
                    f"criteria-{i}-weight",
                    _("Criterion %(n)s: the weight must be a number from %(min)s to %(max)s.")
                    % {"n": i, "min": WEIGHT_MIN, "max": WEIGHT_MAX},
                )
                continue
            criteria.append(
                CriterionInput(
                    name=name, weight=weight, description=data.get(f"criteria-{i}-description") or ""
                )
            )
        if not criteria and not self.errors:
            self.add_error(None, _("Criteria: give at least one criterion."))
        data["criteria"] = criteria
        return data

    def rubric_arguments(self) -> dict[str, Any]:
        """The keyword arguments of `services.reviews.rubric_save` (once the form is valid)."""
        data = self.cleaned_data
        return {
            "criteria": data["criteria"],
            "blind": bool(data.get("blind")),
            **{name: data[name] for name, _label, _default in SCALES},
        }


def _initial(rubric: Rubric) -> dict[str, Any]:
    initial: dict[str, Any] = {"blind": rubric.blind}
    for i, criterion in enumerate(rubric.criteria.all(), start=1):
        if i > RUBRIC_ROWS:
            break
        initial[f"criteria-{i}-name"] = criterion.name
        initial[f"criteria-{i}-weight"] = criterion.weight if isinstance(criterion.weight, Decimal) else ""
        initial[f"criteria-{i}-description"] = criterion.description
    return initial

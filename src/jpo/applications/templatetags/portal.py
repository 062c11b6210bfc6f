from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import gettext as _

from jpo.programme.vocabulary import CRITERION_OUTCOMES, ELIGIBILITY_CRITERIA
from jpo.programme.windows import format_instant, format_window

register = template.Library()

# The labels live with the programme's vocabulary (the dossier prints them too).
CRITERIA = ELIGIBILITY_CRITERIA
OUTCOMES = CRITERION_OUTCOMES


@register.filter
def instant(value: dt.datetime | None) -> str:
    return format_instant(value)


@register.simple_tag
def preregistration_window(cycle: Any) -> str:
    """A cycle's pre-registration window, or "No pre-registration" when the cycle has none."""
    return format_window(
        cycle.preregistration_opens, cycle.preregistration_closes, empty=_("No pre-registration")
    )


@register.simple_tag
def application_window(cycle: Any) -> str:
    """A cycle's application window, or "Not announced yet" when no date is known."""
    return format_window(cycle.applications_open, cycle.applications_close, empty=_("Not announced yet"))


@register.filter
def criterion_label(value: str) -> Any:
    return CRITERIA.get(value, value)


@register.filter
def outcome_label(value: str) -> Any:
    return OUTCOMES.get(value, value)


@register.filter
def message_in(message: Any, lang: str) -> str:
    if isinstance(message, dict):
        return str(message.get(lang) or message.get("en") or "")
    return str(message)

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from jpo.programme.vocabulary import CRITERION_OUTCOMES, ELIGIBILITY_CRITERIA
from jpo.programme.windows import format_instant

register = template.Library()

# The labels live with the programme's vocabulary (the dossier prints them too).
CRITERIA = ELIGIBILITY_CRITERIA
OUTCOMES = CRITERION_OUTCOMES


@register.filter
def instant(value: dt.datetime | None) -> str:
    return format_instant(value)


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

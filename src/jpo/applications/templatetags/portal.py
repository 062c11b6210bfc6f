from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jpo.programme.windows import format_instant

register = template.Library()

CRITERIA = {
    "nationality": _("Nationality"),
    "age": _("Age"),
    "degree": _("Degree"),
    "experience": _("Work experience"),
    "language": _("Language"),
    "prior_service": _("Prior service"),
    "civil_servant": _("National civil servants"),
}
# "Passed" has another meaning in the catalogue (passing stage two): the criterion's outcome has a context.
OUTCOMES = {
    "passed": pgettext_lazy("criterion outcome", "Passed"),
    "failed": _("Not met"),
    "needs_review": _("Needs review"),
}


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

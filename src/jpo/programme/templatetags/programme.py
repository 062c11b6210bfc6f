"""Template filters used on every page (a built-in of the template engine: no {% load %} needed)."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html

from jpo.programme.labels import fiscal_year_label

register = template.Library()


@register.filter
def fy(fiscal_year: int) -> str:
    """A fiscal year as the current language writes it: FY2027, 2027年度."""
    return fiscal_year_label(fiscal_year)


_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


@register.filter
def as_written(text: Any) -> str:
    """Text kept as its author or source wrote it (a note, a citation, a demo label): marked lang="en"
    when it holds no Japanese, so readers, screen readers and translators know it is not ours to
    translate."""
    if text in (None, ""):
        return ""
    if language_of(text) == "ja":
        return conditional_escape(text)
    return format_html('<span lang="en">{}</span>', text)


@register.filter
def language_of(text: Any) -> str:
    """ "ja" for text holding Japanese, else "en": for a lang attribute around text kept as written."""
    return "ja" if _JAPANESE.search(str(text or "")) else "en"

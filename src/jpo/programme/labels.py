"""How people read a fiscal year: FY2027 in English, 2027年度 in Japanese (the language of the request or
of the e-mail being written). Codes for machines stay FY2027 (Cycle.code)."""

from __future__ import annotations

from django.utils.translation import get_language, gettext


def fiscal_year_label(fiscal_year: int) -> str:
    return gettext("FY%(fy)s") % {"fy": fiscal_year}


def get_language_short() -> str:
    """The active language without region: "ja" or "en"."""
    return (get_language() or "ja").split("-")[0]

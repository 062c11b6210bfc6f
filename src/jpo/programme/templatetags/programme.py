"""Template filters used on every page (a built-in of the template engine: no {% load %} needed)."""

from __future__ import annotations

from django import template

from jpo.programme.labels import fiscal_year_label

register = template.Library()


@register.filter
def fy(fiscal_year: int) -> str:
    """A fiscal year as the current language writes it: FY2027, 2027年度."""
    return fiscal_year_label(fiscal_year)

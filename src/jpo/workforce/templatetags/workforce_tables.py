"""The workforce dashboard's tables as HTML (the selectors give only data: `selectors.Table`)."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from jpo.workforce.selectors import Table

register = template.Library()


@register.filter
def table_rows(table: Table) -> SafeString:
    """The <tr> elements of the body, each titled with its source and reference date (escaped; built in
    Python because the template loop over thousands of cells dominated the dashboard's time). A row is
    published data as cited (reference dates, citations and notes in the source's words), so it is
    marked translate="no"; the headings around it are in the reader's language."""
    return mark_safe(  # noqa: S308 - every value is escaped here
        "".join(
            f'<tr title="{escape(title)}" translate="no">'
            + "".join(f"<td>{escape(cell)}</td>" for cell in row)
            + "</tr>\n"
            for title, row in table.lines
        )
    )

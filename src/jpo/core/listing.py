"""One way to list rows on every page: filter, sort and page in the database, whatever the row count.

A list page costs the same at 100 and at 100,000 rows: one COUNT for the total, one SELECT for the
page (plus the queryset's own prefetches), never a Python loop over every row. The user picks the
page size (``?size=``), the sort (``?sort=key`` ascending, ``?sort=-key`` descending) and the
filters; the order always ends with the primary key so pages never repeat or skip a row.

In a view::

    from django.utils.translation import gettext_lazy as _
    from jpo.core.listing import Column, Filter, listing

    COLUMNS = (
        Column(_("Receipt number"), "receipt", ("application__receipt_number",)),
        Column(_("Outcome"), "outcome", ("outcome",)),
        Column(_("Criteria")),  # no key: not sortable
    )
    FILTERS = (
        Filter("outcome", _("Outcome"), "outcome", choices=ScreeningOutcome.choices),
        Filter("q", _("Search"), ("application__receipt_number__icontains", "application__email__icontains")),
    )

    def screening_list(request, fy):
        rows = Screening.objects.filter(cycle=...).select_related(...)  # no order_by needed
        return render(request, "...", {"listing": listing(request, rows, columns=COLUMNS, filters=FILTERS,
                                                          default_sort="receipt")})

In its template (CSP-safe includes, no inline script or style)::

    {% include "web/_list_filters.html" %}      {# GET form: one control per Filter, keeps sort/size #}
    <table>{% include "web/_list_head.html" %}   {# <thead> with sort links and aria-sort #}
      <tbody>{% for row in listing.rows %}...{% endfor %}</tbody></table>
    {% include "web/_list_pager.html" %}        {# "rows 1–50 of 12,345", pages, page-size chooser #}

``_list_head.html`` takes ``select=True`` to add a first column whose checkbox (``data-select-all``,
handled in jpo.js) ticks every ``<input name="ids">`` of the page. Bulk actions then post either the
ticked ids or ``scope=matching`` with the filter values (``listing.filter_params`` as hidden inputs,
or ``{% include "web/_list_scope.html" %}``); the view rebuilds the rows with :func:`chosen`, so a
decision on "everything matching this filter" runs on a queryset, never on rows loaded into a page.

Filters: ``choices`` given → the value must be one of them (anything else is ignored, as if unset);
no ``choices`` → free text (trimmed, at most 100 characters), OR-ed over the lookups; ``apply`` →
your own ``(queryset, value) -> queryset`` for what a lookup cannot say. Several lists on one page
take a ``prefix`` for their query parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict

from jpo.safety.numbers import parse_ids

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
MAX_TEXT = 100

Choices = Sequence[tuple[Any, Any]]


@dataclass(frozen=True)
class Column:
    """A table column; with a ``key`` it sorts by ``order`` (ORM fields, ascending; "-" allowed)."""

    label: Any
    key: str = ""
    order: tuple[str, ...] = ()


@dataclass(frozen=True)
class Filter:
    """A query parameter ``name`` narrowing the rows in the database (see the module docstring)."""

    name: str
    label: Any
    lookup: str | tuple[str, ...] = ()
    choices: Choices | None = None
    apply: Callable[[QuerySet[Any], str], QuerySet[Any]] | None = None

    def clean(self, raw: str | None) -> str:
        value = (raw or "").strip()
        if not value:
            return ""
        if self.choices is not None:
            return value if value in {str(v) for v, _label in self.choices} else ""
        return value[:MAX_TEXT]

    def narrow(self, rows: QuerySet[Any], value: str) -> QuerySet[Any]:
        if self.apply is not None:
            return self.apply(rows, value)
        lookups = (self.lookup,) if isinstance(self.lookup, str) else self.lookup
        condition = Q()
        for lookup in lookups:
            condition |= Q(**{lookup: value})
        return rows.filter(condition)


@dataclass(frozen=True)
class Header:
    label: Any
    url: str = ""
    aria_sort: str = ""


@dataclass(frozen=True)
class BoundFilter:
    name: str
    field: str
    label: Any
    value: str
    choices: list[tuple[str, Any]] | None


def filtered(
    params: Mapping[str, Any], rows: QuerySet[Any], filters: Sequence[Filter], *, prefix: str = ""
) -> tuple[QuerySet[Any], dict[str, str]]:
    """The rows narrowed by every filter set in ``params`` (GET or POST), and the values used."""
    values: dict[str, str] = {}
    for f in filters:
        value = f.clean(params.get(prefix + f.name))
        if value:
            rows = f.narrow(rows, value)
            values[f.name] = value
    return rows, values


def chosen(
    params: QueryDict, rows: QuerySet[Any], filters: Sequence[Filter], *, prefix: str = ""
) -> QuerySet[Any] | None:
    """The rows a bulk action applies to: every row matching the posted filters (``scope=matching``),
    or the ticked ``ids`` among ``rows``. None when an id is malformed or nothing was ticked."""
    if params.get(prefix + "scope") == "matching":
        return filtered(params, rows, filters, prefix=prefix)[0]
    ids = parse_ids(params.getlist(prefix + "ids"))
    if not ids:
        return None
    return rows.filter(pk__in=ids)


@dataclass
class Listing:
    """One page of rows and everything its template needs (see the module docstring)."""

    page: Page[Any]
    total: int
    queryset: QuerySet[Any]  # filtered and ordered, not paged: for bulk actions and exports
    sort: str
    size: int
    sizes: tuple[int, ...]
    headers: list[Header]
    filters: list[BoundFilter]
    prefix: str
    _params: QueryDict = field(repr=False)
    _unfiltered: QuerySet[Any] = field(repr=False)

    @property
    def rows(self) -> list[Any]:
        return list(self.page.object_list)

    @property
    def filtering(self) -> bool:
        return any(f.value for f in self.filters)

    @cached_property
    def unfiltered_total(self) -> int:
        """Rows before filtering (one more COUNT, only when a filter is set)."""
        return self._unfiltered.count() if self.filtering else self.total

    @property
    def filter_params(self) -> list[tuple[str, str]]:
        """(name, value) of the filters set, for hidden inputs of a bulk action's form."""
        return [(f.field, f.value) for f in self.filters if f.value]

    def url(self, **changes: Any) -> str:
        """This list's query string with some parameters (unprefixed names) changed; None removes."""
        query = self._params.copy()
        for name, value in changes.items():
            key = self.prefix + name
            if value is None or value == "":
                query.pop(key, None)
            else:
                query[key] = str(value)
        return "?" + query.urlencode() if query else "?"

    def keep(self, *names: str) -> list[tuple[str, str]]:
        """Every current query parameter except ``names`` (unprefixed), as hidden inputs for a GET form."""
        skip = {self.prefix + n for n in names}
        return [(k, v) for k, values in self._params.lists() if k not in skip for v in values]

    @property
    def keep_for_size(self) -> list[tuple[str, str]]:
        return self.keep("size", "page")

    @property
    def keep_for_filters(self) -> list[tuple[str, str]]:
        return self.keep("page", *(f.name for f in self.filters))

    @property
    def first_url(self) -> str:
        return self.url(page=None)

    @property
    def previous_url(self) -> str:
        return self.url(page=self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_url(self) -> str:
        return self.url(page=self.page.next_page_number()) if self.page.has_next() else ""

    @property
    def last_url(self) -> str:
        return self.url(page=self.page.paginator.num_pages)

    @property
    def clear_url(self) -> str:
        return self.url(page=None, **{f.name: None for f in self.filters})

    @property
    def size_field(self) -> str:
        return self.prefix + "size"

    @property
    def scope_field(self) -> str:
        return self.prefix + "scope"

    @property
    def ids_field(self) -> str:
        return self.prefix + "ids"


def _ordering(columns: Sequence[Column], sort: str, default_sort: str) -> tuple[str, list[str]]:
    by_key = {c.key: c for c in columns if c.key}
    key = sort.lstrip("-")
    if key not in by_key:
        sort, key = default_sort, default_sort.lstrip("-")
    descending = sort.startswith("-")
    fields = [_flip(f) if descending else f for f in by_key[key].order] if key in by_key else []
    # The primary key last: a total order, so no row appears on two pages or on none.
    fields.append("-pk" if descending else "pk")
    return sort, fields


def _flip(name: str) -> str:
    return name[1:] if name.startswith("-") else "-" + name


def listing(
    request: HttpRequest,
    rows: QuerySet[Any],
    *,
    columns: Sequence[Column],
    filters: Sequence[Filter] = (),
    default_sort: str = "",
    sizes: tuple[int, ...] = PAGE_SIZES,
    default_size: int = DEFAULT_PAGE_SIZE,
    prefix: str = "",
) -> Listing:
    """Filter, sort and page ``rows`` from the request's query string (see the module docstring)."""
    params = request.GET
    narrowed, values = filtered(params, rows, filters, prefix=prefix)
    sort, order = _ordering(columns, params.get(prefix + "sort", ""), default_sort)
    ordered = narrowed.order_by(*order)
    try:
        size = int(params.get(prefix + "size", default_size))
    except ValueError:
        size = default_size
    if size not in sizes:
        size = default_size
    page = Paginator(ordered, size).get_page(params.get(prefix + "page"))
    bound = Listing(
        page=page,
        total=page.paginator.count,
        queryset=ordered,
        sort=sort,
        size=size,
        sizes=sizes,
        headers=[],
        filters=[
            BoundFilter(
                name=f.name,
                field=prefix + f.name,
                label=f.label,
                value=values.get(f.name, ""),
                choices=None if f.choices is None else [(str(v), label) for v, label in f.choices],
            )
            for f in filters
        ],
        prefix=prefix,
        _params=params,
        _unfiltered=rows,
    )
    current = sort.lstrip("-")
    for column in columns:
        if not column.key:
            bound.headers.append(Header(column.label))
            continue
        if column.key == current:
            ascending = not sort.startswith("-")
            bound.headers.append(
                Header(
                    column.label,
                    bound.url(sort=("-" if ascending else "") + column.key, page=None),
                    "ascending" if ascending else "descending",
                )
            )
        else:
            bound.headers.append(Header(column.label, bound.url(sort=column.key, page=None)))
    return bound


# --- The same pages in the API -----------------------------------------------------------------------


def paged_body(rows: Listing, row: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """The body of a paged API answer, `{count, page, pages, size, sort, results}`, with `row` of each row
    of the page: what the list page shows, as JSON."""
    return {
        "count": rows.total,
        "page": rows.page.number,
        "pages": rows.page.paginator.num_pages,
        "size": rows.size,
        "sort": rows.sort,
        "results": [row(r) for r in rows.rows],
    }

"""The shared list helper: filters, sorts and pages in the database, in a stable order, with totals."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from jpo.core.listing import Column, Filter, chosen, listing
from jpo.programme.models import Organization, OrganizationKind

COLUMNS = (
    Column("Code", "code", ("code",)),
    Column("Kind", "kind", ("kind", "code")),
    Column("Name"),
)
FILTERS = (
    Filter("kind", "Kind", "kind", choices=OrganizationKind.choices),
    Filter("q", "Search", ("code__icontains", "name_en__icontains")),
)


@pytest.fixture
def organizations(db: Any) -> list[Organization]:
    kinds = [OrganizationKind.values[0], OrganizationKind.values[1]]
    return Organization.objects.bulk_create(
        Organization(code=f"org{i:03d}", name_en=f"Org {i}", name_ja=f"機関{i}", kind=kinds[i % 2])
        for i in range(120)
    )


def _list(query: str = "", **kwargs: Any) -> Any:
    request = RequestFactory().get("/list/" + ("?" + query if query else ""))
    return listing(request, Organization.objects.all(), columns=COLUMNS, filters=FILTERS, **kwargs)


def test_pages_with_the_chosen_size_and_counts_the_total(organizations: list[Organization]) -> None:
    page = _list("size=25&page=2", default_sort="code")
    assert page.total == 120 and page.size == 25
    assert [o.code for o in page.rows] == [f"org{i:03d}" for i in range(25, 50)]
    assert page.page.paginator.num_pages == 5
    assert "page=3" in page.next_url and "size=25" in page.next_url


def test_unknown_page_size_falls_back_and_bad_page_gives_the_last(organizations: list[Organization]) -> None:
    assert _list("size=100000").size == 50
    assert _list("size=abc").size == 50
    assert _list("page=999").page.number == 3


def test_sorts_both_ways_with_a_stable_order(organizations: list[Organization]) -> None:
    descending = _list("sort=-code&size=25", default_sort="code")
    assert descending.rows[0].code == "org119"
    assert descending.headers[0].aria_sort == "descending"
    assert "sort=code" in descending.headers[0].url  # clicking again flips it
    # Kind has two values for 120 rows: every page still holds different rows, none skipped.
    seen = []
    for number in range(1, 6):
        seen += [o.pk for o in _list(f"sort=kind&size=25&page={number}").rows]
    assert sorted(seen) == sorted(o.pk for o in organizations)
    assert _list("sort=name").sort == ""  # not a sortable column: the default order
    assert _list("sort=name").headers[2].url == ""


def test_filters_in_the_database_and_ignores_values_not_offered(organizations: list[Organization]) -> None:
    kind = OrganizationKind.values[1]
    page = _list(f"kind={kind}&q=org00")
    assert page.total == 5 and {o.kind for o in page.rows} == {kind}
    assert page.filtering and page.unfiltered_total == 120
    assert ("kind", kind) in page.filter_params
    assert _list("kind=not-a-kind").total == 120
    assert "kind" not in page.clear_url and "q=" not in page.clear_url


def test_two_queries_whatever_the_row_count(organizations: list[Organization]) -> None:
    with CaptureQueriesContext(connection) as queries:
        page = _list("size=200")
        assert len(page.rows) == 120
    assert len(queries) == 2  # COUNT + one page


def test_bulk_scope_is_the_ticked_ids_or_every_matching_row(organizations: list[Organization]) -> None:
    from django.http import QueryDict

    kind = OrganizationKind.values[0]
    matching = chosen(QueryDict(f"scope=matching&kind={kind}"), Organization.objects.all(), FILTERS)
    assert matching is not None and matching.count() == 60
    ticked = chosen(
        QueryDict(f"ids={organizations[0].pk}&ids={organizations[1].pk}"), Organization.objects.all(), FILTERS
    )
    assert ticked is not None and ticked.count() == 2
    assert chosen(QueryDict("ids=x"), Organization.objects.all(), FILTERS) is None
    assert chosen(QueryDict(""), Organization.objects.all(), FILTERS) is None


def test_includes_render_totals_sort_links_and_size_chooser(organizations: list[Organization]) -> None:
    page = _list("kind=" + OrganizationKind.values[0] + "&size=25", default_sort="code")
    html = "".join(
        render_to_string(f"web/{name}.html", {"listing": page, "select": True})
        for name in ("_list_filters", "_list_head", "_list_pager", "_list_scope")
    )
    assert "1–25" in html and "60" in html and "120" in html
    assert 'aria-sort="ascending"' in html and "sort=-code" in html
    assert 'name="size"' in html and '<option value="25" selected>' in html
    assert 'data-select-all="ids"' in html and 'value="matching"' in html
    assert 'type="hidden" name="kind"' in html

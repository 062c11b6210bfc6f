"""The applications list: filters, search, sorting, pages, exports of every match, constant queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jpo.accounts.models import Role, User
from jpo.applications.models import Applicant, Application, Preference
from jpo.applications.workflow import Status
from jpo.placement.tests import factories
from jpo.programme.models import Track
from jpo.selection.models import Screening

pytestmark = pytest.mark.django_db


def bulk(n: int, *, fiscal_year: int = 2024, start: int = 0, **extra: Any) -> list[Application]:
    """`n` submitted applications in one cycle, written in bulk (no workflow: this is about reading)."""
    cycle = factories.cycle(fiscal_year)
    track = Track.objects.get(cycle=cycle, kind="mofa")
    applicants = Applicant.objects.bulk_create(
        Applicant(
            family_name=f"姓{start + i:05d}",
            given_name="花子",
            family_name_kana=f"セイ{start + i:05d}",
            given_name_kana="ハナコ",
            birth_date=dt.date(1995, 1, 1),
            email=f"p{fiscal_year}-{start + i}@example.jp",
        )
        for i in range(n)
    )
    now = timezone.now()
    fields = {"status": Status.SUBMITTED, **extra}
    return Application.objects.bulk_create(
        Application(
            applicant=a,
            cycle=cycle,
            track=track,
            receipt_number=f"R{fiscal_year}-{start + i:06d}",
            submitted_at=now - dt.timedelta(minutes=i),
            **fields,
        )
        for i, a in enumerate(applicants)
    )


@pytest.fixture
def officer() -> User:
    return User.objects.create_user(
        username="desk-officer", email="desk@example.jp", password="a-long-test-password", role=Role.OFFICER
    )


@pytest.fixture
def signed_in(client: Any, officer: User) -> Any:
    client.force_login(officer)
    return client


def rows(response: Any) -> list[str]:
    return [a.receipt_number for a in response.context["listing"].rows]


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_rows(signed_in: Any) -> None:
    """10 and 1,000 applications (with screenings and a forwarded organization): the same queries for the
    page, the CSV and the XLSX of every match."""
    org = factories.organization("UNDP")
    first = bulk(10, forwarded_to=org)
    Screening.objects.bulk_create(
        Screening(
            application=a,
            rules_version="t",
            profile_sha256="0" * 64,
            engine_outcome="eligible",
            outcome="eligible",
            screened_at=timezone.now(),
        )
        for a in first
    )
    urls = [
        reverse("desk:applications") + "?sort=name",
        reverse("desk:applications_export", args=["csv"]),
        reverse("desk:applications_export", args=["xlsx"]),
    ]
    small = [_queries(signed_in, url) for url in urls]
    more = bulk(990, start=10, forwarded_to=org)
    Screening.objects.bulk_create(
        Screening(
            application=a,
            rules_version="t",
            profile_sha256="0" * 64,
            engine_outcome="needs_review",
            outcome="needs_review",
            screened_at=timezone.now(),
        )
        for a in more
    )
    large = [_queries(signed_in, url) for url in urls]
    assert large == small
    assert max(small) <= 12


def test_filters_each_narrow_to_what_they_name(signed_in: Any) -> None:
    undp, wfp = factories.organization("UNDP"), factories.organization("WFP")
    mhlw = factories.ministry("mhlw")
    plain = bulk(3)
    civil = bulk(2, start=100, is_civil_servant=True, ministry=mhlw)
    forwarded = bulk(1, start=200, forwarded_to=wfp, status=Status.FORWARDED)
    older = bulk(2, fiscal_year=2023, start=300)
    Preference.objects.create(application=plain[0], organization=undp, rank=1)
    Screening.objects.create(
        application=plain[1],
        rules_version="t",
        profile_sha256="0" * 64,
        engine_outcome="not_eligible",
        outcome="not_eligible",
        screened_at=timezone.now(),
    )
    org_track = Track.objects.get(cycle__fiscal_year=2024, kind="organization")
    Application.objects.filter(pk=plain[2].pk).update(track=org_track)
    url = reverse("desk:applications")

    def found(query: str) -> set[str]:
        response = signed_in.get(f"{url}?{query}")
        assert response.status_code == 200, response.content
        return set(rows(response))

    assert found("") == {a.receipt_number for a in plain + civil + forwarded + older}
    assert found("cycle=2023") == {a.receipt_number for a in older}
    assert found("status=forwarded") == {forwarded[0].receipt_number}
    assert found("track=organization") == {plain[2].receipt_number}
    assert found("organization=UNDP") == {plain[0].receipt_number}
    assert found("organization=WFP") == {forwarded[0].receipt_number}
    assert found("screening=not_eligible") == {plain[1].receipt_number}
    assert found("screening=none&cycle=2024") == {a.receipt_number for a in plain + civil + forwarded} - {
        plain[1].receipt_number
    }
    assert found("civil_servant=yes") == {a.receipt_number for a in civil}
    assert len(found("civil_servant=no")) == 6
    # Free text: the name in kanji or kana, the receipt number; every word must match.
    assert found("q=姓00100") == {civil[0].receipt_number}
    assert found("q=セイ00300") == {older[0].receipt_number}
    assert found("q=R2024-000200") == {forwarded[0].receipt_number}
    assert found("q=姓00100 ハナコ") == {civil[0].receipt_number}
    assert found("q=姓00100 nobody") == set()
    assert found("civil_servant=yes&q=姓00101") == {civil[1].receipt_number}


def test_sorting_and_pages(signed_in: Any) -> None:
    made = bulk(60)
    url = reverse("desk:applications")
    newest_first = signed_in.get(url)
    assert rows(newest_first)[0] == made[-1].receipt_number  # the newest application
    assert rows(signed_in.get(f"{url}?sort=-submitted"))[0] == made[0].receipt_number  # submitted last
    assert len(rows(newest_first)) == 50
    assert newest_first.context["listing"].total == 60
    assert "Rows 1–50 of 60" in newest_first.content.decode()
    second = signed_in.get(f"{url}?page=2")
    assert len(rows(second)) == 10
    assert not set(rows(second)) & set(rows(newest_first))
    by_receipt_desc = signed_in.get(f"{url}?sort=-receipt")
    assert rows(by_receipt_desc)[0] == "R2024-000059"
    by_name = signed_in.get(f"{url}?sort=name")
    assert rows(by_name)[:2] == ["R2024-000000", "R2024-000001"]
    # The heading of the column sorted by says so and links to the reverse order.
    assert b'aria-sort="ascending"' in by_name.content
    assert b"sort=-name" in by_name.content
    bigger = signed_in.get(f"{url}?size=100")
    assert len(rows(bigger)) == 60


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("status=lost", b"Status: \xe2\x80\x9clost\xe2\x80\x9d is not one of the choices"),
        ("cycle=next", b"Fiscal year:"),
        ("track=x", b"Track:"),
        ("organization=NOWHERE", b"Organization (named or forwarded to):"),
        ("screening=maybe", b"Screening:"),
        ("civil_servant=perhaps", b"National civil servant:"),
        ("sort=birth_date", b"Sort:"),
        ("size=7", b"Rows per page:"),
        ("q=" + "x" * 101, b"Name or receipt number: at most 100 characters"),
    ],
)
def test_bad_filters_are_refused_with_a_message(signed_in: Any, query: str, named: bytes) -> None:
    for url in (reverse("desk:applications"), reverse("desk:applications_export", args=["csv"])):
        response = signed_in.get(f"{url}?{query}")
        assert response.status_code == 400
        assert named in response.content


def test_exports_hold_every_match_and_no_formula(signed_in: Any) -> None:
    made = bulk(60, is_civil_servant=False)
    Applicant.objects.filter(pk=made[0].applicant_id).update(family_name='=HYPERLINK("http://x","y")')
    other = bulk(5, fiscal_year=2023, start=500)
    response = signed_in.get(reverse("desk:applications_export", args=["csv"]) + "?cycle=2024")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][0] == "Receipt number"
    receipts = {r[0] for r in table[1:]}
    assert receipts == {a.receipt_number for a in made}  # all 60, beyond one page; not the other cycle
    assert not receipts & {a.receipt_number for a in other}
    dangerous = next(r for r in table if r[0] == made[0].receipt_number)
    assert dangerous[1] == '\'=HYPERLINK("http://x","y")'

    response = signed_in.get(reverse("desk:applications_export", args=["xlsx"]) + "?cycle=2024")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 61
    cell = next(row for row in sheet.iter_rows() if row[0].value == made[0].receipt_number)[1]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x","y")'


def test_japanese_headings_and_fiscal_years(signed_in: Any) -> None:
    bulk(1)
    response = signed_in.get(reverse("desk:applications"), HTTP_ACCEPT_LANGUAGE="ja")
    body = response.content.decode()
    assert "2024年度" in body
    assert "受付番号" in body


def test_officers_find_the_list_in_the_navigation(signed_in: Any) -> None:
    response = signed_in.get(reverse("home"))
    assert reverse("desk:applications").encode() in response.content


def test_focal_points_do_not_reach_the_list(client: Any) -> None:
    org = factories.organization("UNDP")
    focal = User.objects.create_user(
        username="fp",
        email="fp@example.jp",
        password="a-long-test-password",
        role=Role.FOCAL_POINT,
        organization=org,
    )
    client.force_login(focal)
    assert client.get(reverse("desk:applications")).status_code == 403
    assert reverse("desk:applications").encode() not in client.get(reverse("home")).content


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_the_name_search_can_use_the_trigram_indexes_on_postgresql(signed_in: Any) -> None:
    """The migration made a `gin_trgm_ops` index on the searched expression (the joined names), and the
    planner uses it for the list's search (sequential and plain index scans off: on a small table a full
    scan is cheaper; bench/applications_list.py prints the plan at 100,000 rows)."""
    bulk(50)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%%gin_trgm_ops%%' ORDER BY indexname"
        )
        assert {row[0] for row in cursor.fetchall()} >= {"applicant_names_trgm"}
    from jpo.desk.selectors import _words

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")  # nor a whole B-tree read with a filter
        try:
            plan = _words(Application.objects.all(), "セイ00012").explain()
        finally:
            cursor.execute("SET enable_seqscan = on")
            cursor.execute("SET enable_indexscan = on")
    assert "Bitmap Index Scan on applicant_names_trgm" in plan, plan
    assert "Bitmap Index Scan on application_receipt_trgm" in plan, plan
    response = signed_in.get(reverse("desk:applications") + "?q=セイ00012")
    assert rows(response) == ["R2024-000012"]

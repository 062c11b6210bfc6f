"""Status page, exports and what-if: permissions, content, query counts."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from jpo.representation.services import representation_load_reference_data
from jpo.representation.tests.factories import make_states

pytestmark = pytest.mark.django_db

URLS = [
    "/representation/",
    "/representation/export.csv",
    "/representation/export.xlsx",
    "/representation/what-if/",
]
SNAPSHOT_2017 = "period=2016-2018&population_year=2016&as_of=2017-12-31"


@pytest.fixture
def analyst(client: Any, rep_user: Any) -> Any:
    client.force_login(rep_user("analyst"))
    return client


@pytest.fixture
def shipped() -> None:
    representation_load_reference_data()


@pytest.mark.parametrize("url", URLS)
def test_anonymous_is_sent_to_login(client: Any, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("role", ["applicant", "reviewer", "focal_point", "ministry_hr"])
def test_other_roles_get_403(client: Any, rep_user: Any, url: str, role: str) -> None:
    extra: dict[str, Any] = {}
    if role == "focal_point":
        from jpo.programme.models import Organization

        extra["organization"] = Organization.objects.create(
            code="undp", name_en="UNDP", name_ja="UNDP", kind="fund_programme"
        )
    if role == "ministry_hr":
        from jpo.programme.models import Ministry

        extra["ministry"] = Ministry.objects.create(code="mof", name_en="Finance", name_ja="財務省")
    client.force_login(rep_user(role, **extra))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", ["officer", "analyst"])
def test_officers_and_analysts_see_the_page_and_the_menu(client: Any, rep_user: Any, role: str) -> None:
    make_states(3)
    client.force_login(rep_user(role))
    response = client.get("/representation/")
    assert response.status_code == 200
    assert b'href="/representation/"' in client.get("/").content


def test_without_data_the_page_says_how_to_load_it(analyst: Any) -> None:
    response = analyst.get("/representation/")
    assert response.status_code == 200
    assert "jpo load_representation" in response.content.decode()


@pytest.mark.usefixtures("shipped")
def test_status_page_on_the_shipped_data(analyst: Any) -> None:
    response = analyst.get(f"/representation/?{SNAPSHOT_2017}")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<tr") >= 193
    assert 'class="highlight" aria-current="true" data-iso3="JPN"' in html
    assert "167–226" in html and "196.56" in html
    assert '<dd id="japan-to-lower">88</dd>' in html  # 167 - 79
    assert '<dd id="japan-to-midpoint">118</dd>' in html  # ceil(196.56) - 79
    assert '<td id="count-under">1</td>' in html and '<td id="count-unknown">192</td>' in html
    assert "A/72/123" in html  # published counts at 31 Dec 2016
    assert "<svg" in html and "Japan: " in html


@pytest.mark.usefixtures("shipped")
def test_default_period_warns_about_uncertain_and_pending_parameters(analyst: Any) -> None:
    html = analyst.get("/representation/").content.decode()
    assert "2025-2027" in html
    assert "GA resolution 77/278" in html
    assert "UNCERTAIN" in html


@pytest.mark.usefixtures("shipped")
def test_japanese_pages_say_the_pending_change_and_the_chart_in_japanese(analyst: Any) -> None:
    """The notice quoted the English summary of resolution 77/278 and the chart said "staff unknown"."""
    analyst.cookies["jpo_language"] = "ja"
    html = analyst.get("/representation/").content.decode()
    assert "語学職を除く" in html and "ordered an update" not in html
    assert "職員数不明" in html and "staff unknown" not in html


@pytest.mark.usefixtures("shipped")
def test_filter_and_sort(analyst: Any) -> None:
    html = analyst.get(f"/representation/?{SNAPSHOT_2017}&status=under").content.decode()
    assert html.count("data-iso3=") == 1
    html = analyst.get(f"/representation/?{SNAPSHOT_2017}&q=land").content.decode()
    assert 'data-iso3="FIN"' in html and 'data-iso3="JPN"' not in html
    html = analyst.get(f"/representation/?{SNAPSHOT_2017}&sort=rate&dir=desc").content.decode()
    assert html.index('data-iso3="USA"') < html.index('data-iso3="JPN"') < html.index('data-iso3="CHN"')


@pytest.mark.usefixtures("shipped")
def test_unknown_base_figure_asks_for_one(analyst: Any) -> None:
    html = analyst.get(
        "/representation/?period=2016-2018&population_year=2016&as_of=2012-06-30"
    ).content.decode()
    assert "base figure in force on 2012-06-30 is not known" in html
    html = analyst.get(
        "/representation/?period=2016-2018&population_year=2016&as_of=2012-06-30&base_figure=3500"
    ).content.decode()
    assert "167–226" in html


def test_bad_parameters_are_a_400_naming_the_field(analyst: Any) -> None:
    make_states(3)
    response = analyst.get("/representation/?period=1999-2001&base_figure=-3")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_period"' in html and 'href="#id_base_figure"' in html


def test_query_count_does_not_grow_with_states(analyst: Any) -> None:
    make_states(3)
    analyst.get(f"/representation/?{SNAPSHOT_2017}")  # warm caches (parameters, session)
    with CaptureQueriesContext(connection) as few:
        assert analyst.get(f"/representation/?{SNAPSHOT_2017}").status_code == 200
    from jpo.representation.models import MemberState

    MemberState.objects.all().delete()
    make_states(40)
    with CaptureQueriesContext(connection) as many:
        response = analyst.get(f"/representation/?{SNAPSHOT_2017}")
    assert response.content.decode().count("data-iso3=") == 40
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.usefixtures("shipped")
def test_csv_export_follows_the_filters(analyst: Any) -> None:
    response = analyst.get(f"/representation/export.csv?{SNAPSHOT_2017}&status=under")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith(
        "iso3,name,assessment_pct,population,population_share_pct,lower,midpoint,upper,staff"
    )
    assert lines[1].startswith("JPN,Japan,9.680,")
    assert ",167,196.56,226,79,2017-12-31,under,,88,118" in lines[1]
    assert len(lines) == 2


@pytest.mark.usefixtures("shipped")
def test_xlsx_export(analyst: Any) -> None:
    response = analyst.get(f"/representation/export.xlsx?{SNAPSHOT_2017}")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook["ranges"].iter_rows(values_only=True))
    assert len(rows) == 194
    japan = next(r for r in rows if r[0] == "JPN")
    assert japan[5:9] == (167, 196.56, 226, 79)
    parameters = {r[0]: r for r in workbook["parameters"].iter_rows(values_only=True) if r and r[0]}
    assert parameters["base_figure"][1] == "3500"
    assert "2014" in parameters["base_figure"][2]


@pytest.mark.usefixtures("shipped")
@pytest.mark.parametrize(
    ("period", "year", "rate", "lower", "upper"),
    [
        ("2019-2021", 2019, "9.680", 167, 226),  # Japan's 2016-2018 rate applied to 2019
        ("2016-2018", 2016, "8.564", 149, 201),  # Japan's 2019-2021 rate
        ("2016-2018", 2016, "6.930", 122, 165),  # Japan's 2025-2027 rate
    ],
)
def test_what_if_japan_rate(analyst: Any, period: str, year: int, rate: str, lower: int, upper: int) -> None:
    response = analyst.get(
        f"/representation/what-if/?period={period}&population_year={year}&as_of=2017-12-31&base_figure=3500"
        f"&state=JPN&assessment_pct={rate}&staff=79"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<td id="after-lower">{lower}</td>' in html
    assert f'<td id="after-upper">{upper}</td>' in html


@pytest.mark.usefixtures("shipped")
def test_what_if_staff_and_base_figure_change_statuses(analyst: Any) -> None:
    html = analyst.get(f"/representation/what-if/?{SNAPSHOT_2017}&state=JPN&staff=200").content.decode()
    assert "Within range (at or above the midpoint)" in html
    html = analyst.get(
        f"/representation/what-if/?{SNAPSHOT_2017}&state=JPN&base_figure=3000"
    ).content.decode()
    assert "193 Member States whose range or status changes" in html


def test_what_if_bad_input_is_a_400(analyst: Any) -> None:
    make_states(3)
    response = analyst.get(f"/representation/what-if/?{SNAPSHOT_2017}&state=JPN&assessment_pct=abc&staff=-1")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_assessment_pct"' in html and 'href="#id_staff"' in html

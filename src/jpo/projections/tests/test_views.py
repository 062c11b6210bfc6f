"""The analyst page, scenario editor, targets, exports and API: permissions, content in both languages, bad input."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jpo.accounts.models import Role
from jpo.projections.models import Scenario
from jpo.projections.tests.conftest import make
from jpo.workforce.models import Target

PAGES = [
    reverse("projections:index"),
    reverse("projections:chart"),
    reverse("projections:export"),
    reverse("projections:scenario_new"),
    reverse("projections:target_new"),
]
API = [
    "/api/projections/scenarios",
    "/api/projections/projection?until=2030",
    "/api/projections/backtest?fit_until=2018",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_login(client: Any, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.APPLICANT, Role.REVIEWER, Role.FOCAL_POINT, Role.MINISTRY_HR])
def test_other_roles_are_refused(client: Any, loaded: None, role: str) -> None:
    client.force_login(make(role))
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    for url in API:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("projections:scenario_new"), {"name": "x"}).status_code == 403
    assert not Scenario.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ANALYST, Role.OFFICER])
def test_analysts_and_officers_read_everything(client: Any, loaded: None, role: str) -> None:
    client.force_login(make(role))
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    for url in API:
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_page_in_english_shows_projection_backtest_and_warning(
    client: Any, analyst: Any, loaded: None
) -> None:
    client.force_login(analyst)
    client.cookies["jpo_language"] = "en"
    html = client.get(reverse("projections:index")).content.decode()
    assert "A projection is not a promise." in html
    assert "Backtest: how far the model missed before" in html
    assert "Last value carried forward" in html and "Linear trend on the same years" in html
    assert "1,000 Japanese staff at UN-related agencies by 2025" in html
    assert "<svg" in html and "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Not estimable: the census publishes headcounts" in html
    assert "None" not in html.replace("None yet.", "")


@pytest.mark.django_db
def test_page_in_japanese(client: Any, analyst: Any, loaded: None) -> None:
    client.force_login(analyst)
    client.cookies["jpo_language"] = "ja"
    html = client.get(reverse("projections:index")).content.decode()
    assert "予測は約束ではありません。" in html
    assert "バックテスト" in html
    assert "前年値の据え置き" in html


@pytest.mark.django_db
def test_bad_query_is_a_400_with_a_message(client: Any, analyst: Any, loaded: None) -> None:
    client.force_login(analyst)
    response = client.get(reverse("projections:index"), {"until": "1990"})
    assert response.status_code == 400
    assert "Project until" in response.content.decode()
    assert client.get(reverse("projections:index"), {"until": "soon"}).status_code == 400
    assert client.get(reverse("projections:export"), {"until": "2200"}).status_code == 400


@pytest.mark.django_db
def test_scenario_editor_saves_and_compares(client: Any, analyst: Any, loaded: None) -> None:
    client.force_login(analyst)
    response = client.post(
        reverse("projections:scenario_new"),
        {"name": "Mid-career push", "description": "10 more a year", "mid_career_entries_per_year": "10"},
    )
    assert response.status_code == 302
    scenario = Scenario.objects.get()
    assert scenario.parameters == {"mid_career_entries_per_year": 10.0} and scenario.created_by == analyst
    html = client.get(reverse("projections:index"), {"scenario": scenario.pk}).content.decode()
    assert "Mid-career push" in html
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("projections:export"), {"scenario": scenario.pk}).content.decode())
        )
    )
    assert rows[0] == ["scenario", "year", "p10", "p50", "p90"]
    names = {row[0] for row in rows[1:] if row and row[0] not in ("scenario",)}
    assert {"Today's policy", "Mid-career push"} <= names
    # Edit: unchanged name is fine; clearing the lever makes it today's policy.
    response = client.post(
        reverse("projections:scenario_edit", args=[scenario.pk]), {"name": "Mid-career push"}
    )
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.parameters == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "x", "retention_rate": "1.5"}, "retention_rate must lie between 0 and 1"),
        ({"name": "x", "dispatches_per_year": "80"}, "today_dispatches_per_year"),
        ({"name": "", "mid_career_entries_per_year": "5"}, "This field is required"),
        ({"name": "x", "civil_servant_track": "maybe"}, "Select a valid choice"),
    ],
)
def test_scenario_editor_refuses_bad_input(
    client: Any, analyst: Any, loaded: None, data: Any, message: str
) -> None:
    client.force_login(analyst)
    response = client.post(reverse("projections:scenario_new"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Scenario.objects.exists()


@pytest.mark.django_db
def test_scenario_delete(client: Any, analyst: Any, loaded: None) -> None:
    client.force_login(analyst)
    scenario = Scenario.objects.create(name="x", parameters={})
    assert client.get(reverse("projections:scenario_delete", args=[scenario.pk])).status_code == 405
    assert client.post(reverse("projections:scenario_delete", args=[scenario.pk])).status_code == 302
    assert not Scenario.objects.exists()


@pytest.mark.django_db
def test_analyst_adds_a_target_and_sees_its_probability(client: Any, analyst: Any, loaded: None) -> None:
    client.force_login(analyst)
    response = client.post(
        reverse("projections:target_new"),
        {
            "name": "1,100 by 2030",
            "headcount": "1100",
            "deadline": "2030-12-31",
            "source_document": "Study memo",
        },
    )
    assert response.status_code == 302
    assert Target.objects.filter(name="1,100 by 2030", headcount=1100).exists()
    html = client.get(reverse("projections:index")).content.decode()
    assert "1,100 by 2030" in html and "added by an analyst" in html
    data = client.get("/api/projections/projection?until=2032").json()
    assert {"headcount": 1100, "deadline": "2030-12-31"}.items() <= data["targets"][-1].items()
    assert 0 <= data["targets"][-1]["probability"] <= 1


@pytest.mark.django_db
def test_target_form_refuses_bad_input(client: Any, analyst: Any, loaded: None) -> None:
    client.force_login(analyst)
    before = Target.objects.count()
    for data in (
        {"name": "x", "headcount": "-5", "deadline": "2030-12-31", "source_document": "s"},
        {"name": "x", "headcount": "1100", "deadline": "not a date", "source_document": "s"},
        {"name": "x", "headcount": "1100", "deadline": "2030-12-31", "source_document": ""},
        {"name": "x", "headcount": "1100", "deadline": "1991-01-01", "source_document": "s"},
    ):
        assert client.post(reverse("projections:target_new"), data).status_code == 400, data
    assert Target.objects.count() == before


@pytest.mark.django_db
def test_api_shapes_and_bad_input(client: Any, analyst: Any, loaded: None) -> None:
    client.force_login(analyst)
    data = client.get("/api/projections/backtest?fit_until=2018").json()
    assert data["fit_until"] == 2018 and [y["year"] for y in data["years"]] == [2019, 2020, 2021, 2022, 2024]
    assert client.get("/api/projections/backtest?fit_until=2023").status_code == 400
    assert client.get("/api/projections/projection?until=2020").status_code == 400
    assert client.get("/api/projections/projection?until=2030&scenario=999").status_code == 404


@pytest.mark.django_db
def test_page_queries_do_not_grow_with_scenarios(client: Any, analyst: Any, loaded: None) -> None:
    client.force_login(analyst)
    Scenario.objects.create(name="a", parameters={"mid_career_entries_per_year": 5})
    url = reverse("projections:index")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for name in ("b", "c", "d"):
        Scenario.objects.create(name=name, parameters={"separation_rate": 0.02})
    with CaptureQueriesContext(connection) as four:
        html = client.get(url).content.decode()
    assert all(name in html for name in ("b", "c", "d"))
    assert len(four) == len(one)


@pytest.mark.django_db
def test_export_keeps_a_formula_in_a_scenario_name_as_text(client: Any, analyst: Any, loaded: None) -> None:
    client.force_login(analyst)
    scenario = Scenario.objects.create(name='=HYPERLINK("http://x")', parameters={})
    response = client.get(reverse("projections:export"), {"scenario": scenario.pk})
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    names = {row[0] for row in rows if row}
    assert '\'=HYPERLINK("http://x")' in names and '=HYPERLINK("http://x")' not in names
    assert ["mae", rows[-2][1], rows[-2][2], rows[-2][3]] == rows[-2]

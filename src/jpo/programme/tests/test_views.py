"""The officer's cycle pages and the public call and self-check pages: permissions, validation, queries."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jpo.accounts.models import AuditEvent, Role
from jpo.programme.models import Agreement, Cycle, Organization, OrganizationKind, Track, TrackKind

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")


def jst(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=JST)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def undp(db: Any) -> Organization:
    org = Organization.objects.create(
        code="UNDP",
        name_en="United Nations Development Programme",
        name_ja="国連開発計画",
        kind=OrganizationKind.FUND_PROGRAMME,
    )
    Agreement.objects.create(organization=org, starts_fiscal_year=1974, source="test")
    return org


@pytest.fixture
def fy2026(undp: Organization) -> Cycle:
    cycle = Cycle.objects.create(
        fiscal_year=2026,
        applications_open=jst(2026, 2, 2, 0, 0, 0),
        applications_close=jst(2026, 3, 3, 18, 0, 0),
        slots=50,
    )
    Track.objects.create(cycle=cycle, kind=TrackKind.MOFA)
    Track.objects.create(cycle=cycle, kind=TrackKind.ORGANIZATION).organizations.set([undp])
    return cycle


@pytest.fixture
def officer_client(client: Any, make_user: Any) -> Any:
    client.force_login(make_user(Role.OFFICER))
    return client


def _post_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "fiscal_year": "2027",
        "preregistration_opens": "2027-01-06T10:00",
        "preregistration_closes": "2027-03-02T18:00",
        "applications_open": "2027-02-01T00:00",
        "applications_close": "2027-03-02T18:00",
        "slots": "50",
        "mofa_track": "on",
        "source": "https://www.mofa-irc.go.jp/",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- Permissions --------------------------------------------------------------------------------------

OFFICER_PAGES = ["programme:cycle_list", "programme:cycle_create"]


@pytest.mark.parametrize("name", OFFICER_PAGES)
def test_officer_pages_redirect_anonymous_to_login(client: Any, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize(
    "role", [Role.APPLICANT, Role.REVIEWER, Role.FOCAL_POINT, Role.MINISTRY_HR, Role.ANALYST]
)
def test_officer_pages_refuse_other_roles(
    client: Any, make_user: Any, fy2026: Cycle, undp: Organization, role: str
) -> None:
    from jpo.programme.models import Ministry

    scope: dict[str, Any] = {}
    if role == Role.FOCAL_POINT:
        scope["organization"] = undp
    if role == Role.MINISTRY_HR:
        scope["ministry"] = Ministry.objects.create(code="mhlw", name_en="MHLW", name_ja="厚生労働省")
    client.force_login(make_user(role, **scope))
    for url in [
        reverse("programme:cycle_list"),
        reverse("programme:cycle_create"),
        reverse("programme:cycle", args=[2026]),
        reverse("programme:cycle_edit", args=[2026]),
    ]:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("programme:cycle_create"), _post_data()).status_code == 403
    assert not Cycle.objects.filter(fiscal_year=2027).exists()


def test_public_pages_are_open_to_anonymous_visitors(client: Any, fy2026: Cycle) -> None:
    home = client.get(reverse("home"))
    assert reverse("calls:index") in home.content.decode()
    for url in [
        reverse("calls:index"),
        reverse("calls:detail", args=[2026]),
        reverse("calls:self_check", args=[2026]),
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("calls:detail", args=[1999])).status_code == 404
    form = client.get(reverse("calls:self_check", args=[2026])).content.decode()
    for row_input in ['id="id_degree-2-level"', 'id="id_job-3-start"', 'id="id_test-1-score"']:
        assert row_input in form


# --- Creating and editing a cycle ---------------------------------------------------------------------


def test_create_form_starts_from_the_previous_cycle_a_year_later(officer_client: Any, fy2026: Cycle) -> None:
    response = officer_client.get(reverse("programme:cycle_create"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["fiscal_year"] == 2027
    assert form.initial["applications_close"] == dt.datetime(2027, 3, 3, 18, 0, 0)
    assert form.initial["organization_track"] is True
    assert form.initial["slots"] == 50


def test_officer_creates_a_cycle_with_tracks_in_japan_time(officer_client: Any, undp: Organization) -> None:
    response = officer_client.post(
        reverse("programme:cycle_create"),
        _post_data(organization_track="on", organizations=[str(undp.pk)]),
    )
    assert response.status_code == 302, response.content.decode()
    cycle = Cycle.objects.get(fiscal_year=2027)
    assert cycle.applications_close == jst(2027, 3, 2, 18, 0, 0)
    assert cycle.slots == 50
    kinds = {t.kind: [o.code for o in t.organizations.all()] for t in cycle.tracks.all()}
    assert kinds == {"mofa": [], "organization": ["UNDP"]}
    assert AuditEvent.objects.filter(action="programme.cycle.create", target_id=str(cycle.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"fiscal_year": "2026"}, "fiscal_year", "FY2026 already exists"),
        ({"applications_close": "2027-01-31T00:00"}, "applications_close", "must close after it opens"),
        ({"preregistration_opens": "2027-02-05T00:00"}, "preregistration_opens", "cannot open after"),
        (
            {"applications_open": "2029-02-01T00:00", "applications_close": "2029-03-01T00:00"},
            "applications_open",
            "must lie between",
        ),
        ({"applications_close": ""}, "applications_close", "Give both"),
        ({"mofa_track": None}, "mofa_track", "at least one track"),
        ({"organization_track": "on"}, "organizations", "Choose the organizations"),
        ({"applications_open": "not a date"}, "applications_open", "valid date"),
    ],
)
def test_bad_cycle_is_refused_with_the_field_named_and_nothing_written(
    officer_client: Any, fy2026: Cycle, overrides: dict[str, Any], field: str, message: str
) -> None:
    before = Cycle.objects.count(), Track.objects.count()
    response = officer_client.post(reverse("programme:cycle_create"), _post_data(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert (Cycle.objects.count(), Track.objects.count()) == before
    assert "Nothing was saved." in response.content.decode()


def test_refusal_is_worded_in_japanese(client: Any, make_user: Any, fy2026: Cycle) -> None:
    client.force_login(make_user(Role.OFFICER))
    response = client.post(
        reverse("programme:cycle_create"),
        _post_data(applications_close="2027-01-31T00:00"),
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.status_code == 400
    assert "応募締切は受付開始より後でなければなりません。" in response.content.decode()


def test_organization_without_agreement_for_the_year_is_refused(
    officer_client: Any, undp: Organization
) -> None:
    Agreement.objects.filter(organization=undp).update(ends_fiscal_year=2020)
    response = officer_client.post(
        reverse("programme:cycle_create"), _post_data(organization_track="on", organizations=[str(undp.pk)])
    )
    assert response.status_code == 400
    assert "UNDP has no agreement" in " ".join(response.context["form"].errors["organizations"])
    assert not Cycle.objects.filter(fiscal_year=2027).exists()


def test_officer_edits_a_cycle_and_the_change_is_audited(officer_client: Any, fy2026: Cycle) -> None:
    url = reverse("programme:cycle_edit", args=[2026])
    form = officer_client.get(url).context["form"]
    assert form.initial["applications_close"] == dt.datetime(2026, 3, 3, 18, 0, 0)
    response = officer_client.post(
        url,
        _post_data(
            fiscal_year="1999",  # disabled: ignored
            preregistration_opens="",
            preregistration_closes="",
            applications_open="2026-02-02T00:00",
            applications_close="2026-03-10T18:00:00",
            slots="60",
            version=str(fy2026.version),
        ),
    )
    assert response.status_code == 302
    fy2026.refresh_from_db()
    assert fy2026.fiscal_year == 2026
    assert fy2026.applications_close == jst(2026, 3, 10, 18, 0, 0)
    assert fy2026.slots == 60
    assert not fy2026.tracks.filter(kind=TrackKind.ORGANIZATION).exists()
    event = AuditEvent.objects.get(action="programme.cycle.update", target_id=str(fy2026.pk))
    assert "applications_close" in event.data


def test_two_officers_editing_one_cycle_the_stale_form_is_refused(officer_client: Any, fy2026: Cycle) -> None:
    url = reverse("programme:cycle_edit", args=[2026])
    read_at = fy2026.version
    assert f'name="version" value="{read_at}"' in officer_client.get(url).content.decode()
    windows = {
        "preregistration_opens": "",
        "preregistration_closes": "",
        "applications_open": "2026-02-02T00:00",
    }
    first = _post_data(**windows, applications_close="2026-03-10T18:00:00", slots="60", version=str(read_at))
    assert officer_client.post(url, first).status_code == 302
    second = _post_data(**windows, applications_close="2026-03-20T18:00:00", slots="70", version=str(read_at))
    response = officer_client.post(url, second, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "Someone else saved this record while you were editing it" in response.content.decode()
    fy2026.refresh_from_db()
    assert (fy2026.slots, fy2026.applications_close) == (60, jst(2026, 3, 10, 18, 0, 0))
    assert fy2026.version == read_at + 1
    no_version = _post_data(**windows, applications_close="2026-03-20T18:00:00", slots="70")
    assert officer_client.post(url, no_version).status_code == 400


def test_cycle_list_queries_do_not_grow_with_cycles(officer_client: Any, undp: Organization) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert officer_client.get(reverse("programme:cycle_list")).status_code == 200
        return len(queries)

    def add(fy: int) -> None:
        cycle = Cycle.objects.create(fiscal_year=fy)
        Track.objects.create(cycle=cycle, kind=TrackKind.MOFA)
        Track.objects.create(cycle=cycle, kind=TrackKind.ORGANIZATION).organizations.set([undp])

    add(2020)
    few = count()
    for fy in range(2010, 2020):
        add(fy)
    assert count() == few


def test_call_index_queries_do_not_grow_with_cycles(client: Any, undp: Organization) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("calls:index")).status_code == 200
        return len(queries)

    def add(fy: int) -> None:
        cycle = Cycle.objects.create(fiscal_year=fy)
        Track.objects.create(cycle=cycle, kind=TrackKind.ORGANIZATION).organizations.set([undp])

    add(2020)
    few = count()
    for fy in range(2010, 2020):
        add(fy)
    assert count() == few


# --- The public call and self-check ---------------------------------------------------------------------


def test_call_page_in_japanese_and_english(client: Any, fy2026: Cycle) -> None:
    ja = client.get(reverse("calls:detail", args=[2026]) + "?lang=ja").content.decode()
    assert "2026年度" in ja
    assert "日本国籍" in ja
    assert "国連開発計画" in ja
    assert "2026年3月3日 18:00:00（日本時間）" in ja
    en = client.get(reverse("calls:detail", args=[2026]) + "?lang=en").content.decode()
    assert "Call for applications, FY2026" in en
    assert "Japanese nationality (JP) is required" in en
    assert "3 March 2026, 18:00:00 (Japan time)" in en
    assert "United Nations Development Programme" in en
    assert "<script>" not in en  # no inline script (CSP)


def _check_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "birth_date": "1995-01-01",
        "nationalities": "JP",
        "national_civil_servant": "no",
        "former_jpo": "no",
        "international_organization_staff": "no",
        "degree-TOTAL_FORMS": "3",
        "degree-INITIAL_FORMS": "0",
        "degree-0-level": "master",
        "degree-0-field": "Economics",
        "degree-0-awarded": "2020-03-20",
        "job-TOTAL_FORMS": "4",
        "job-INITIAL_FORMS": "0",
        "job-0-start": "2020-04-01",
        "job-0-type": "full_time",
        "job-0-sector": "private",
        "test-TOTAL_FORMS": "2",
        "test-INITIAL_FORMS": "0",
        "test-0-test": "toefl_ibt",
        "test-0-score": "110",
        "test-0-taken": "2025-06-01",
    }
    data.update(overrides)
    return data


def test_self_check_gives_the_same_judgement_as_the_engine_and_stores_nothing(
    client: Any, fy2026: Cycle
) -> None:
    from jpo import policy
    from jpo.applications.models import Applicant, Application

    before = AuditEvent.objects.count()
    response = client.post(reverse("calls:self_check", args=[2026]), _check_data(nationalities="US"))
    assert response.status_code == 200
    decision = response.context["decision"]
    assert decision.criterion("nationality").outcome == "failed"
    page = response.content.decode()
    assert "Japanese nationality (JP) is required" in page
    assert (
        decision.as_dict()
        == policy.evaluate(
            {
                "birth_date": "1995-01-01",
                "nationalities": ["US"],
                "degrees": [{"level": "master", "field": "Economics", "awarded": "2020-03-20"}],
                "employment": [
                    {"start": "2020-04-01", "end": None, "type": "full_time", "sector": "private"}
                ],
                "language_tests": [{"test": "toefl_ibt", "score": 110, "taken": "2025-06-01"}],
                "national_civil_servant": False,
                "former_jpo": False,
                "international_organization_staff": False,
            },
            "FY2026",
        ).as_dict()
    )
    assert AuditEvent.objects.count() == before
    assert not Applicant.objects.exists() and not Application.objects.exists()


def test_self_check_bad_input_names_the_field(client: Any, fy2026: Cycle) -> None:
    response = client.post(
        reverse("calls:self_check", args=[2026]),
        _check_data(nationalities="Japan", **{"degree-1-level": "", "degree-1-awarded": "2020-01-01"}),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "is not a two-letter country code" in page
    assert "Choose the degree, or clear the row." in page


def test_self_check_is_rate_limited(client: Any, fy2026: Cycle, settings: Any) -> None:
    settings.JPO_THROTTLES = {**settings.JPO_THROTTLES, "self_check": (5, 600)}
    url = reverse("calls:self_check", args=[2026])
    for _ in range(5):
        assert client.post(url, _check_data()).status_code == 200
    response = client.post(url, _check_data())
    assert response.status_code == 429
    assert "Too many checks" in response.content.decode()

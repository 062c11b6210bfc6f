"""Placement pages through the test client: who may open what, bad input, and query counts that do not
grow with the number of rows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jpo.accounts.models import Role
from jpo.placement.models import Dispatch, MatchRun, Offer, OutcomeKind, PairKind
from jpo.placement.services.dates import today_in_tokyo
from jpo.placement.services.matching import match_run_create
from jpo.placement.tests import factories as f

pytestmark = pytest.mark.django_db

OFFICER_ONLY = ["placement:matching", "placement:budget", "placement:alumni", "placement:organization_list"]
STAFF = ["placement:index", "placement:dispatch_list", "placement:reminder_list"]


def _login(client, make_user, role, **extra):
    user = make_user(role, **extra)
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "name", OFFICER_ONLY + STAFF + ["placement:post_list", "placement:secondment_list", "placement:retention"]
)
def test_officer_opens_every_page(client, make_user, name) -> None:
    f.cycle(2024)
    _login(client, make_user, Role.OFFICER)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.REVIEWER, Role.ANALYST])
@pytest.mark.parametrize("name", OFFICER_ONLY)
def test_other_roles_are_refused_officer_pages(client, make_user, role, name) -> None:
    f.cycle(2024)
    _login(client, make_user, role)
    assert client.get(reverse(name)).status_code == 403


def test_anonymous_is_sent_to_login(client) -> None:
    response = client.get(reverse("placement:dispatch_list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_focal_point_sees_only_own_posts_and_dispatches(client, make_user) -> None:
    officer = f.officer()
    undp, wfp = f.organization("UNDP"), f.organization("WFP")
    cycle = f.cycle(2024)
    mine = f.post(actor=officer, cycle_row=cycle, org=undp, title="Mine")
    theirs = f.post(actor=officer, cycle_row=cycle, org=wfp, title="Theirs")
    other_dispatch = f.dispatched(actor=officer, cycle_row=cycle, org=wfp)
    _login(client, make_user, Role.FOCAL_POINT, organization=undp)
    page = client.get(reverse("placement:post_list") + "?cycle=2024").content.decode()
    assert "Mine" in page and "Theirs" not in page
    assert client.get(reverse("placement:post_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("placement:post_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("placement:dispatch_detail", args=[other_dispatch.pk])).status_code == 404
    assert client.get(reverse("placement:secondment_list")).status_code == 403


def test_ministry_hr_sees_only_own_civil_servants(client, make_user) -> None:
    officer = f.officer()
    own = f.dispatched(actor=officer, civil_servant=True)
    other_ministry = f.ministry("meti")
    _login(client, make_user, Role.MINISTRY_HR, ministry=other_ministry)
    assert (
        own.application.applicant.family_name
        not in client.get(reverse("placement:secondment_list")).content.decode()
    )
    assert client.get(reverse("placement:secondment_detail", args=[own.secondment.pk])).status_code == 404
    client.logout()
    _login(client, make_user, Role.MINISTRY_HR, ministry=f.ministry("mhlw"))
    assert str(own.application.applicant) in client.get(reverse("placement:secondment_list")).content.decode()


def test_post_proposal_with_danger_level_4_shows_the_rule(client, make_user) -> None:
    org = f.organization()
    f.cycle(2026)  # the rule is documented for FY2026
    _login(client, make_user, Role.OFFICER)
    response = client.post(
        reverse("placement:post_new") + "?cycle=2026",
        {
            "organization": org.pk,
            "title": "Analyst",
            "duty_station": "Kabul",
            "grade": "P-2",
            "danger_level": 4,
        },
    )
    assert response.status_code == 400
    assert "danger level 4" in response.content.decode()


def test_dispatch_form_refuses_missing_consent_and_saves_nothing(client, make_user) -> None:
    officer = f.officer()
    cycle = f.cycle(2024)
    org = f.organization()
    post = f.post(actor=officer, cycle_row=cycle, org=org)
    application = f.candidate(
        cycle_row=cycle, preferences=[org], actor=officer, civil_servant=True, ministry_row=f.ministry()
    )
    offer = f.accepted_offer(actor=officer, application=application, post_row=post)
    client.force_login(officer)
    response = client.post(reverse("placement:dispatch_new", args=[offer.pk]), {"start_date": "2025-01-06"})
    assert response.status_code == 400
    assert "Art. 2(2)" in response.content.decode()
    assert not Dispatch.objects.exists()
    response = client.post(
        reverse("placement:dispatch_new", args=[offer.pk]),
        {"start_date": "2025-01-06", "consent_recorded_on": "2024-11-01"},
    )
    assert response.status_code == 302
    assert Dispatch.objects.get().secondment.consent_recorded_on == dt.date(2024, 11, 1)


def test_extension_past_maximum_is_a_400_with_the_field_named(client) -> None:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer)
    client.force_login(officer)
    response = client.post(
        reverse("placement:dispatch_detail", args=[dispatch.pk]),
        {
            "action": "extend",
            "version": dispatch.version,
            "extend-new_planned_end": "2029-01-01",
            "extend-reason": "pending",
        },
    )
    assert response.status_code == 400
    assert "at most 3 years" in response.content.decode()
    dispatch.refresh_from_db()
    assert dispatch.planned_end_date == dt.date(2027, 1, 5)


def test_match_run_adjust_and_send_through_the_pages(client) -> None:
    officer = f.officer()
    cycle = f.cycle(2025)
    undp = f.organization("UNDP")
    p1 = f.post(actor=officer, cycle_row=cycle, org=undp, title="First")
    a = f.candidate(cycle_row=cycle, preferences=[undp], actor=officer)
    b = f.candidate(cycle_row=cycle, preferences=[undp], actor=officer)
    client.force_login(officer)
    response = client.post(
        reverse("placement:matching") + "?cycle=2025", {"preference_weight": 50, "cycle": 2025}
    )
    assert response.status_code == 302
    run = MatchRun.objects.get()
    chosen = run.pairs.get(kind=PairKind.RECOMMENDED).application
    other = b if chosen == a else a
    page = client.get(reverse("placement:match_run", args=[run.pk])).content.decode()
    assert "Preference rank" in page or "希望順位" in page
    client.post(reverse("placement:match_run", args=[run.pk]), {"application": chosen.pk, "post": ""})
    client.post(reverse("placement:match_run", args=[run.pk]), {"application": other.pk, "post": p1.pk})
    assert run.pairs.get(kind=PairKind.RECOMMENDED).application == other
    response = client.post(reverse("placement:match_run", args=[run.pk]), {"action": "send"})
    assert response.status_code == 400  # the letters need a deadline to answer
    assert not Offer.objects.exists()
    respond_by = today_in_tokyo() + dt.timedelta(days=10)
    response = client.post(
        reverse("placement:match_run", args=[run.pk]),
        {"action": "send", "respond_by": respond_by.isoformat(), "length_months": "24"},
    )
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert offer.application == other
    assert (offer.respond_by, offer.length_months, offer.start_date) == (respond_by, 24, None)


def test_match_run_without_candidates_is_a_clear_400(client) -> None:
    officer = f.officer()
    f.cycle(2025)
    client.force_login(officer)
    response = client.post(
        reverse("placement:matching") + "?cycle=2025", {"preference_weight": 50, "cycle": 2025}
    )
    assert response.status_code == 400
    assert not MatchRun.objects.exists()


def test_applicant_accepts_own_offer(client, make_user) -> None:
    officer = f.officer()
    cycle = f.cycle(2024)
    org = f.organization()
    post = f.post(actor=officer, cycle_row=cycle, org=org)
    user = make_user(Role.APPLICANT)
    application = f.candidate(cycle_row=cycle, preferences=[org], actor=officer, user=user)
    offer = Offer.objects.create(application=application, post=post)
    client.force_login(user)
    assert str(post.title) in client.get(reverse("placement:offer_list")).content.decode()
    client.post(reverse("placement:offer_respond", args=[offer.pk]), {"response": "accepted"})
    offer.refresh_from_db()
    assert offer.status == "accepted"


def test_alumni_import_bad_rows_listed_nothing_written(client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jpo.placement.models import AlumniRecord

    f.organization("UNDP")
    client.force_login(f.officer())
    content = "family_name,given_name,cohort_fiscal_year,organization\n山田,太郎,1980,UNDP\n鈴木,花子,1960,XYZ\n".encode()
    response = client.post(reverse("placement:alumni"), {"file": SimpleUploadedFile("roster.csv", content)})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Row 3" in text or "3" in text
    assert not AlumniRecord.objects.exists()


@pytest.mark.usefixtures("later")
def test_retention_page_renders_svg_chart(client, make_user) -> None:
    from jpo.placement.services.outcomes import outcome_record

    officer = f.officer()
    dispatch = f.dispatched(actor=officer)
    outcome_record(
        actor=officer,
        dispatch=dispatch,
        kind=OutcomeKind.REGULAR_POST_SAME,
        grade="P-3",
        recorded_on=dt.date(2027, 1, 6),
    )
    client.force_login(officer)
    page = client.get(reverse("placement:retention")).content.decode()
    assert "<svg" in page and "FY2024" in page and "n=1" in page
    # Each bar's figures fit in the drawing: "65% (50%–77%, n=57)" was cut at "n=" (labels start at
    # 130 + 406 px; 11 px text, at most 0.6 em a character; the widest, "100% (100%–100%, n=100)").
    found = re.search(r'viewBox="0 0 (\d+) ', page)
    assert found is not None
    width = int(found.group(1))
    assert 130 + 406 + len("100% (100%–100%, n=100)") * 11 * 0.6 <= width
    assert all(
        130 + 406 + len(label) * 11 * 0.6 <= width for label in re.findall(r'font-size="11">([^<]+)<', page)
    )

    # An analyst sees aggregates only: a group of one person is neither listed nor charted.
    _login(client, make_user, Role.ANALYST)
    page = client.get(reverse("placement:retention")).content.decode()
    assert "FY2024" not in page and "n=1" not in page


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "name",
    [
        "placement:dispatch_list",
        "placement:secondment_list",
        "placement:offer_list",
        "placement:reminder_list",
        "placement:retention",
        "placement:budget",
        "placement:index",
    ],
)
def test_list_query_counts_do_not_grow_with_rows(client, name) -> None:
    officer = f.officer()
    f.cost_table(2020)
    cycle = f.cycle(2024)
    f.dispatched(actor=officer, cycle_row=cycle, civil_servant=True, start=dt.date(2024, 6, 1))
    client.force_login(officer)
    url = reverse(name)
    before = _count_queries(client, url)
    for _ in range(3):
        f.dispatched(actor=officer, cycle_row=cycle, civil_servant=True, start=dt.date(2024, 6, 1))
    assert _count_queries(client, url) == before


def test_post_and_candidate_lists_query_counts_do_not_grow(client) -> None:
    officer = f.officer()
    f.cost_table(2020)
    cycle = f.cycle(2024)
    org = f.organization()
    f.post(actor=officer, cycle_row=cycle, org=org, title="P0")
    f.candidate(cycle_row=cycle, preferences=[org], actor=officer)
    client.force_login(officer)
    urls = [
        reverse("placement:post_list") + "?cycle=2024",
        reverse("placement:candidate_list") + "?cycle=2024",
    ]
    before = [_count_queries(client, u) for u in urls]
    for i in range(3):
        f.post(actor=officer, cycle_row=cycle, org=org, title=f"P{i + 1}")
        f.candidate(cycle_row=cycle, preferences=[org], actor=officer)
    assert [_count_queries(client, u) for u in urls] == before


def test_match_run_page_query_count_does_not_grow(client) -> None:
    officer = f.officer()
    cycle = f.cycle(2024)
    org = f.organization()

    def run_url() -> str:
        return reverse("placement:match_run", args=[match_run_create(actor=officer, cycle=cycle).pk])

    f.post(actor=officer, cycle_row=cycle, org=org, title="P0")
    f.candidate(cycle_row=cycle, preferences=[org], actor=officer)
    client.force_login(officer)
    before = _count_queries(client, run_url())
    for i in range(3):
        f.post(actor=officer, cycle_row=cycle, org=org, title=f"P{i + 1}")
        f.candidate(cycle_row=cycle, preferences=[org], actor=officer)
    assert _count_queries(client, run_url()) == before


def test_post_list_states_the_cycles_danger_rule_with_its_source(client, make_user) -> None:
    f.cycle(2025)
    f.cycle(2026)
    _login(client, make_user, Role.OFFICER)
    fy2026 = client.get(reverse("placement:post_list") + "?cycle=2026").content.decode()
    assert "In FY2026, posts in a duty station at MOFA danger level 3, 4 are refused" in fy2026
    assert "career.erythree.com" in fy2026
    fy2025 = client.get(reverse("placement:post_list") + "?cycle=2025").content.decode()
    assert "No rule on the MOFA danger level of duty stations is known for FY2025." in fy2025


def test_ids_and_numbers_out_of_range_are_refused_not_500(client) -> None:
    # a 30-digit id or year overflowed the database lookup (a 500 on SQLite and PostgreSQL)
    officer = f.officer()
    cycle = f.cycle(2025)
    undp = f.organization("UNDP")
    f.post(actor=officer, cycle_row=cycle, org=undp, title="First")
    f.candidate(cycle_row=cycle, preferences=[undp], actor=officer)
    client.force_login(officer)
    huge = "9" * 30
    assert client.get(reverse("placement:matching") + f"?cycle=FY{huge}").status_code == 200
    assert client.get(reverse("placement:matching") + "?cycle=²").status_code == 200
    assert client.get(reverse("placement:alumni") + f"?cohort={huge}").status_code == 200
    response = client.post(
        reverse("placement:matching") + "?cycle=2025",
        {"preference_weight": 50, "cycle": 2025, "budget_yen": huge},
    )
    assert response.status_code == 400 and not MatchRun.objects.exists()
    client.post(reverse("placement:matching") + "?cycle=2025", {"preference_weight": 50, "cycle": 2025})
    run = MatchRun.objects.get()
    response = client.post(reverse("placement:match_run", args=[run.pk]), {"application": huge, "post": huge})
    assert response.status_code == 400


def test_staff_reads_of_dispatch_secondment_and_candidates_are_logged(client, make_user) -> None:
    from jpo.applications.models import PersonalDataAccess

    officer = f.officer()
    dispatch = f.dispatched(actor=officer, civil_servant=True)
    applicant_id = dispatch.application.applicant_id
    candidate = f.candidate(cycle_row=dispatch.application.cycle, actor=officer)
    hr = make_user(Role.MINISTRY_HR, ministry=dispatch.application.ministry)
    client.force_login(officer)
    assert client.get(reverse("placement:dispatch_detail", args=[dispatch.pk])).status_code == 200
    assert client.get(reverse("placement:candidate_list") + "?cycle=2024").status_code == 200
    client.force_login(hr)
    assert (
        client.get(reverse("placement:secondment_detail", args=[dispatch.secondment.pk])).status_code == 200
    )
    rows = list(
        PersonalDataAccess.objects.order_by("id").values_list("actor", "applicant", "what", "target_type")
    )
    assert rows == [
        (officer.pk, applicant_id, "placement:dispatch", "placement.dispatch"),
        (officer.pk, candidate.applicant_id, "placement:candidates", "applications.application"),
        (hr.pk, applicant_id, "placement:secondment", "placement.secondment"),
    ]
    # A refused read is not logged as a read.
    client.force_login(make_user(Role.MINISTRY_HR, ministry=f.ministry("meti")))
    assert (
        client.get(reverse("placement:secondment_detail", args=[dispatch.secondment.pk])).status_code == 404
    )
    assert PersonalDataAccess.objects.count() == 3


def test_two_staff_editing_one_dispatch_or_secondment_the_stale_form_is_refused(client, make_user) -> None:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer, civil_servant=True, start=dt.date(2025, 1, 6))
    secondment = dispatch.secondment
    read_at = dispatch.version  # both officers opened the page at this version
    client.force_login(officer)
    url = reverse("placement:dispatch_detail", args=[dispatch.pk])
    page = client.get(url).content.decode()
    assert f'name="version" value="{read_at}"' in page
    first = {"action": "extend", "version": read_at, "extend-new_planned_end": "2027-07-05"}
    assert client.post(url, {**first, "extend-reason": "project extended"}).status_code == 302
    # The second officer's form was read before: refused, nothing overwritten, in both languages.
    second = {"action": "extend", "version": read_at, "extend-new_planned_end": "2027-03-05"}
    response = client.post(url, {**second, "extend-reason": "other"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "Someone else saved this record while you were editing it" in response.content.decode()
    response = client.post(url, {**second, "extend-reason": "other"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert (
        response.status_code == 409 and "編集中に別の人がこの記録を保存しました" in response.content.decode()
    )
    stale_end = {"action": "end", "version": read_at, "end-end_date": "2025-06-30"}
    assert client.post(url, stale_end).status_code == 409
    dispatch.refresh_from_db()
    assert (dispatch.planned_end_date, dispatch.end_date) == (dt.date(2027, 7, 5), None)
    assert dispatch.extensions.count() == 1
    # A form without its version is refused too (400), not trusted.
    assert client.post(url, {**stale_end, "version": ""}).status_code == 400
    # The extension moved the return plan: a secondment form read before it is stale as well.
    secondment_url = reverse("placement:secondment_detail", args=[secondment.pk])
    plan = {"action": "plan", "version": secondment.version, "plan-planned_return_date": "2027-08-01"}
    assert client.post(secondment_url, plan).status_code == 409
    secondment.refresh_from_db()
    assert secondment.planned_return_date == dt.date(2027, 7, 6)
    assert client.post(secondment_url, {**plan, "version": secondment.version}).status_code == 302
    secondment.refresh_from_db()
    assert secondment.planned_return_date == dt.date(2027, 8, 1)

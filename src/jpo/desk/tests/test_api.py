"""The read API shows what the pages show: the same rows, filters, paging and scoping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jpo.accounts.models import Role, User
from jpo.applications.workflow import Status
from jpo.desk.tests.test_applications_list import bulk
from jpo.placement.services.dispatches import dispatch_create
from jpo.placement.tests import factories
from jpo.selection.models import Screening, ScreeningCriterion, Shortlist, ShortlistEntry

pytestmark = pytest.mark.django_db


def client_for(who: User) -> Client:
    client = Client()
    client.force_login(who)
    return client


def user(name: str, role: str, **extra: Any) -> User:
    return User.objects.create_user(
        username=name, email=f"{name}@example.jp", password="a-long-test-password", role=role, **extra
    )


@pytest.fixture
def officer() -> User:
    return factories.officer("api-officer")


def test_applications_match_the_page(officer: User) -> None:
    bulk(30)
    bulk(5, start=100, is_civil_servant=True, ministry=factories.ministry("mhlw"))
    client = client_for(officer)
    query = "civil_servant=no&sort=-receipt&size=25&page=2"
    data = client.get(reverse("api:applications") + "?" + query).json()
    page = client.get(reverse("desk:applications") + "?" + query)
    assert data["count"] == 30 and data["page"] == 2 and data["pages"] == 2 and data["size"] == 25
    assert data["sort"] == "-receipt"
    assert [r["receipt_number"] for r in data["results"]] == [
        a.receipt_number for a in page.context["listing"].rows
    ]
    assert data["results"][0]["receipt_number"] == "R2024-000004"
    assert data["results"][0]["family_name"] == "姓00004" and data["results"][0]["screening"] is None


def test_applications_refuse_what_names_nothing(officer: User) -> None:
    client = client_for(officer)
    refused = client.get(reverse("api:applications") + "?sort=birth_date")
    assert refused.status_code == 400
    assert refused.json()["field"] == "sort"
    assert client.get(reverse("api:applications") + "?status=lost").status_code == 400
    assert client.get(reverse("api:applications") + "?size=7").status_code == 400
    assert client.get(reverse("api:applications") + "?cycle=soon").status_code == 422


def test_applications_query_count_does_not_grow(officer: User) -> None:
    client = client_for(officer)
    url = reverse("api:applications") + "?size=200"

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    bulk(10)
    small = count()
    bulk(990, start=10)
    assert count() == small


def test_screenings_shortlist_and_decisions(officer: User) -> None:
    cycle = factories.cycle(2024)
    passed = factories.candidate(cycle_row=cycle, actor=officer)  # recommended
    screening = Screening.objects.create(
        application=passed,
        rules_version="t",
        profile_sha256="0" * 64,
        engine_outcome="eligible",
        outcome="eligible",
        screened_at=timezone.now(),
    )
    ScreeningCriterion.objects.create(
        screening=screening,
        criterion="age",
        outcome="passed",
        message_en="29 on the reference date.",
        message_ja="基準日に29歳。",
    )
    client = client_for(officer)
    data = client.get(reverse("api:screenings", args=[2024]) + "?outcome=eligible").json()
    assert data["count"] == 1
    assert data["results"][0]["criteria"][0]["message_en"] == "29 on the reference date."
    assert client.get(reverse("api:screenings", args=[2024]) + "?outcome=not_eligible").json()["count"] == 0
    assert client.get(reverse("api:screenings", args=[2031])).status_code == 404

    assert client.get(reverse("api:shortlist", args=[2024])).status_code == 404  # not closed yet
    closing = Shortlist.objects.create(cycle=cycle, cutoff=40, method="z", closed_by=officer)
    ShortlistEntry.objects.bulk_create(
        ShortlistEntry(
            shortlist=closing,
            place=n,
            application_id=passed.pk,
            receipt_number=f"R-{n:03d}",
            position=n,
            z_mean=float(Decimal(5) - Decimal(n) / 10),
            reviews=2,
            shortlisted=n <= 40,
        )
        for n in range(1, 61)
    )
    closed = client.get(reverse("api:shortlist", args=[2024]) + "?page=2&size=25").json()
    assert closed["cutoff"] == 40 and closed["count"] == 60 and closed["pages"] == 3
    assert closed["results"][0]["position"] == 26 and closed["results"][0]["receipt_number"] == "R-026"
    rest = client.get(reverse("api:shortlist", args=[2024]) + "?shortlisted=false&sort=-rank").json()
    assert rest["count"] == 20 and rest["results"][0]["position"] == 60
    assert client.get(reverse("api:shortlist", args=[2024]) + "?size=7").status_code == 400

    decisions = client.get(reverse("api:decisions", args=[2024])).json()
    assert [r["application"] for r in decisions["results"]] == [passed.pk]
    assert decisions["results"][0]["status"] == Status.RECOMMENDED
    assert decisions["results"][0]["decided_at"] is not None
    assert client.get(reverse("api:decisions", args=[2024]) + "?status=not_passed").json()["count"] == 0


def test_posts_offers_dispatches_are_scoped_like_the_pages(officer: User) -> None:
    cycle = factories.cycle(2024)
    undp, wfp = factories.organization("UNDP"), factories.organization("WFP")
    mhlw = factories.ministry("mhlw")
    undp_post = factories.post(actor=officer, cycle_row=cycle, org=undp, title="UNDP analyst")
    factories.post(actor=officer, cycle_row=cycle, org=wfp, title="WFP officer")
    owner = user("cand", Role.APPLICANT, email_verified_at=timezone.now())
    application = factories.candidate(
        cycle_row=cycle, preferences=[undp], actor=officer, civil_servant=True, ministry_row=mhlw, user=owner
    )
    offer = factories.accepted_offer(actor=officer, application=application, post_row=undp_post)
    dispatch_create(
        actor=officer, offer=offer, start_date=dt.date(2025, 1, 6), consent_recorded_on=dt.date(2024, 11, 1)
    )
    focal = user("fp", Role.FOCAL_POINT, organization=undp)
    other_focal = user("fp2", Role.FOCAL_POINT, organization=wfp)
    hr = user("hr", Role.MINISTRY_HR, ministry=mhlw)
    other_hr = user("hr2", Role.MINISTRY_HR, ministry=factories.ministry("mof"))

    def count(who: User, name: str, query: str = "") -> int:
        response = client_for(who).get(reverse(name) + query)
        assert response.status_code == 200, response.content
        return int(response.json()["count"])

    assert count(officer, "api:posts") == 2
    assert count(focal, "api:posts") == 1
    assert client_for(focal).get(reverse("api:posts")).json()["results"][0]["title"] == "UNDP analyst"
    assert count(officer, "api:posts", "?cycle=2023") == 0
    assert (count(officer, "api:offers"), count(focal, "api:offers"), count(other_focal, "api:offers")) == (
        1,
        1,
        0,
    )
    assert count(owner, "api:offers") == 1
    assert count(hr, "api:dispatches") == 1 and count(other_hr, "api:dispatches") == 0
    assert client_for(focal).get(reverse("api:dispatches")).json()["results"][0]["ministry"] == "mhlw"
    assert client_for(hr).get(reverse("api:offers")).status_code == 403
    assert client_for(focal).get(reverse("api:applications")).status_code == 403

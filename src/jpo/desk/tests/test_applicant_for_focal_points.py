"""The applicant page for focal points: only the applications forwarded to their organization (from
stage two on, as their dossiers), no other personal data; any other person's page is not found."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from jpo.accounts.models import Role
from jpo.applications.models import Application, PersonalDataAccess
from jpo.applications.workflow import Status
from jpo.placement.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user: Any) -> dict[str, Any]:
    officer = factories.officer()
    undp, wfp = factories.organization("UNDP"), factories.organization("WFP")
    forwarded = factories.candidate(
        cycle_row=factories.cycle(2024), track="organization", forwarded_to=undp, actor=officer
    )
    person = forwarded.applicant
    # The same person's application of another year, forwarded to another organization.
    elsewhere = factories.candidate(
        cycle_row=factories.cycle(2023), track="organization", forwarded_to=wfp, actor=officer
    )
    Application.objects.filter(pk=elsewhere.pk).update(applicant=person)
    stranger = factories.candidate(cycle_row=factories.cycle(2024), actor=officer)
    return {
        "officer": officer,
        "person": person,
        "forwarded": forwarded,
        "elsewhere": elsewhere,
        "stranger": stranger,
        "focal": make_user(Role.FOCAL_POINT, organization=undp),
        "other_focal": make_user(Role.FOCAL_POINT, organization=wfp),
        "undp": undp,
    }


def test_a_focal_point_sees_only_the_applications_forwarded_to_them(
    client: Any, world: dict[str, Any]
) -> None:
    person, forwarded, elsewhere = world["person"], world["forwarded"], world["elsewhere"]
    assert forwarded.status == Status.FORWARDED
    client.force_login(world["focal"])
    response = client.get(reverse("desk:applicant", args=[person.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"cycle-{forwarded.pk}" in page and f"cycle-{elsewhere.pk}" not in page
    assert reverse("desk:dossier", args=[forwarded.pk]) in page
    # No other personal data: no e-mail, account, duplicates, screening, reviews, or who read the data.
    assert person.email not in page
    for hidden in ("Who read this person's data", "Document review", "Status history", "Screening"):
        assert hidden not in page, hidden
    assert PersonalDataAccess.objects.filter(
        actor=world["focal"], applicant=person, what="applicant"
    ).exists()
    # The officer sees everything.
    client.force_login(world["officer"])
    page = client.get(reverse("desk:applicant", args=[person.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"cycle-{elsewhere.pk}" in page and person.email in page and "Who read this person's data" in page


def test_a_focal_point_is_refused_other_people(client: Any, world: dict[str, Any], make_user: Any) -> None:
    url = reverse("desk:applicant", args=[world["person"].pk])
    client.force_login(world["focal"])
    assert client.get(reverse("desk:applicant", args=[world["stranger"].applicant_id])).status_code == 404
    # A candidate not yet at stage two with the organization: not found either.
    Application.objects.filter(pk=world["forwarded"].pk).update(status=Status.SHORTLISTED)
    assert client.get(url).status_code == 404
    Application.objects.filter(pk=world["forwarded"].pk).update(status=Status.FORWARDED)
    assert client.get(url).status_code == 200
    client.force_login(world["other_focal"])  # WFP: only the 2023 application would be theirs
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"cycle-{world['elsewhere'].pk}" in page and f"cycle-{world['forwarded'].pk}" not in page
    for role in (Role.REVIEWER, Role.MINISTRY_HR, Role.APPLICANT, Role.ANALYST):
        extra = {"ministry": factories.ministry("mhlw")} if role == Role.MINISTRY_HR else {}
        client.force_login(make_user(role, **extra))
        assert client.get(url).status_code in {403, 404}, role
    client.logout()
    assert client.get(url).status_code == 302


def test_the_focal_point_page_speaks_japanese(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["focal"])
    client.cookies["jpo_language"] = "ja"
    page = client.get(
        reverse("desk:applicant", args=[world["person"].pk]), HTTP_ACCEPT_LANGUAGE="ja"
    ).content.decode()
    assert "貴機関に送付された" in page and "書類一式（PDF）" in page


def test_the_alumni_records_of_the_person_show_to_officers_only(client: Any, world: dict[str, Any]) -> None:
    from jpo.placement.models import AlumniRecord

    person = world["person"]
    AlumniRecord.objects.create(applicant=person, cohort_fiscal_year=2001, organization=world["undp"])
    url = reverse("desk:applicant", args=[person.pk])
    client.force_login(world["officer"])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Alumni roster" in page and reverse("placement:alumni") in page
    client.force_login(world["focal"])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Alumni roster" not in page

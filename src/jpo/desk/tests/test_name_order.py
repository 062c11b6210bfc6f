"""Names read in the order their script expects (jpo.core.names) on the officer's pages, in the PDF
dossier, in the API, in the result e-mails and in the greeting of staff: 山田 花子 and Susan Banks, in
Japanese and in English alike."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from jpo.accounts.models import Role, User
from jpo.applications.models import Applicant, Application
from jpo.applications.workflow import Status
from jpo.placement.models import AlumniRecord
from jpo.placement.tests import factories
from jpo.programme.models import Track

pytestmark = pytest.mark.django_db

PEOPLE = [  # (family, given, kana family, kana given, as written)
    ("Banks", "Susan", "", "", "Susan Banks"),
    ("山田", "花子", "ヤマダ", "ハナコ", "山田 花子"),
]


@pytest.fixture
def applications() -> list[Application]:
    cycle = factories.cycle(2024)
    track = Track.objects.get(cycle=cycle, kind="mofa")
    made = []
    for i, (family, given, family_kana, given_kana, _) in enumerate(PEOPLE):
        person = Applicant.objects.create(
            family_name=family,
            given_name=given,
            family_name_kana=family_kana,
            given_name_kana=given_kana,
            birth_date=dt.date(1995, 1, 1),
            email=f"person{i}@example.jp",
        )
        made.append(
            Application.objects.create(
                applicant=person,
                cycle=cycle,
                track=track,
                status=Status.SUBMITTED,
                receipt_number=f"R2024-{i:06d}",
                submitted_at=timezone.now(),
            )
        )
    return made


@pytest.fixture
def officer_client(client: Any) -> Any:
    officer = User.objects.create_user(
        username="names-officer",
        email="names@example.jp",
        password="a-long-test-password",
        role=Role.OFFICER,
        first_name="Susan",
        last_name="Banks",
    )
    client.force_login(officer)
    return client


@pytest.mark.parametrize("language", ["ja", "en"])
def test_pages_and_the_dossier_write_each_name_in_its_order(
    applications: list[Application], officer_client: Any, language: str
) -> None:
    officer_client.cookies["jpo_language"] = language
    listing = officer_client.get(reverse("desk:applications")).content.decode()
    for (family, given, *_, written), application in zip(PEOPLE, applications, strict=True):
        assert written in listing
        assert f"{family} {given}" not in listing or written == f"{family} {given}"
        page = officer_client.get(reverse("desk:applicant", args=[application.applicant_id])).content.decode()
        assert f"<h1>{written}" in page
        pdf = officer_client.get(reverse("desk:dossier", args=[application.pk]))
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        assert written in text
    assert "Susan Banks" in listing  # the signed-in officer, in the header
    api = officer_client.get(reverse("api:applications")).json()
    assert {row["name"] for row in api["results"]} == {"Susan Banks", "山田 花子"}


def test_alumni_are_written_in_their_order(officer_client: Any) -> None:
    undp = factories.organization("UNDP")
    AlumniRecord.objects.create(
        family_name="Banks", given_name="Susan", cohort_fiscal_year=2009, organization=undp
    )
    AlumniRecord.objects.create(
        family_name="山田", given_name="花子", cohort_fiscal_year=2010, organization=undp
    )
    page = officer_client.get(reverse("placement:alumni")).content.decode()
    assert "Susan Banks" in page and "Banks Susan" not in page
    assert "山田 花子" in page


def test_staff_names_follow_the_same_rule() -> None:
    assert (
        User(first_name="花子", last_name="山田").get_full_name() == "山田 花子"
    )  # Django writes "花子 山田"
    assert User(first_name="Susan", last_name="Banks").get_full_name() == "Susan Banks"

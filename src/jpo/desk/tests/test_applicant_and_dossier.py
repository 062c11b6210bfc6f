"""One applicant whole, and the PDF dossier of an application (with who may have it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from jpo.accounts.models import Role, User
from jpo.applications.models import Application, Document, PersonalDataAccess
from jpo.placement.tests import factories
from jpo.selection.models import (
    Interview,
    InterviewScore,
    InterviewSlot,
    Review,
    ReviewAssignment,
    Rubric,
    Screening,
    ScreeningCriterion,
)

pytestmark = pytest.mark.django_db

AGE_REASON = "36 on the reference date: over the age limit of 35."


def pdf_bytes(pages: int, text: str) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for n in range(pages):
        pdf.drawString(72, 720, f"{text} page {n + 1}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def attach(application: Application, kind: str, content: bytes, pages: int) -> Document:
    return Document.objects.create(
        application=application,
        kind=kind,
        file=ContentFile(content, name=f"{kind}.pdf"),
        original_name=f"{kind}.pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        pages=pages,
    )


def user(name: str, role: str, **extra: Any) -> User:
    return User.objects.create_user(
        username=name, email=f"{name}@example.jp", password="a-long-test-password", role=role, **extra
    )


def client_for(who: User) -> Client:
    client = Client()
    client.force_login(who)
    return client


@pytest.fixture
def world() -> dict[str, Any]:
    officer = factories.officer("desk-officer")
    undp = factories.organization("UNDP")
    cycle = factories.cycle(2024)
    application = factories.candidate(
        cycle_row=cycle, preferences=[undp], actor=officer, track="organization", forwarded_to=undp
    )
    screening = Screening.objects.create(
        application=application,
        rules_version="t",
        profile_sha256="0" * 64,
        engine_outcome="not_eligible",
        outcome="eligible",
        screened_at=timezone.now(),
    )
    ScreeningCriterion.objects.create(
        screening=screening,
        criterion="age",
        outcome="failed",
        message_en=AGE_REASON,
        message_ja="基準日に36歳：年齢上限35歳を超えています。",
        override="passed",
        override_reason="Born on the cut-off day: the notice counts that day as within the limit.",
        override_by=officer,
        override_at=timezone.now(),
    )
    rubric = Rubric.objects.create(cycle=cycle, reviewers_per_application=1, blind=False)
    reviewer = user("rev", Role.REVIEWER)
    assignment = ReviewAssignment.objects.create(application=application, reviewer=reviewer)
    Review.objects.create(assignment=assignment, total=Decimal("4.250"), comment="Strong field record.")
    attach(application, "cv", pdf_bytes(2, "Curriculum vitae"), 2)
    return {
        "officer": officer,
        "application": application,
        "reviewer": reviewer,
        "rubric": rubric,
        "cycle": cycle,
        "undp": undp,
    }


def test_the_applicant_page_shows_everything_and_logs_the_read(world: dict[str, Any]) -> None:
    application = world["application"]
    older_cycle = factories.cycle(2023)
    older = factories.candidate(cycle_row=older_cycle, actor=world["officer"])
    Application.objects.filter(pk=older.pk).update(applicant=application.applicant)
    older.applicant.delete()
    client = client_for(world["officer"])
    url = reverse("desk:applicant", args=[application.applicant_id])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert len(captured.captured_queries) <= 45
    body = response.content.decode()
    assert str(application.applicant) in body
    assert "FY2024" in body and "FY2023" in body  # both cycles of the person
    assert AGE_REASON in body  # screening with the per-criterion reason
    assert "Born on the cut-off day" in body  # and the officer's override
    assert "4.250" in body and "Strong field record." in body  # the review
    assert "Forwarded to the organization" in body  # status history
    assert reverse("desk:dossier", args=[application.pk]) in body
    read = PersonalDataAccess.objects.get(what="applicant")
    assert read.actor == world["officer"] and read.applicant_id == application.applicant_id


def test_the_dossier_holds_cover_eligibility_scores_and_the_documents(world: dict[str, Any]) -> None:
    application = world["application"]
    client = client_for(world["officer"])
    response = client.get(reverse("desk:dossier", args=[application.pk]), HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "応募書類一式" in text  # Japanese, in the embedded font
    assert application.applicant.family_name in text
    assert "基準日に36歳" in text  # the criterion's reason in Japanese
    assert "4.250" in text  # the review's score
    # The uploaded CV is appended page for page after the dossier's own pages.
    assert "Curriculum vitae page 1" in reader.pages[-2].extract_text()
    assert "Curriculum vitae page 2" in reader.pages[-1].extract_text()
    assert b"/FontFile2" in response.content
    assert PersonalDataAccess.objects.filter(what="dossier", actor=world["officer"]).exists()


def test_an_unreadable_document_is_named_not_dropped(world: dict[str, Any]) -> None:
    application = world["application"]
    attach(application, "degree", b"%PDF-1.4 broken", 1)
    response = client_for(world["officer"]).get(reverse("desk:dossier", args=[application.pk]))
    assert response.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "could not be read and is not appended" in text


def test_who_may_have_the_dossier(world: dict[str, Any]) -> None:
    application, cycle, undp = world["application"], world["cycle"], world["undp"]
    url = reverse("desk:dossier", args=[application.pk])
    focal = user("fp", Role.FOCAL_POINT, organization=undp)
    other_focal = user("fp2", Role.FOCAL_POINT, organization=factories.organization("WFP"))
    interviewer = user("int", Role.REVIEWER)
    bystander = user("rev2", Role.REVIEWER)
    hr = user("hr", Role.MINISTRY_HR, ministry=factories.ministry("mhlw"))
    analyst = user("an", Role.ANALYST)
    slot = InterviewSlot.objects.create(
        cycle=cycle, starts_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(hours=1)
    )
    slot.panel.add(interviewer)
    interview = Interview.objects.create(application=application, slot=slot)
    InterviewScore.objects.create(interview=interview, interviewer=interviewer, score=4)

    def status(who: User) -> int:
        return client_for(who).get(url).status_code

    # Their pages link to it.
    assert (
        url
        in client_for(focal).get(reverse("selection:focal_candidate", args=[application.pk])).content.decode()
    )
    assert url in client_for(interviewer).get(reverse("selection:my_interviews")).content.decode()
    assert status(world["reviewer"]) == 200  # assigned reviewer
    assert status(interviewer) == 200  # on the interview panel
    assert status(focal) == 200  # forwarded to UNDP
    for outsider in (other_focal, bystander, hr, analyst):
        assert status(outsider) == 404
    # A blind review hides the person: the reviewer no longer gets the dossier (the panel still does).
    Rubric.objects.filter(pk=world["rubric"].pk).update(blind=True)
    assert status(world["reviewer"]) == 404
    assert status(interviewer) == 200
    # Before it is forwarded, the organization does not see the candidate.
    Application.objects.filter(pk=application.pk).update(status="shortlisted")
    assert status(focal) == 404
    # The applicant reads their own application on its status page, not as a dossier.
    owner = user("owner", Role.APPLICANT, email_verified_at=timezone.now())
    application.applicant.user = owner
    application.applicant.save()
    assert status(owner) == 404


def test_the_applicant_page_is_for_officers_and_the_organization_it_was_forwarded_to(
    world: dict[str, Any],
) -> None:
    url = reverse("desk:applicant", args=[world["application"].applicant_id])
    assert client_for(world["reviewer"]).get(url).status_code == 403
    wfp = factories.organization("WFP")
    assert client_for(user("fp", Role.FOCAL_POINT, organization=wfp)).get(url).status_code == 404
    assert not PersonalDataAccess.objects.exists()

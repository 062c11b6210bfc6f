"""Fixtures of the applicant portal: a controllable clock, an open FY2026 cycle, verified applicants."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jpo.accounts.models import User
from jpo.accounts.services import email_verification_token, email_verify
from jpo.applications import services
from jpo.applications.forms import inspect_pdf
from jpo.applications.models import Application, DocumentKind
from jpo.applications.signup import applicant_signup
from jpo.applications.tests.factories import ELIGIBLE_PROFILE, make_pdf
from jpo.programme.models import Agreement, Cycle, Organization, OrganizationKind, Track, TrackKind

JST = ZoneInfo("Asia/Tokyo")


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    """Background tasks (the outbox's e-mails) run at once, so tests see the e-mails sent."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def jst(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=JST)


class Clock:
    """The server clock as tests see it: `django.utils.timezone.now` returns `self.now`.

    The clock is outside our code; everything of ours reads it through `timezone.now()`.
    """

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def set(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock(jst(2026, 2, 10, 10, 0, 0))
    monkeypatch.setattr("django.utils.timezone.now", c)
    return c


@pytest.fixture
def cycle(db: Any) -> Cycle:
    """FY2026 with a test deadline of 23:59:59 JST on 3 March 2026 (the published one is 18:00)."""
    cycle = Cycle.objects.create(
        fiscal_year=2026,
        preregistration_opens=jst(2026, 1, 6, 10, 0, 0),
        preregistration_closes=jst(2026, 3, 3, 23, 59, 59),
        applications_open=jst(2026, 2, 2, 0, 0, 0),
        applications_close=jst(2026, 3, 3, 23, 59, 59),
    )
    undp = Organization.objects.create(
        code="UNDP",
        name_en="UN Development Programme",
        name_ja="国連開発計画",
        kind=OrganizationKind.FUND_PROGRAMME,
    )
    Organization.objects.create(
        code="WFP",
        name_en="World Food Programme",
        name_ja="世界食糧計画",
        kind=OrganizationKind.FUND_PROGRAMME,
    )
    Organization.objects.create(
        code="UNICEF",
        name_en="UN Children's Fund",
        name_ja="国連児童基金",
        kind=OrganizationKind.FUND_PROGRAMME,
    )
    # Partners of the programme: an agreement in force (only these are offered to applicants).
    for organization in Organization.objects.all():
        Agreement.objects.create(organization=organization, starts_fiscal_year=2017, source="test")
    Track.objects.create(cycle=cycle, kind=TrackKind.MOFA)
    org_track = Track.objects.create(cycle=cycle, kind=TrackKind.ORGANIZATION)
    org_track.organizations.add(undp)
    return cycle


@pytest.fixture
def signup(db: Any) -> Callable[..., User]:
    counter = {"n": 0}

    def _signup(*, verified: bool = True, language: str = "en", **extra: Any) -> User:
        counter["n"] += 1
        data = {
            "email": f"applicant{counter['n']}@example.jp",
            "password": "a-long-test-password",
            "family_name": "山田",
            "given_name": f"花子{counter['n']}",
            "birth_date": ELIGIBLE_PROFILE["birth_date"],
            "language": language,
        }
        data.update(extra)
        user, _flags = applicant_signup(**data)
        if verified:
            email_verify(token=email_verification_token(user=user))
            user.refresh_from_db()
        return user

    return _signup


def upload(content: bytes, name: str = "cv.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def fill_eligible(
    application: Application, user: User, now: dt.datetime, *, nationalities: list[str] | None = None
) -> None:
    """A complete, eligible draft through the real services (what the form steps do)."""
    applicant = application.applicant
    services.application_personal_save(
        application=application,
        actor=user,
        data={
            "family_name": applicant.family_name,
            "given_name": applicant.given_name,
            "family_name_kana": "ヤマダ",
            "given_name_kana": "ハナコ",
            "birth_date": applicant.birth_date,
            "sex": "female",
            "nationalities": nationalities if nationalities is not None else ["JP"],
        },
        now=now,
    )
    services.application_degrees_save(application=application, rows=[ELIGIBLE_PROFILE["degree"]], now=now)
    services.application_employment_save(application=application, rows=[ELIGIBLE_PROFILE["job"]], now=now)
    services.application_languages_save(application=application, rows=[ELIGIBLE_PROFILE["test"]], now=now)
    track = application.cycle.tracks.get(kind="mofa")
    undp = Organization.objects.get(code="UNDP")
    services.application_preferences_save(
        application=application, track=track, choices=[(undp, None)], now=now
    )
    for kind in DocumentKind:
        f = upload(make_pdf(text=kind.value), f"{kind.value}.pdf")
        sha, pages = inspect_pdf(f)
        services.document_store(
            application=application, actor=user, kind=kind.value, upload=f, sha256=sha, pages=pages, now=now
        )


@pytest.fixture
def draft(clock: Clock, cycle: Cycle, signup: Callable[..., User]) -> tuple[Application, User]:
    user = signup()
    application = services.application_start(user=user, cycle=cycle, now=clock.now)
    return application, user


@pytest.fixture
def complete_draft(clock: Clock, draft: tuple[Application, User]) -> tuple[Application, User]:
    application, user = draft
    fill_eligible(application, user, clock.now)
    return application, user

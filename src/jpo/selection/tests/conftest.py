"""Fixtures of selection tests: submitted applications built through the real portal services, staff
users by role, and helpers that drive the selection services the way the officer's pages do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from jpo.accounts.models import Role, User
from jpo.applications import services as portal
from jpo.applications.models import Application
from jpo.applications.tests.conftest import (  # the portal's own fixtures: same clock, cycle and sign-up
    Clock,
    clock,
    cycle,
    fill_eligible,
    jst,
    signup,
)
from jpo.programme.models import Cycle, Organization
from jpo.selection.models import Screening
from jpo.selection.services import reviews, screening

__all__ = ["clock", "cycle", "jst", "signup"]

AFTER_DEADLINE = dt.datetime(2026, 4, 10, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    """Background tasks run at once (the worker's job), so tests see their effects."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def make_submitted(clock: Clock, cycle: Cycle, signup: Callable[..., User]) -> Callable[..., Application]:
    """A submitted application of FY2026 through the portal's services (sign-up, form steps, PDFs, submit)."""

    def _make(
        *, track: str = "mofa", language: str = "en", sex: str = "female", birth_date: dt.date | None = None
    ) -> Application:
        extra: dict[str, Any] = {"language": language}
        if birth_date is not None:
            extra["birth_date"] = birth_date
        user = signup(**extra)
        application = portal.application_start(user=user, cycle=cycle, now=clock.now)
        fill_eligible(application, user, clock.now)
        if sex != "female" or birth_date is not None:
            applicant = application.applicant
            portal.application_personal_save(
                application=application,
                actor=user,
                data={
                    "family_name": applicant.family_name,
                    "given_name": applicant.given_name,
                    "family_name_kana": "ヤマダ",
                    "given_name_kana": "ハナコ",
                    "birth_date": applicant.birth_date,
                    "sex": sex,
                    "nationalities": ["JP"],
                },
                now=clock.now,
            )
        if track == "organization":
            portal.application_preferences_save(
                application=application,
                track=cycle.tracks.get(kind="organization"),
                choices=[(Organization.objects.get(code="UNDP"), None)],
                now=clock.now,
            )
        portal.application_submit(application=application, actor=user, language=language, now=clock.now)
        application.refresh_from_db()
        return application

    return _make


@pytest.fixture
def officer(make_user: Callable[..., User]) -> User:
    return make_user(Role.OFFICER, username="officer")


@pytest.fixture
def make_reviewers(make_user: Callable[..., User]) -> Callable[[int], list[User]]:
    def _make(n: int) -> list[User]:
        return [make_user(Role.REVIEWER, username=f"reviewer{i}") for i in range(1, n + 1)]

    return _make


def screen_and_accept(cycle: Cycle, officer: User) -> None:
    """Screen the cycle; the officer confirms the experience criterion (unknown rule for FY2026) and applies.

    FY2026's work-experience rule is not published (jpo.policy answers needs_review), so every real
    FY2026 application needs this officer's decision before it can become eligible.
    """
    screening.cycle_screen(cycle=cycle)
    for s in Screening.objects.filter(
        application__cycle=cycle, application__status__in=screening.SCREENABLE
    ).prefetch_related("criteria"):
        for c in s.criteria.all():
            if c.outcome == "needs_review" and not c.override:
                s = screening.screening_criterion_override(
                    criterion=c,
                    outcome="passed",
                    reason="two years of full-time work checked in the CV",
                    actor=officer,
                    expected_version=s.version,
                )
    screening.cycle_screening_apply(cycle=cycle, actor=officer)


def set_rubric(
    cycle: Cycle, officer: User, *, reviewers_per_application: int = 2, blind: bool = False
) -> None:
    reviews.rubric_save(
        cycle=cycle,
        actor=officer,
        criteria=[
            reviews.CriterionInput(name="Motivation", weight=Decimal("2")),
            reviews.CriterionInput(name="Experience", weight=Decimal("1")),
        ],
        scale_min=1,
        scale_max=5,
        reviewers_per_application=reviewers_per_application,
        blind=blind,
    )


def score_all(cycle: Cycle, scores: Callable[[Application, User], int]) -> None:
    """Every assigned reviewer submits the same score on every criterion (given by `scores`)."""
    from jpo.selection.models import ReviewAssignment, Rubric

    rubric = Rubric.objects.get(cycle=cycle)
    for assignment in ReviewAssignment.objects.filter(application__cycle=cycle).select_related(
        "application", "reviewer"
    ):
        value = scores(assignment.application, assignment.reviewer)
        reviews.review_submit(
            assignment_id=assignment.pk,
            reviewer=assignment.reviewer,
            scores={str(c.pk): value for c in rubric.criteria.all()},
        )


def shortlist_all(cycle: Cycle, officer: User, reviewer: User, clock: Clock) -> None:
    """After the application window closed: screen, review (one reviewer, distinct scores: no tie) and
    shortlist every application of the cycle."""
    from jpo.selection.models import ReviewAssignment

    clock.set(AFTER_DEADLINE)
    screen_and_accept(cycle, officer)
    set_rubric(cycle, officer, reviewers_per_application=1)
    reviews.reviews_assign(cycle=cycle, actor=officer, reviewers=[reviewer])
    n = ReviewAssignment.objects.filter(application__cycle=cycle).count()
    assert n <= 5
    ordered = sorted(
        ReviewAssignment.objects.filter(application__cycle=cycle).values_list("application_id", flat=True)
    )
    score_all(cycle, lambda application, _r: 5 - ordered.index(application.pk))
    reviews.shortlist_close(cycle=cycle, actor=officer, cutoff=n)

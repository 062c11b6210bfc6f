"""In a real browser: a reviewer scores an application; an officer closes the shortlist."""

from __future__ import annotations

from typing import Any

import pytest

from jpo.applications.workflow import Status
from jpo.selection.models import Review, ReviewAssignment, Rubric, Shortlist
from jpo.selection.services import reviews
from jpo.selection.tests.conftest import AFTER_DEADLINE, score_all, screen_and_accept, set_rubric

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill("a-long-test-password")
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()


def test_a_reviewer_scores_an_assigned_application(
    page: Any, make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any
) -> None:
    application = make_submitted()
    screen_and_accept(cycle, officer)
    set_rubric(cycle, officer, reviewers_per_application=1)
    (reviewer,) = make_reviewers(1)
    reviews.reviews_assign(cycle=cycle, actor=officer)

    motivation, experience = Rubric.objects.get(cycle=cycle).criteria.all()
    submit = page.locator("form:has(#id_comment) button[type=submit]")
    # Selectors do not depend on the interface language (labels are translated).
    log_in(page, reviewer.username)
    page.locator('nav a[href="/selection/reviews/"]').click()
    page.get_by_role("link", name=application.receipt_number).click()
    page.locator(f"#id_score-{motivation.pk}").fill("7")  # outside the 1–5 scale
    page.locator(f"#id_score-{experience.pk}").fill("3")
    submit.click()
    alert = page.get_by_role("alert")
    assert "Motivation" in alert.inner_text() and "7" in alert.inner_text()
    assert not Review.objects.exists()

    page.locator(f"#id_score-{motivation.pk}").fill("5")
    page.locator(f"#id_score-{experience.pk}").fill("2")
    submit.click()
    page.wait_for_url("**/selection/reviews/")
    assert "(4.000)" in page.get_by_role("table").inner_text()
    review = Review.objects.get()
    assert review.assignment == ReviewAssignment.objects.get(reviewer=reviewer)
    assert review.total == 4


def test_an_officer_closes_the_shortlist(
    page: Any, make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any, clock: Any
) -> None:
    apps = [make_submitted() for _ in range(3)]
    clock.set(AFTER_DEADLINE)  # the shortlist waits for the application window to close
    screen_and_accept(cycle, officer)
    set_rubric(cycle, officer, reviewers_per_application=1)
    make_reviewers(1)
    reviews.reviews_assign(cycle=cycle, actor=officer)
    marks = {apps[0].pk: 5, apps[1].pk: 3, apps[2].pk: 4}
    score_all(cycle, lambda application, _reviewer: marks[application.pk])

    log_in(page, officer.username)
    page.goto(f"/selection/cycles/{cycle.fiscal_year}/ranking/?method=raw")
    rows = page.locator("tbody tr")
    assert [rows.nth(i).locator("td").nth(1).inner_text() for i in range(3)] == [
        apps[0].receipt_number,
        apps[2].receipt_number,
        apps[1].receipt_number,
    ]
    page.locator("#id_cutoff").fill("2")
    page.locator("form:has(#id_cutoff) button[type=submit]").click()
    page.wait_for_selector(".messages .success")
    assert Shortlist.objects.get(cycle=cycle).cutoff == 2
    for application, status in (
        (apps[0], Status.SHORTLISTED),
        (apps[2], Status.SHORTLISTED),
        (apps[1], Status.NOT_SHORTLISTED),
    ):
        application.refresh_from_db()
        assert application.status == status
    assert page.locator("#id_cutoff").count() == 0  # closed: the form is gone

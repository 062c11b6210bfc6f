"""Corrections of selection steps through the API: officers only, the same services and refusals as
the record page, the history in every answer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from jpo.accounts.models import AuditEvent, Role
from jpo.applications.workflow import Status
from jpo.selection.models import InterviewScore, Review
from jpo.selection.services import corrections, reviews
from jpo.selection.tests.conftest import AFTER_DEADLINE, score_all, screen_and_accept, set_rubric
from jpo.selection.tests.test_corrections import passed  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def post(user: Any, url: str, body: dict[str, Any]) -> Any:
    client = Client()
    client.force_login(user)
    return client.post(url, json.dumps(body), content_type="application/json")


def test_an_officer_corrects_a_decision_through_the_api(
    passed: Any,  # noqa: F811
    officer: Any,
    make_user: Any,
) -> None:
    application = passed["application"]
    url = f"/api/applications/{application.pk}/decision/correct"
    body = {"to": Status.NOT_PASSED, "reason": "the panel's sheet was misread"}
    for role in (Role.REVIEWER, Role.APPLICANT):
        response = post(make_user(role), url, body)
        assert response.status_code == 403 and response.json()["detail"]
    response = post(officer, url, {**body, "to": Status.SELECTED})
    assert response.status_code == 400 and "corrections offered" in response.json()["detail"]
    assert response.json()["field"] == "decision"
    response = post(officer, url, {**body, "reason": " "})
    assert response.status_code == 400 and response.json()["field"] == "reason"
    response = post(officer, url, {**body, "version": application.version + 5})
    assert response.status_code == 409
    application.refresh_from_db()
    assert application.status == Status.PASSED
    assert post(officer, "/api/applications/999999/decision/correct", body).status_code == 404

    response = post(officer, url, {**body, "version": application.version})
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["status"] == Status.NOT_PASSED and Status.INTERVIEW in answer["corrections"]
    assert answer["history"][0]["reason"].endswith("the panel's sheet was misread")
    application.refresh_from_db()
    assert application.status == Status.NOT_PASSED
    client = Client()
    client.force_login(officer)
    record = client.get(f"/api/applications/{application.pk}/record").json()
    assert record["history"] == answer["history"]


def test_an_interview_score_is_amended_and_withdrawn_through_the_api(
    passed: Any,  # noqa: F811
    officer: Any,
    make_user: Any,
) -> None:
    application = passed["application"]
    corrections.decision_correct(
        application=application,
        actor=officer,
        to=Status.INTERVIEW,
        reason="score to be checked",
        expected_version=application.version,
    )
    (row,) = passed["interview"].scores.all()
    url = f"/api/interview-scores/{row.pk}/amend"
    assert post(passed["reviewer"], url, {"score": 2, "reason": "typo"}).status_code == 403
    response = post(officer, url, {"score": 9, "reason": "typo"})
    assert response.status_code == 400 and "outside the scale" in response.json()["detail"]
    response = post(officer, url, {"score": 2, "reason": "typo: 2, not 4"})
    assert response.status_code == 200, response.content
    assert InterviewScore.objects.get(pk=row.pk).score == 2
    assert response.json()["history"][0]["reason"] == "typo: 2, not 4"
    response = post(officer, f"/api/interview-scores/{row.pk}/withdraw", {"reason": "wrong candidate"})
    assert response.status_code == 200 and not InterviewScore.objects.filter(pk=row.pk).exists()
    assert post(officer, url, {"score": 2, "reason": "again"}).status_code == 404


def test_a_review_is_amended_and_withdrawn_through_the_api(
    make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any, clock: Any
) -> None:
    a = make_submitted()
    clock.set(AFTER_DEADLINE)
    screen_and_accept(cycle, officer)
    set_rubric(cycle, officer, reviewers_per_application=1)
    (reviewer,) = make_reviewers(1)
    reviews.reviews_assign(cycle=cycle, actor=officer, reviewers=[reviewer])
    score_all(cycle, lambda _a, _r: 5)
    review = Review.objects.get(assignment__application=a)
    scores = {str(s.criterion_id): 1 for s in review.scores.all()}
    url = f"/api/reviews/{review.pk}/amend"
    assert post(reviewer, url, {"scores": scores, "reason": "x"}).status_code == 403
    response = post(officer, url, {"scores": dict.fromkeys(scores, 99), "reason": "x"})
    assert response.status_code == 400
    response = post(officer, url, {"scores": scores, "reason": "scores swapped"})
    assert response.status_code == 200, response.content
    event = AuditEvent.objects.get(action="selection.review_amended")
    assert event.data["after"]["total"] == "1.000"
    response = post(officer, f"/api/reviews/{review.pk}/withdraw", {"reason": "conflict found"})
    assert response.status_code == 200 and not Review.objects.filter(pk=review.pk).exists()

"""Corrections in selection: a decision, a review and an interview score are corrected with a reason by an
officer, through the workflow's table of corrections; rankings and the final list follow; the record page
shows the history."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from jpo.accounts.models import AuditEvent, Role
from jpo.applications.workflow import Status
from jpo.selection.models import Review, ReviewAssignment
from jpo.selection.selectors import final_list, ranking
from jpo.selection.services import corrections, reviews, stage_two
from jpo.selection.services.errors import NotAllowed, SelectionError
from jpo.selection.tests.conftest import (
    AFTER_DEADLINE,
    jst,
    score_all,
    screen_and_accept,
    set_rubric,
    shortlist_all,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def passed(make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any, clock: Any) -> dict[str, Any]:
    """A MOFA-track candidate interviewed, scored and passed."""
    application = make_submitted()
    (reviewer,) = make_reviewers(1)
    shortlist_all(cycle, officer, reviewer, clock)
    stage_two.stage_two_invite(cycle=cycle, actor=officer)
    slot = stage_two.slot_create(
        cycle=cycle,
        actor=officer,
        starts_at=jst(2026, 5, 20, 10),
        ends_at=jst(2026, 5, 20, 11),
        meeting_url="",
        panel=[reviewer],
    )
    stage_two.slot_confirm(application=application, user=application.applicant.user, slot=slot, now=clock.now)
    clock.set(jst(2026, 5, 20, 12))
    application.refresh_from_db()
    interview = application.interview
    stage_two.written_task_record(interview=interview, actor=officer, score="70")
    stage_two.interview_score_submit(interview_id=interview.pk, interviewer=reviewer, score="4")
    application.refresh_from_db()
    stage_two.final_decide(
        application=application,
        actor=officer,
        to=Status.PASSED,
        reason="",
        expected_version=application.version,
    )
    application.refresh_from_db()
    return {"application": application, "reviewer": reviewer, "interview": interview}


def test_a_decision_is_corrected_with_a_reason_through_the_table(
    passed: Any, officer: Any, make_user: Any
) -> None:
    application = passed["application"]
    with pytest.raises(SelectionError, match="reason"):
        corrections.decision_correct(
            application=application,
            actor=officer,
            to=Status.NOT_PASSED,
            reason="",
            expected_version=application.version,
        )
    with pytest.raises(SelectionError, match="corrections offered"):
        corrections.decision_correct(
            application=application,
            actor=officer,
            to=Status.SELECTED,
            reason="typo",
            expected_version=application.version,
        )
    with pytest.raises(NotAllowed):
        corrections.decision_correct(
            application=application,
            actor=make_user(Role.REVIEWER),
            to=Status.NOT_PASSED,
            reason="typo",
            expected_version=application.version,
        )
    corrections.decision_correct(
        application=application,
        actor=officer,
        to=Status.NOT_PASSED,
        reason="The panel's sheet was read the wrong way round",
        expected_version=application.version,
    )
    application.refresh_from_db()
    assert application.status == Status.NOT_PASSED
    event = AuditEvent.objects.get(action="application.correction")
    assert event.data["from"] == Status.PASSED and event.data["to"] == Status.NOT_PASSED
    assert "read the wrong way round" in event.data["reason"]
    # Not passed is otherwise final: only a correction takes it back.
    corrections.decision_correct(
        application=application,
        actor=officer,
        to=Status.INTERVIEW,
        reason="Decide again once the panel has met",
        expected_version=application.version,
    )
    application.refresh_from_db()
    assert application.status == Status.INTERVIEW


def test_a_corrected_interview_score_moves_the_final_list(passed: Any, officer: Any, cycle: Any) -> None:
    application, reviewer = passed["application"], passed["reviewer"]
    corrections.decision_correct(
        application=application,
        actor=officer,
        to=Status.INTERVIEW,
        reason="Score to be checked",
        expected_version=application.version,
    )
    (row,) = passed["interview"].scores.all()
    with pytest.raises(SelectionError, match="outside the scale"):
        corrections.interview_score_amend(score_id=row.pk, actor=officer, score="9", reason="typo")
    corrections.interview_score_amend(score_id=row.pk, actor=officer, score="2", reason="typo: 2, not 4")
    assert final_list(cycle=cycle)[0].mean == 2
    corrections.interview_score_withdraw(score_id=row.pk, actor=officer, reason="scored the wrong candidate")
    assert final_list(cycle=cycle)[0].n_scores == 0
    # The interviewer scores again; passing needs the score back.
    with pytest.raises(SelectionError, match="No interview score"):
        application.refresh_from_db()
        stage_two.final_decide(
            application=application,
            actor=officer,
            to=Status.PASSED,
            reason="",
            expected_version=application.version,
        )
    stage_two.interview_score_submit(interview_id=passed["interview"].pk, interviewer=reviewer, score="5")
    assert final_list(cycle=cycle)[0].mean == 5


def test_a_corrected_review_moves_the_ranking_until_the_shortlist_closes(
    make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any, clock: Any
) -> None:
    a, b = make_submitted(), make_submitted()
    clock.set(AFTER_DEADLINE)
    screen_and_accept(cycle, officer)
    set_rubric(cycle, officer, reviewers_per_application=1)
    reviews.reviews_assign(cycle=cycle, actor=officer, reviewers=make_reviewers(1))
    score_all(cycle, lambda application, _r: 5 if application.pk == a.pk else 3)
    assert [r.application.pk for r in ranking(cycle=cycle, method="raw").rows] == [a.pk, b.pk]
    review = Review.objects.get(assignment__application=a)
    criteria = {str(s.criterion_id): 1 for s in review.scores.all()}
    corrections.review_amend(review_id=review.pk, actor=officer, scores=criteria, reason="scores swapped")
    assert [r.application.pk for r in ranking(cycle=cycle, method="raw").rows] == [b.pk, a.pk]
    event = AuditEvent.objects.get(action="selection.review_amended")
    assert (event.data["before"]["total"], event.data["after"]["total"]) == ("5.000", "1.000")
    corrections.review_withdraw(review_id=review.pk, actor=officer, reason="conflict found afterwards")
    assert not Review.objects.filter(assignment__application=a).exists()
    assert ReviewAssignment.objects.filter(application=a).exists()  # the reviewer may submit again
    score_all_missing = ReviewAssignment.objects.get(application=a)
    reviews.review_submit(
        assignment_id=score_all_missing.pk,
        reviewer=score_all_missing.reviewer,
        scores=dict.fromkeys(criteria, 4),
    )
    reviews.shortlist_close(cycle=cycle, actor=officer, cutoff=1)
    review = Review.objects.get(assignment__application=a)
    with pytest.raises(SelectionError, match="shortlist is closed"):
        corrections.review_amend(review_id=review.pk, actor=officer, scores=criteria, reason="late")


def test_the_record_page_corrects_and_shows_the_history(client: Any, passed: Any, officer: Any) -> None:
    application = passed["application"]
    client.force_login(officer)
    url = reverse("selection:application_record", args=[application.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Correct the decision" in page and 'value="not_passed"' in page
    assert '<option value="not_passed" selected' not in page
    refused = client.post(
        url,
        {
            "action": "correct_decision",
            "decision": "not_passed",
            "reason": "",
            "version": application.version,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400 and "Give the reason for the correction." in refused.content.decode()
    done = client.post(
        url,
        {
            "action": "correct_decision",
            "decision": "not_passed",
            "reason": "wrong row ticked",
            "version": application.version,
        },
    )
    assert done.status_code == 302
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Decision corrected" in page and "wrong row ticked" in page and "Passed → Not passed" in page


def test_changing_a_recorded_written_task_score_needs_a_reason(passed: Any, officer: Any) -> None:
    application = passed["application"]
    corrections.decision_correct(
        application=application,
        actor=officer,
        to=Status.INTERVIEW,
        reason="recheck",
        expected_version=application.version,
    )
    interview = passed["interview"]
    interview.application.refresh_from_db()
    with pytest.raises(SelectionError, match="already recorded"):
        stage_two.written_task_record(interview=interview, actor=officer, score="85")
    stage_two.written_task_record(
        interview=interview, actor=officer, score="70"
    )  # unchanged: nothing to explain
    stage_two.written_task_record(
        interview=interview, actor=officer, score="85", reason="page two was not marked"
    )
    interview.refresh_from_db()
    assert interview.written_task_score == 85
    event = AuditEvent.objects.filter(action="selection.written_task_scored").latest("id")
    assert event.data == {"before": 70, "after": 85, "reason": "page two was not marked"}


def test_the_record_page_speaks_japanese(client: Any, passed: Any, officer: Any) -> None:
    application = passed["application"]
    corrections.decision_correct(
        application=application,
        actor=officer,
        to=Status.NOT_PASSED,
        reason="採点表の読み違い",
        expected_version=application.version,
    )
    client.force_login(officer)
    client.cookies["jpo_language"] = "ja"
    text = client.get(
        reverse("selection:application_record", args=[application.pk]), HTTP_ACCEPT_LANGUAGE="ja"
    ).content.decode()
    assert "点数と決定" in text and "決定を訂正" in text and "採点表の読み違い" in text
    assert "Decision corrected" not in text and "History and corrections" not in text

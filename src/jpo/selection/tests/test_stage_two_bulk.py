"""Many interviews at once (`interviews_schedule_bulk`, `written_tasks_record_bulk`,
`interview_scores_submit_bulk`): each checked as the one-at-a-time path checks one, one refusal
refuses all, an audit row for each."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jpo.accounts.models import AuditEvent
from jpo.applications.workflow import Status
from jpo.selection.models import Interview, InterviewScore, InterviewSlot
from jpo.selection.services import stage_two
from jpo.selection.services.errors import Conflict, NotAllowed, SelectionError
from jpo.selection.services.stage_two import BookedInterview, PanelScore
from jpo.selection.tests.conftest import jst, shortlist_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any, clock: Any) -> dict[str, Any]:
    first, second = make_submitted(), make_submitted()
    reviewer, *panel = make_reviewers(3)
    shortlist_all(cycle, officer, reviewer, clock)
    stage_two.stage_two_invite(cycle=cycle, actor=officer)
    return {"apps": [first, second], "panel": panel, "reviewer": reviewer}


def _booking(application: Any, hour: int, day: int = 20) -> BookedInterview:
    starts = jst(2026, 5, day, hour)
    return BookedInterview(
        application_id=application.pk,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=30),
        confirmed_at=starts - dt.timedelta(days=3),
    )


def test_schedule_then_score_in_bulk_with_an_audit_row_each(
    invited: dict[str, Any], cycle: Any, officer: Any, clock: Any
) -> None:
    first, second = invited["apps"]
    panel = invited["panel"]
    booked = stage_two.interviews_schedule_bulk(
        cycle=cycle, actor=officer, interviews=[_booking(first, 10), _booking(second, 11)], panel=panel
    )
    assert [i.application_id for i in booked] == [first.pk, second.pk]
    for interview in Interview.objects.filter(application__in=[first, second]).select_related("slot"):
        assert interview.slot is not None and interview.confirmed_at is not None
        assert interview.confirmed_at < interview.slot.starts_at
        assert set(interview.slot.panel.all()) == set(panel)
    assert AuditEvent.objects.filter(action="selection.slot_created").count() == 2
    assert AuditEvent.objects.filter(action="selection.slot_confirmed").count() == 2
    assert (
        stage_two.written_tasks_record_bulk(actor=officer, scores=[(booked[0], 80), (booked[1], "65")]) == 2
    )
    assert AuditEvent.objects.filter(action="selection.written_task_scored").count() == 2
    clock.set(jst(2026, 5, 21, 9))  # the interviews have taken place
    rows = stage_two.interview_scores_submit_bulk(
        scores=[PanelScore(interview_id=i.pk, interviewer=u, score=4) for i in booked for u in panel]
    )
    assert len(rows) == 4 and InterviewScore.objects.count() == 4
    assert AuditEvent.objects.filter(action="selection.interview_scored").count() == 4
    stage_two.missing_scores_check(first)  # what passing requires is there


@pytest.mark.parametrize(
    "change",
    ["naive", "ends_first", "confirmed_late", "twice", "reviewer_missing", "not_at_interview"],
)
def test_one_bad_booking_refuses_all(
    invited: dict[str, Any], cycle: Any, officer: Any, change: str, make_user: Any
) -> None:
    first, second = invited["apps"]
    panel = invited["panel"]
    good = _booking(first, 10)
    bad = _booking(second, 11)
    if change == "naive":
        bad = BookedInterview(second.pk, bad.starts_at.replace(tzinfo=None), bad.ends_at, bad.confirmed_at)
    elif change == "ends_first":
        bad = BookedInterview(
            second.pk, bad.starts_at, bad.starts_at - dt.timedelta(minutes=1), bad.confirmed_at
        )
    elif change == "confirmed_late":
        bad = BookedInterview(second.pk, bad.starts_at, bad.ends_at, bad.starts_at + dt.timedelta(minutes=1))
    elif change == "twice":
        bad = _booking(first, 11)
    elif change == "reviewer_missing":
        panel = [*panel, make_user("applicant")]
    elif change == "not_at_interview":
        second.status = Status.WITHDRAWN
        second.save(update_fields=["status"])
    with pytest.raises(SelectionError):
        stage_two.interviews_schedule_bulk(cycle=cycle, actor=officer, interviews=[good, bad], panel=panel)
    assert not InterviewSlot.objects.exists()
    assert not Interview.objects.filter(slot__isnull=False).exists()


def test_a_booked_candidate_cannot_be_booked_again(invited: dict[str, Any], cycle: Any, officer: Any) -> None:
    first, _second = invited["apps"]
    stage_two.interviews_schedule_bulk(
        cycle=cycle, actor=officer, interviews=[_booking(first, 10)], panel=invited["panel"]
    )
    with pytest.raises(Conflict):
        stage_two.interviews_schedule_bulk(
            cycle=cycle, actor=officer, interviews=[_booking(first, 14)], panel=invited["panel"]
        )
    assert InterviewSlot.objects.count() == 1


def test_scores_refused_as_one_at_a_time(
    invited: dict[str, Any], cycle: Any, officer: Any, clock: Any
) -> None:
    first, second = invited["apps"]
    panel = invited["panel"]
    past, future = _booking(first, 10), _booking(second, 10, day=28)
    future = BookedInterview(second.pk, jst(2099, 1, 5, 10), jst(2099, 1, 5, 10, 30), future.confirmed_at)
    done, later = stage_two.interviews_schedule_bulk(
        cycle=cycle, actor=officer, interviews=[past, future], panel=panel
    )
    clock.set(jst(2026, 5, 21, 9))
    ok = PanelScore(interview_id=done.pk, interviewer=panel[0], score=3)
    with pytest.raises(SelectionError):  # outside the scale
        stage_two.interview_scores_submit_bulk(scores=[ok, PanelScore(done.pk, panel[1], 9)])
    with pytest.raises(NotAllowed):  # not on the panel
        stage_two.interview_scores_submit_bulk(scores=[ok, PanelScore(done.pk, invited["reviewer"], 3)])
    with pytest.raises(SelectionError):  # not started yet
        stage_two.interview_scores_submit_bulk(scores=[ok, PanelScore(later.pk, panel[1], 3)])
    with pytest.raises(Conflict):  # twice in one batch
        stage_two.interview_scores_submit_bulk(scores=[ok, ok])
    assert not InterviewScore.objects.exists()
    stage_two.interview_scores_submit_bulk(scores=[ok])
    with pytest.raises(Conflict):  # scored before
        stage_two.interview_scores_submit_bulk(scores=[ok])
    with pytest.raises(SelectionError):  # a recorded written task is corrected one at a time, with a reason
        stage_two.written_tasks_record_bulk(actor=officer, scores=[(done, 70)])
        stage_two.written_tasks_record_bulk(actor=officer, scores=[(done, 71)])
    assert InterviewScore.objects.count() == 1

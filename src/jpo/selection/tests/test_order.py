"""The order of the year: screening, the shortlist and final decisions wait for the application window to
close (unless forced with a reason, recorded); nobody passes without the scores stage two requires."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from jpo.accounts.models import AuditEvent
from jpo.applications.workflow import Status
from jpo.selection.models import Interview, Shortlist
from jpo.selection.services import reviews, screening, stage_two
from jpo.selection.services.errors import SelectionError
from jpo.selection.tests.conftest import (
    AFTER_DEADLINE,
    jst,
    score_all,
    screen_and_accept,
    set_rubric,
    shortlist_all,
)

pytestmark = pytest.mark.django_db

IN_THE_WINDOW = jst(2026, 3, 1, 12)  # the FY2026 test window runs from 2 February to 3 March


def test_screening_waits_for_the_window_unless_forced_with_a_reason(
    make_submitted: Any, cycle: Any, officer: Any
) -> None:
    make_submitted()
    with pytest.raises(SelectionError) as err:
        screening.screening_run_start(cycle=cycle, actor=officer)
    assert err.value.field == "force_reason" and "2026" in err.value.message
    with pytest.raises(SelectionError):
        screening.screening_run_start(cycle=cycle, actor=officer, force_reason="   ")
    run = screening.screening_run_start(cycle=cycle, actor=officer, force_reason="rules fixed early")
    event = AuditEvent.objects.get(action="selection.window_forced")
    assert event.data == {"step": "screening", "reason": "rules fixed early"} and event.actor == officer
    assert run.pk


def test_the_shortlist_waits_for_the_window_unless_forced(
    make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any, clock: Any
) -> None:
    make_submitted()
    make_submitted()
    screen_and_accept(cycle, officer)
    set_rubric(cycle, officer, reviewers_per_application=1)
    reviews.reviews_assign(cycle=cycle, actor=officer, reviewers=make_reviewers(1))
    score_all(cycle, lambda application, _r: 1 + application.pk % 5)
    with pytest.raises(SelectionError, match="waits until it closes"):
        reviews.shortlist_close(cycle=cycle, actor=officer, cutoff=1)
    assert not Shortlist.objects.exists()
    reviews.shortlist_close(cycle=cycle, actor=officer, cutoff=1, force_reason="board meets tomorrow")
    assert Shortlist.objects.filter(cycle=cycle).exists()
    assert AuditEvent.objects.filter(action="selection.window_forced", data__step="shortlist").exists()


def test_once_the_window_has_closed_nothing_is_asked(
    make_submitted: Any, cycle: Any, officer: Any, clock: Any
) -> None:
    make_submitted()
    clock.set(AFTER_DEADLINE)
    assert screening.screening_run_start(cycle=cycle, actor=officer).pk
    assert not AuditEvent.objects.filter(action="selection.window_forced").exists()


@pytest.fixture
def at_interview(make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any, clock: Any) -> Any:
    """One MOFA-track candidate invited to stage two, with a slot before a panel of two."""
    application = make_submitted()
    first, second = make_reviewers(2)
    shortlist_all(cycle, officer, first, clock)
    stage_two.stage_two_invite(cycle=cycle, actor=officer)
    slot = stage_two.slot_create(
        cycle=cycle,
        actor=officer,
        starts_at=jst(2026, 5, 20, 10),
        ends_at=jst(2026, 5, 20, 11),
        meeting_url="",
        panel=[first, second],
    )
    stage_two.slot_confirm(application=application, user=application.applicant.user, slot=slot, now=clock.now)
    clock.set(jst(2026, 5, 20, 12))
    application.refresh_from_db()
    return {"application": application, "panel": (first, second), "interview": application.interview}


def _pass(application: Any, officer: Any, **extra: Any) -> None:
    application.refresh_from_db()
    stage_two.final_decide(
        application=application,
        actor=officer,
        to=Status.PASSED,
        reason="",
        expected_version=application.version,
        **extra,
    )


def test_passing_needs_the_written_task_and_every_panel_score(at_interview: Any, officer: Any) -> None:
    application, (first, second) = at_interview["application"], at_interview["panel"]
    interview: Interview = at_interview["interview"]
    with pytest.raises(SelectionError, match="written-task score is missing"):
        _pass(application, officer)
    stage_two.written_task_record(interview=interview, actor=officer, score="70")
    with pytest.raises(SelectionError, match="No interview score"):
        _pass(application, officer)
    stage_two.interview_score_submit(interview_id=interview.pk, interviewer=first, score="4")
    with pytest.raises(SelectionError, match=second.username):
        _pass(application, officer)
    application.refresh_from_db()
    assert application.status == Status.INTERVIEW
    stage_two.interview_score_submit(interview_id=interview.pk, interviewer=second, score="3")
    _pass(application, officer)
    application.refresh_from_db()
    assert application.status == Status.PASSED


def test_not_passing_needs_no_score(at_interview: Any, officer: Any) -> None:
    application = at_interview["application"]
    stage_two.final_decide(
        application=application,
        actor=officer,
        to=Status.NOT_PASSED,
        reason="did not attend",
        expected_version=application.version,
    )
    application.refresh_from_db()
    assert application.status == Status.NOT_PASSED


def test_final_decisions_wait_for_the_window_unless_forced(
    at_interview: Any, officer: Any, clock: Any
) -> None:
    # A cycle whose window is (still, or again) open, e.g. an additional round.
    application = at_interview["application"]
    clock.set(IN_THE_WINDOW)
    with pytest.raises(SelectionError, match="waits until it closes"):
        stage_two.final_decide(
            application=application,
            actor=officer,
            to=Status.NOT_PASSED,
            reason="",
            expected_version=application.version,
        )
    stage_two.final_decide(
        application=application,
        actor=officer,
        to=Status.NOT_PASSED,
        reason="",
        expected_version=application.version,
        force_reason="withdrew from the programme",
    )
    application.refresh_from_db()
    assert application.status == Status.NOT_PASSED


def test_the_final_list_has_no_default_decision(
    client: Any, at_interview: Any, officer: Any, cycle: Any
) -> None:
    application = at_interview["application"]
    client.force_login(officer)
    page = client.get(reverse("selection:final", args=[cycle.fiscal_year])).content.decode()
    select = page[page.index(f'id="id_decision_{application.interview.pk}"') :]
    select = select[: select.index("</select>")]
    assert 'name="decision" required><option value="" selected>' in select
    assert '<option value="passed" selected' not in select
    # Submitting the form untouched records nothing.
    response = client.post(
        reverse("selection:final_decide", args=[application.pk]),
        {"version": application.version, "decision": "", "reason": ""},
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == Status.INTERVIEW

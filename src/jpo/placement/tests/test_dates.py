"""Dates a placement record can hold: nothing dated after today (in Japan), nothing before its start."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from jpo.accounts.models import Role
from jpo.placement.models import Milestone, MilestoneKind, Outcome, OutcomeKind
from jpo.placement.services.dispatches import dispatch_create, dispatch_end, milestone_complete
from jpo.placement.services.outcomes import follow_up_record, outcome_record
from jpo.placement.services.secondments import secondment_plan, secondment_record_return
from jpo.placement.tests import factories as f
from jpo.placement.tests.conftest import LATER

pytestmark = pytest.mark.django_db

TODAY = LATER.date()
TOMORROW = TODAY + dt.timedelta(days=1)
START = dt.date(2039, 1, 6)


def _messages(caught: Any, field: str) -> list[str]:
    return caught.value.message_dict[field]


@pytest.fixture
def dispatch(later: Any) -> Any:
    return f.dispatched(actor=f.officer(), cycle_row=f.cycle(2038), start=START)


def test_an_outcome_dated_after_today_is_refused_and_today_is_accepted(dispatch: Any) -> None:
    officer = f.officer()
    with pytest.raises(ValidationError) as caught:
        outcome_record(actor=officer, dispatch=dispatch, kind=OutcomeKind.UNKNOWN, recorded_on=TOMORROW)
    assert "cannot be after today (2040-01-10, Japan time)" in _messages(caught, "recorded_on")[0]
    assert not Outcome.objects.exists()
    outcome_record(actor=officer, dispatch=dispatch, kind=OutcomeKind.UNKNOWN, recorded_on=TODAY)
    assert Outcome.objects.get().recorded_on == TODAY


def test_the_refusal_speaks_japanese(dispatch: Any) -> None:
    with translation.override("ja"), pytest.raises(ValidationError) as caught:
        outcome_record(actor=f.officer(), dispatch=dispatch, kind=OutcomeKind.UNKNOWN, recorded_on=TOMORROW)
    assert "今日（2040-01-10、日本時間）より後" in _messages(caught, "recorded_on")[0]


def test_today_is_the_day_in_tokyo_not_in_utc(monkeypatch: pytest.MonkeyPatch, dispatch: Any) -> None:
    # 00:30 on 11 January in Tokyo is still 10 January in UTC: the 11th is today for the office.
    monkeypatch.setattr("django.utils.timezone.now", lambda: dt.datetime(2040, 1, 10, 15, 30, tzinfo=dt.UTC))
    outcome_record(
        actor=f.officer(), dispatch=dispatch, kind=OutcomeKind.UNKNOWN, recorded_on=dt.date(2040, 1, 11)
    )


def test_an_actual_end_after_today_is_refused(dispatch: Any) -> None:
    officer = f.officer()
    with pytest.raises(ValidationError) as caught:
        dispatch_end(actor=officer, dispatch=dispatch, end_date=TOMORROW)
    assert "after today" in _messages(caught, "end_date")[0]
    dispatch.refresh_from_db()
    assert dispatch.end_date is None
    dispatch_end(actor=officer, dispatch=dispatch, end_date=TODAY)


def test_a_step_done_after_today_is_refused(dispatch: Any) -> None:
    milestone = Milestone.objects.get(dispatch=dispatch, kind=MilestoneKind.HEALTH_CHECK)
    with pytest.raises(ValidationError) as caught:
        milestone_complete(actor=f.officer(), milestone=milestone, done_on=TOMORROW)
    assert "after today" in _messages(caught, "done_on")[0]
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_a_follow_up_after_today_is_refused(dispatch: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        follow_up_record(actor=f.officer(), dispatch=dispatch, recorded_on=TOMORROW, grade="P-4")
    assert "after today" in _messages(caught, "recorded_on")[0]


def test_a_return_to_the_ministry_after_today_is_refused(later: Any, make_user: Any) -> None:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer, cycle_row=f.cycle(2038), start=START, civil_servant=True)
    hr = make_user(Role.MINISTRY_HR, ministry=f.ministry("mhlw"))
    with pytest.raises(ValidationError) as caught:
        secondment_record_return(
            actor=hr,
            secondment=dispatch.secondment,
            returned_on=dt.date(2041, 1, 6),
            assignment_after_return="International Affairs Division",
        )
    assert "after today" in _messages(caught, "returned_on")[0]
    dispatch.secondment.refresh_from_db()
    dispatch.refresh_from_db()
    assert dispatch.secondment.returned_on is None and dispatch.end_date is None
    assert not Outcome.objects.exists()
    with pytest.raises(ValidationError) as caught:
        secondment_plan(
            actor=hr,
            secondment=dispatch.secondment,
            planned_return_date=dt.date(2041, 1, 6),
            npa_consulted_on=TOMORROW,
        )
    assert "after today" in _messages(caught, "npa_consulted_on")[0]


def test_consent_must_come_before_the_start_and_not_after_today(later: Any) -> None:
    officer = f.officer()
    cycle = f.cycle(2039)
    org = f.organization()
    post = f.post(actor=officer, cycle_row=cycle, org=org)
    application = f.candidate(
        cycle_row=cycle, preferences=[org], civil_servant=True, ministry_row=f.ministry()
    )
    offer = f.accepted_offer(actor=officer, application=application, post_row=post)
    start = TODAY + dt.timedelta(days=90)
    with pytest.raises(ValidationError) as caught:
        dispatch_create(
            actor=officer, offer=offer, start_date=start, consent_recorded_on=start + dt.timedelta(days=1)
        )
    assert "before the dispatch starts" in _messages(caught, "consent_recorded_on")[0]
    with pytest.raises(ValidationError) as caught:
        dispatch_create(actor=officer, offer=offer, start_date=start, consent_recorded_on=TOMORROW)
    assert "after today" in _messages(caught, "consent_recorded_on")[0]
    assert dispatch_create(actor=officer, offer=offer, start_date=start, consent_recorded_on=TODAY).pk


def test_the_outcome_form_shows_the_refusal_on_its_field(client: Any, dispatch: Any) -> None:
    officer = f.officer()
    client.force_login(officer)
    response = client.post(
        reverse("placement:dispatch_detail", args=[dispatch.pk]),
        {
            "action": "outcome",
            "version": dispatch.version,
            "outcome-kind": OutcomeKind.UNKNOWN,
            "outcome-recorded_on": "2041-01-01",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "cannot be after today" in response.content.decode()
    assert not Outcome.objects.exists()

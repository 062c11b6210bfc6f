"""Corrections, not dead ends: a recorded outcome, return to the ministry or dispatch date can be amended
or withdrawn with a reason, audited and shown on the record's page; figures follow the correction."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jpo.accounts.models import AuditEvent, Role
from jpo.placement import selectors
from jpo.placement.models import Milestone, MilestoneKind, Outcome, OutcomeKind
from jpo.placement.services.corrections import (
    dispatch_dates_amend,
    outcome_amend,
    outcome_withdraw,
    secondment_return_amend,
    secondment_return_withdraw,
)
from jpo.placement.services.outcomes import outcome_record
from jpo.placement.services.secondments import secondment_record_return
from jpo.placement.tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("later")]

START = dt.date(2030, 1, 7)


def _cohort_row(cycle_fy: int) -> Any:
    rows = {r.key: r for r in selectors.retention(grouping="cohort")}
    return rows[str(cycle_fy)]


def test_a_wrong_outcome_corrected_changes_retention() -> None:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer, cycle_row=f.cycle(2029), start=START)
    outcome_record(
        actor=officer, dispatch=dispatch, kind=OutcomeKind.OTHER_EMPLOYMENT, recorded_on=dt.date(2032, 1, 7)
    )
    row = _cohort_row(2029)
    assert (row.retained, row.not_retained, row.rate) == (0, 1, 0.0)
    with pytest.raises(ValidationError, match="amend"):  # recording again would overwrite silently
        outcome_record(
            actor=officer, dispatch=dispatch, kind=OutcomeKind.UNKNOWN, recorded_on=dt.date(2032, 1, 7)
        )
    with pytest.raises(ValidationError) as caught:
        outcome_amend(
            actor=officer,
            dispatch=dispatch,
            reason=" ",
            kind=OutcomeKind.REGULAR_POST_SAME,
            grade="P-3",
            recorded_on=dt.date(2032, 1, 7),
        )
    assert "reason" in caught.value.message_dict
    outcome_amend(
        actor=officer,
        dispatch=dispatch,
        reason="The focal point confirmed a P-3 fixed-term post",
        kind=OutcomeKind.REGULAR_POST_SAME,
        grade="P-3",
        recorded_on=dt.date(2032, 1, 7),
    )
    row = _cohort_row(2029)
    assert (row.retained, row.not_retained, row.rate) == (1, 0, 1.0)
    event = AuditEvent.objects.get(action="placement.outcome_amended")
    assert event.data["before"]["kind"] == OutcomeKind.OTHER_EMPLOYMENT
    assert event.data["after"]["kind"] == OutcomeKind.REGULAR_POST_SAME
    history = selectors.record_history(dispatch=dispatch)
    assert [h["what"] for h in history][:2] == ["Outcome amended", "Outcome recorded"]
    assert history[0]["reason"] == "The focal point confirmed a P-3 fixed-term post"
    assert ("Outcome", "Other employment", "Regular post at the same organization") in history[0]["changes"]

    outcome_withdraw(actor=officer, dispatch=dispatch, reason="recorded on the wrong person")
    assert not Outcome.objects.exists()
    row = _cohort_row(2029)
    assert (row.retained, row.pending) == (0, 1)
    assert Milestone.objects.get(dispatch=dispatch, kind=MilestoneKind.OUTCOME).done_on is None
    assert (
        selectors.overdue_outcomes(user=officer, today=dt.date(2040, 1, 10)).filter(pk=dispatch.pk).exists()
    )


def test_an_amended_outcome_keeps_the_rules_and_the_scope(make_user: Any) -> None:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer, cycle_row=f.cycle(2029), start=START)
    outcome_record(
        actor=officer, dispatch=dispatch, kind=OutcomeKind.UNKNOWN, recorded_on=dt.date(2032, 1, 7)
    )
    with pytest.raises(ValidationError) as caught:
        outcome_amend(
            actor=officer,
            dispatch=dispatch,
            reason="date typo",
            kind=OutcomeKind.UNKNOWN,
            recorded_on=dt.date(2041, 1, 7),
        )
    assert "after today" in caught.value.message_dict["recorded_on"][0]
    other_focal = make_user(Role.FOCAL_POINT, organization=f.organization("WFP"))
    with pytest.raises(PermissionDenied):
        outcome_withdraw(actor=other_focal, dispatch=dispatch, reason="not ours")
    assert Outcome.objects.get().recorded_on == dt.date(2032, 1, 7)


def test_a_return_is_amended_then_withdrawn_and_the_dispatch_follows(make_user: Any) -> None:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer, cycle_row=f.cycle(2029), start=START, civil_servant=True)
    hr = make_user(Role.MINISTRY_HR, ministry=f.ministry("mhlw"))
    secondment_record_return(
        actor=hr,
        secondment=dispatch.secondment,
        returned_on=dt.date(2031, 4, 1),
        assignment_after_return="International Affairs Division",
    )
    dispatch.refresh_from_db()
    assert dispatch.end_date == dt.date(2031, 3, 31)
    assert _cohort_row(2029).not_retained == 1
    secondment_return_amend(
        actor=hr,
        secondment=dispatch.secondment,
        returned_on=dt.date(2031, 7, 1),
        assignment_after_return="Global Health Division",
        reason="The return was postponed to July",
    )
    dispatch.refresh_from_db()
    dispatch.secondment.refresh_from_db()
    assert dispatch.secondment.returned_on == dt.date(2031, 7, 1)
    assert dispatch.end_date == dt.date(2031, 6, 30)
    assert dispatch.outcome.recorded_on == dt.date(2031, 7, 1)

    secondment_return_withdraw(
        actor=hr, secondment=dispatch.secondment, reason="Entered for the wrong person"
    )
    dispatch.refresh_from_db()
    dispatch.secondment.refresh_from_db()
    assert dispatch.secondment.returned_on is None and dispatch.secondment.assignment_after_return == ""
    assert dispatch.end_date is None
    assert not Outcome.objects.filter(dispatch=dispatch).exists()
    assert _cohort_row(2029).pending == 1
    history = selectors.record_history(dispatch=dispatch)
    assert [h["what"] for h in history][:3] == [
        "Return to the ministry withdrawn",
        "Return to the ministry amended",
        "Return to the ministry recorded",
    ]
    assert history[0]["reason"] == "Entered for the wrong person"


def test_dates_are_amended_with_a_reason_and_the_end_can_be_withdrawn() -> None:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer, cycle_row=f.cycle(2029), start=START)
    planned = dispatch.planned_end_date
    with pytest.raises(ValidationError) as caught:
        dispatch_dates_amend(
            actor=officer,
            dispatch=dispatch,
            start_date=START,
            planned_end_date=planned,
            end_date=dt.date(2029, 12, 1),
            reason="typo",
        )
    assert "end_date" in caught.value.message_dict  # before the start
    with pytest.raises(ValidationError) as caught:
        dispatch_dates_amend(
            actor=officer,
            dispatch=dispatch,
            start_date=START,
            planned_end_date=planned,
            end_date=None,
            reason="",
        )
    assert "reason" in caught.value.message_dict
    dispatch_dates_amend(
        actor=officer,
        dispatch=dispatch,
        start_date=dt.date(2030, 2, 3),
        planned_end_date=planned,
        end_date=dt.date(2031, 12, 31),
        reason="The JPO arrived a month late and left early",
    )
    dispatch.refresh_from_db()
    assert (dispatch.start_date, dispatch.end_date) == (dt.date(2030, 2, 3), dt.date(2031, 12, 31))
    assert Milestone.objects.get(dispatch=dispatch, kind=MilestoneKind.HEALTH_CHECK).due_on == dt.date(
        2030, 2, 3
    )
    dispatch_dates_amend(
        actor=officer,
        dispatch=dispatch,
        start_date=dispatch.start_date,
        planned_end_date=planned,
        end_date=None,
        reason="The early end was entered by mistake",
    )
    dispatch.refresh_from_db()
    assert dispatch.end_date is None
    history = selectors.record_history(dispatch=dispatch)
    assert history[0]["changes"] == [("Actual end", "2031-12-31", "—")]


def test_the_secondment_page_shows_the_recorded_return_with_amend_and_withdraw(
    client: Any, make_user: Any
) -> None:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer, cycle_row=f.cycle(2029), start=START, civil_servant=True)
    hr = make_user(Role.MINISTRY_HR, ministry=f.ministry("mhlw"))
    secondment_record_return(
        actor=hr,
        secondment=dispatch.secondment,
        returned_on=dt.date(2031, 4, 1),
        assignment_after_return="International Affairs Division",
    )
    client.force_login(hr)
    url = reverse("placement:secondment_detail", args=[dispatch.secondment.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2031-04-01" in page and "Amend the return" in page and "Withdraw the return" in page
    dispatch.secondment.refresh_from_db()
    refused = client.post(
        url,
        {"action": "withdraw_return", "version": dispatch.secondment.version, "withdraw_return-reason": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400 and "Give the reason for the correction." in refused.content.decode()
    done = client.post(
        url,
        {
            "action": "withdraw_return",
            "version": dispatch.secondment.version,
            "withdraw_return-reason": "wrong person",
        },
    )
    assert done.status_code == 302
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Record the return to the ministry" in page and "wrong person" in page


def test_the_dispatch_page_amends_the_outcome(client: Any) -> None:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer, cycle_row=f.cycle(2029), start=START)
    outcome_record(
        actor=officer, dispatch=dispatch, kind=OutcomeKind.UNKNOWN, recorded_on=dt.date(2032, 1, 7)
    )
    dispatch.refresh_from_db()
    client.force_login(officer)
    url = reverse("placement:dispatch_detail", args=[dispatch.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Amend the outcome" in page and "Withdraw the outcome" in page and "Record the outcome" not in page
    response = client.post(
        url,
        {
            "action": "amend_outcome",
            "version": dispatch.version,
            "amend_outcome-kind": OutcomeKind.OTHER_EMPLOYMENT,
            "amend_outcome-recorded_on": "2032-01-07",
            "amend_outcome-reason": "Joined a private company",
        },
    )
    assert response.status_code == 302
    assert Outcome.objects.get().kind == OutcomeKind.OTHER_EMPLOYMENT
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Joined a private company" in page and "Outcome amended" in page


def test_the_history_speaks_japanese(client: Any) -> None:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer, cycle_row=f.cycle(2029), start=START)
    outcome_record(
        actor=officer, dispatch=dispatch, kind=OutcomeKind.UNKNOWN, recorded_on=dt.date(2032, 1, 7)
    )
    outcome_amend(
        actor=officer,
        dispatch=dispatch,
        reason="国連開発計画の正規職に採用",
        kind=OutcomeKind.REGULAR_POST_SAME,
        grade="P-3",
        recorded_on=dt.date(2032, 1, 7),
    )
    client.force_login(officer)
    client.cookies["jpo_language"] = "ja"
    page = client.get(reverse("placement:dispatch_detail", args=[dispatch.pk]), HTTP_ACCEPT_LANGUAGE="ja")
    text = page.content.decode()
    assert "履歴と訂正" in text and "成果を訂正" in text and "国連開発計画の正規職に採用" in text
    assert "Outcome amended" not in text and "History and corrections" not in text

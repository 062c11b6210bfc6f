"""Corrections of placement steps through the API: the same services, people and rules as the pages;
every refusal a clear 4xx, nothing written."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from jpo.accounts.models import AuditEvent, Role
from jpo.placement.models import Outcome, OutcomeKind
from jpo.placement.services.outcomes import outcome_record
from jpo.placement.services.secondments import secondment_record_return
from jpo.placement.tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("later")]

START = dt.date(2030, 1, 7)


def post(user: Any, url: str, body: dict[str, Any]) -> Any:
    client = Client()
    client.force_login(user)
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def recorded() -> dict[str, Any]:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer, cycle_row=f.cycle(2029), start=START)
    outcome_record(
        actor=officer, dispatch=dispatch, kind=OutcomeKind.OTHER_EMPLOYMENT, recorded_on=dt.date(2032, 1, 7)
    )
    return {"officer": officer, "dispatch": dispatch}


def test_an_officer_amends_then_withdraws_an_outcome(recorded: dict[str, Any]) -> None:
    officer, dispatch = recorded["officer"], recorded["dispatch"]
    url = f"/api/dispatches/{dispatch.pk}/outcome/amend"
    body = {
        "kind": OutcomeKind.REGULAR_POST_SAME,
        "grade": "P-3",
        "recorded_on": "2032-01-07",
        "reason": "The focal point confirmed a P-3 post",
    }
    response = post(officer, url, body)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["outcome"]["kind"] == OutcomeKind.REGULAR_POST_SAME and answer["outcome"]["grade"] == "P-3"
    assert answer["history"][0]["what"] == "Outcome amended"
    assert answer["history"][0]["reason"] == "The focal point confirmed a P-3 post"
    # A stale version is refused (409), nothing written.
    response = post(officer, url, {**body, "grade": "P-4", "version": answer["version"] - 1})
    assert response.status_code == 409 and Outcome.objects.get().grade == "P-3"

    response = post(
        officer,
        f"/api/dispatches/{dispatch.pk}/outcome/withdraw",
        {"reason": "wrong person", "version": answer["version"]},
    )
    assert response.status_code == 200 and response.json()["outcome"] is None
    assert not Outcome.objects.exists()
    assert AuditEvent.objects.filter(action="placement.outcome_withdrawn").count() == 1


def test_an_outcome_correction_is_refused_to_the_wrong_people_and_bad_input(
    recorded: dict[str, Any], make_user: Any
) -> None:
    dispatch = recorded["dispatch"]
    url = f"/api/dispatches/{dispatch.pk}/outcome/amend"
    body = {"kind": OutcomeKind.UNKNOWN, "recorded_on": "2032-01-07", "reason": "typo"}
    other_focal = make_user(Role.FOCAL_POINT, organization=f.organization("WFP"))
    reviewer = make_user(Role.REVIEWER)
    for user in (other_focal, reviewer):
        response = post(user, url, body)
        assert response.status_code == 403, response.content
        assert response.json()["detail"]
    officer = recorded["officer"]
    response = post(officer, url, {**body, "recorded_on": "2041-01-07"})  # after today
    assert response.status_code == 400 and response.json()["field"] == "recorded_on"
    assert "after today" in response.json()["detail"]
    response = post(officer, url, {**body, "recorded_on": "2032-02-30"})  # not a date
    assert response.status_code == 422 and response.json()["field"] == "payload.recorded_on"
    response = post(officer, url, {**body, "reason": ""})
    assert response.status_code == 422 and response.json()["field"] == "payload.reason"
    response = post(officer, url, {**body, "reason": "   "})
    assert response.status_code == 400 and response.json()["field"] == "reason"
    response = post(officer, url, {**body, "organization": "NOPE"})
    assert response.status_code == 400 and response.json()["field"] == "organization"
    assert post(officer, "/api/dispatches/999999/outcome/amend", body).status_code == 404
    assert Outcome.objects.get().kind == OutcomeKind.OTHER_EMPLOYMENT
    assert not AuditEvent.objects.filter(action="placement.outcome_amended").exists()
    anonymous = Client().post(url, json.dumps(body), content_type="application/json")
    assert anonymous.status_code == 401


def test_dispatch_dates_are_amended_by_officers_only(make_user: Any) -> None:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer, cycle_row=f.cycle(2029), start=START)
    url = f"/api/dispatches/{dispatch.pk}/dates/amend"
    body = {
        "start_date": "2030-02-03",
        "planned_end_date": str(dispatch.planned_end_date),
        "end_date": "2031-12-31",
        "reason": "arrived a month late",
    }
    focal = make_user(Role.FOCAL_POINT, organization=dispatch.post.organization)
    assert post(focal, url, body).status_code == 403
    response = post(officer, url, {**body, "end_date": "2030-01-01"})  # before the start
    assert response.status_code == 400 and response.json()["field"] == "end_date"
    response = post(officer, url, {**body, "start_date": "someday"})
    assert response.status_code == 422 and response.json()["field"] == "payload.start_date"
    dispatch.refresh_from_db()
    assert dispatch.start_date == START
    response = post(officer, url, body)
    assert response.status_code == 200, response.content
    assert (response.json()["start_date"], response.json()["end_date"]) == ("2030-02-03", "2031-12-31")
    assert response.json()["history"][0]["reason"] == "arrived a month late"


def test_a_return_is_amended_and_withdrawn_by_the_ministry(make_user: Any) -> None:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer, cycle_row=f.cycle(2029), start=START, civil_servant=True)
    hr = make_user(Role.MINISTRY_HR, ministry=f.ministry("mhlw"))
    secondment = dispatch.secondment
    secondment_record_return(
        actor=hr,
        secondment=secondment,
        returned_on=dt.date(2031, 4, 1),
        assignment_after_return="International Affairs Division",
    )
    url = f"/api/secondments/{secondment.pk}/return/amend"
    body = {
        "returned_on": "2031-07-01",
        "assignment_after_return": "Global Health Division",
        "reason": "postponed to July",
    }
    other_hr = make_user(Role.MINISTRY_HR, ministry=f.ministry("mofa"))
    assert post(other_hr, url, body).status_code == 403
    response = post(hr, url, {**body, "returned_on": "2041-07-01"})
    assert response.status_code == 400 and response.json()["field"] == "returned_on"
    response = post(hr, url, body)
    assert response.status_code == 200, response.content
    assert response.json()["returned_on"] == "2031-07-01"
    dispatch.refresh_from_db()
    assert dispatch.end_date == dt.date(2031, 6, 30)
    response = post(hr, f"/api/secondments/{secondment.pk}/return/withdraw", {"reason": "wrong person"})
    assert response.status_code == 200 and response.json()["returned_on"] is None
    assert [h["what"] for h in response.json()["history"]][:2] == [
        "Return to the ministry withdrawn",
        "Return to the ministry amended",
    ]


def test_the_corrections_are_documented_in_the_openapi_schema(client: Client) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/dispatches/{dispatch_id}/outcome/amend",
        "/api/dispatches/{dispatch_id}/outcome/withdraw",
        "/api/dispatches/{dispatch_id}/dates/amend",
        "/api/secondments/{secondment_id}/return/amend",
        "/api/secondments/{secondment_id}/return/withdraw",
        "/api/applications/{application_id}/decision/correct",
        "/api/reviews/{review_id}/amend",
        "/api/reviews/{review_id}/withdraw",
        "/api/interview-scores/{score_id}/amend",
        "/api/interview-scores/{score_id}/withdraw",
    ):
        operation = paths[path]["post"]
        assert operation["summary"] and "corrections" in operation["tags"]
        assert {"200", "400", "403", "404", "409", "422"} <= set(operation["responses"]), path

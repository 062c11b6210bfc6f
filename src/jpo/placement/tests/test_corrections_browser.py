"""In a real browser: a ministry HR officer corrects a return recorded with the wrong date, and an
officer a recorded outcome; each must give a reason and then sees the correction and its reason in the
record's history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jpo.accounts.models import Role
from jpo.placement.models import Outcome, OutcomeKind
from jpo.placement.services.outcomes import outcome_record
from jpo.placement.services.secondments import secondment_record_return
from jpo.placement.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("later")]

PASSWORD = "a-long-test-password"


def test_ministry_hr_amends_a_recorded_return(page: Any, live_server: Any, make_user: Any) -> None:
    officer = f.officer()
    dispatch = f.dispatched(
        actor=officer, cycle_row=f.cycle(2029), start=dt.date(2030, 1, 7), civil_servant=True
    )
    hr = make_user(Role.MINISTRY_HR, username="mhlw-hr", password=PASSWORD, ministry=f.ministry("mhlw"))
    secondment_record_return(
        actor=hr,
        secondment=dispatch.secondment,
        returned_on=dt.date(2031, 4, 1),
        assignment_after_return="International Affairs Division",
    )

    page.context.add_cookies([{"name": "jpo_language", "value": "en", "url": live_server.url}])
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("mhlw-hr")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)
    page.goto(f"/placement/secondments/{dispatch.secondment.pk}/")

    # The recorded return is shown with its actions, not a vanished form.
    assert "2031-04-01" in page.locator("main").inner_text()
    page.get_by_text("Amend the return").click()
    page.locator("#id_amend_return-returned_on").fill("2031-07-01")
    page.get_by_role("button", name="Amend").click()
    # No reason: refused, nothing changed, the form stays open with the message.
    assert "Give the reason for the correction." in page.get_by_role("alert").inner_text()
    page.locator("#id_amend_return-returned_on").fill("2031-07-01")
    page.locator("#id_amend_return-reason").fill("The return was postponed to July")
    page.get_by_role("button", name="Amend").click()
    page.wait_for_selector("text=Return amended.")

    main = page.locator("main").inner_text()
    assert "Returned on 2031-07-01" in main
    history = page.locator("#history + .table-wrap").inner_text()
    assert "Return to the ministry amended" in history and "The return was postponed to July" in history
    assert "2031-04-01 → 2031-07-01" in history
    dispatch.refresh_from_db()
    assert dispatch.end_date == dt.date(2031, 6, 30)


def _log_in(page: Any, live_server: Any, username: str) -> None:
    page.context.add_cookies([{"name": "jpo_language", "value": "en", "url": live_server.url}])
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def test_an_officer_amends_a_recorded_outcome_and_sees_the_history(
    page: Any, live_server: Any, make_user: Any
) -> None:
    officer = make_user(Role.OFFICER, username="desk-officer", password=PASSWORD)
    dispatch = f.dispatched(actor=officer, cycle_row=f.cycle(2029), start=dt.date(2030, 1, 7))
    outcome_record(
        actor=officer, dispatch=dispatch, kind=OutcomeKind.OTHER_EMPLOYMENT, recorded_on=dt.date(2032, 1, 7)
    )
    _log_in(page, live_server, "desk-officer")
    page.goto(f"/placement/dispatches/{dispatch.pk}/")
    form = page.locator("#amend-outcome")
    form.get_by_text("Amend the outcome").click()
    form.locator("#id_amend_outcome-kind").select_option(OutcomeKind.REGULAR_POST_SAME)
    form.locator("#id_amend_outcome-grade").fill("P-3")
    form.get_by_role("button", name="Amend").click()
    # No reason: refused with the message, nothing changed.
    assert "Give the reason for the correction." in page.get_by_role("alert").inner_text()
    assert Outcome.objects.get(dispatch=dispatch).kind == OutcomeKind.OTHER_EMPLOYMENT
    form = page.locator("#amend-outcome")
    form.locator("#id_amend_outcome-kind").select_option(OutcomeKind.REGULAR_POST_SAME)
    form.locator("#id_amend_outcome-grade").fill("P-3")
    form.locator("#id_amend_outcome-reason").fill("The focal point confirmed a P-3 post")
    form.get_by_role("button", name="Amend").click()
    page.wait_for_selector("text=Saved.")

    history = page.locator("#history + .table-wrap").inner_text()
    assert "Outcome amended" in history and "The focal point confirmed a P-3 post" in history
    assert "Other employment → Regular post at the same organization" in history
    assert Outcome.objects.get(dispatch=dispatch).grade == "P-3"

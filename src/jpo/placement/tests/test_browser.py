"""In a real browser: an officer matches a cycle (runs, adjusts, sends); a ministry HR officer records a return."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jpo.accounts.models import Role
from jpo.placement.models import MatchRun, MatchRunStatus, Offer, OutcomeKind, PairKind
from jpo.placement.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def _login(page: Any, live_server: Any, username: str) -> None:
    page.context.add_cookies([{"name": "jpo_language", "value": "en", "url": live_server.url}])
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def test_officer_runs_adjusts_and_sends_a_recommendation(page: Any, live_server: Any, make_user: Any) -> None:
    officer = make_user(Role.OFFICER, username="officer", password=PASSWORD)
    cycle = f.cycle(2025)
    undp, wfp = f.organization("UNDP"), f.organization("WFP")
    p_undp = f.post(actor=officer, cycle_row=cycle, org=undp, title="Governance analyst")
    f.post(actor=officer, cycle_row=cycle, org=wfp, title="Logistics officer", duty_station="Rome")
    first = f.candidate(cycle_row=cycle, preferences=[undp, wfp], actor=officer, family_name="Aoki")
    second = f.candidate(cycle_row=cycle, preferences=[undp], actor=officer, family_name="Baba")

    _login(page, live_server, "officer")
    page.goto("/placement/matching/?cycle=2025")
    page.locator("#id_preference_weight").fill("100")
    page.get_by_role("button", name="Compute the recommendation").click()
    page.wait_for_url("**/placement/matching/*/")
    table = page.get_by_role("table", name="Recommended pairs, with the reasons")
    assert "Governance analyst" in table.inner_text()
    run = MatchRun.objects.get()
    holder = run.pairs.get(kind=PairKind.RECOMMENDED, post=p_undp).application
    other = second if holder == first else first

    # Adjust: free the UNDP post, then give it to the other candidate.
    page.locator("#id_application").select_option(str(holder.pk))
    page.locator("#id_post").select_option("")
    page.get_by_role("button", name="Apply the change").click()
    page.wait_for_selector("text=Recommendation adjusted.")
    page.locator("#id_application").select_option(str(other.pk))
    page.locator("#id_post").select_option(str(p_undp.pk))
    page.get_by_role("button", name="Apply the change").click()
    page.wait_for_selector("text=Recommendation adjusted.")
    assert (
        "set by the officer"
        in page.get_by_role("table", name="Recommended pairs, with the reasons").inner_text()
    )

    page.get_by_role("button", name="Send to the organizations").click()
    page.wait_for_url("**/placement/offers/")
    assert "offers sent" in page.locator(".messages").inner_text()
    run.refresh_from_db()
    assert run.status == MatchRunStatus.SENT
    assert Offer.objects.get(post=p_undp).application == other


@pytest.mark.usefixtures("later")
def test_ministry_hr_officer_records_a_return(page: Any, live_server: Any, make_user: Any) -> None:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer, civil_servant=True, start=dt.date(2025, 1, 6))
    make_user(Role.MINISTRY_HR, username="mhlw-hr", password=PASSWORD, ministry=f.ministry("mhlw"))

    _login(page, live_server, "mhlw-hr")
    page.goto("/placement/secondments/")
    page.get_by_role("link", name=str(dispatch.application.applicant)).click()
    # A refused attempt first: no assignment after return.
    page.locator("#id_return-returned_on").fill("2027-01-06")
    page.get_by_role("button", name="Record the return").click()
    assert "assignment after return" in page.get_by_role("alert").inner_text().lower()
    page.locator("#id_return-returned_on").fill("2027-01-06")
    page.locator("#id_return-assignment_after_return").fill("International Cooperation Division")
    page.get_by_role("button", name="Record the return").click()
    page.wait_for_selector("text=Return recorded.")
    assert "International Cooperation Division" in page.locator("main").inner_text()

    dispatch.refresh_from_db()
    assert dispatch.secondment.returned_on == dt.date(2027, 1, 6)
    assert dispatch.outcome.kind == OutcomeKind.RETURNED_TO_MINISTRY

"""In a real browser: an officer corrects a recorded decision on the application's Scores and decisions
page, must give a reason, and sees the correction in the history."""

from __future__ import annotations

from typing import Any

import pytest

from jpo.applications.workflow import Status
from jpo.selection.tests.test_corrections import passed  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def test_an_officer_corrects_a_decision_and_sees_the_history(
    page: Any,
    live_server: Any,
    passed: Any,  # noqa: F811
    officer: Any,
) -> None:
    officer.set_password(PASSWORD)
    officer.save()
    application = passed["application"]
    page.context.add_cookies([{"name": "jpo_language", "value": "en", "url": live_server.url}])
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(officer.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)
    page.goto(f"/selection/applications/{application.pk}/record/")

    page.get_by_text("Correct the decision").click()
    page.locator("#id_decision").select_option(Status.NOT_PASSED)
    page.get_by_role("button", name="Correct", exact=True).click()
    # No reason: refused, the decision unchanged.
    assert "Give the reason for the correction." in page.locator("main").inner_text()
    application.refresh_from_db()
    assert application.status == Status.PASSED

    page.get_by_text("Correct the decision").click()
    page.locator("#id_decision").select_option(Status.NOT_PASSED)
    page.locator("#id_reason_decision").fill("The panel's sheet was read the wrong way round")
    page.get_by_role("button", name="Correct", exact=True).click()
    page.wait_for_selector("text=Correction recorded.")

    history = page.locator("#history + .table-wrap").inner_text()
    assert "Decision corrected" in history and "Passed → Not passed" in history
    assert "The panel's sheet was read the wrong way round" in history
    application.refresh_from_db()
    assert application.status == Status.NOT_PASSED

"""In a real browser: an analyst reads the projection, saves a scenario, compares it, in Japanese and English.
Screenshots go to the temporary directory (looked at by a person, not compared by the test)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from jpo.accounts.models import Role
from jpo.projections.models import Scenario
from jpo.workforce.services import workforce_load_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
SHOTS = Path(tempfile.gettempdir())


def _login(page: Any, live_server: Any, username: str, language: str) -> None:
    page.context.add_cookies([{"name": "jpo_language", "value": language, "url": live_server.url}])
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def test_analyst_compares_a_scenario_in_english(page: Any, live_server: Any, make_user: Any) -> None:
    workforce_load_reference_data()
    make_user(Role.ANALYST, username="analyst", password=PASSWORD)
    _login(page, live_server, "analyst", "en")
    page.goto("/projections/")
    assert page.get_by_text("A projection is not a promise.").is_visible()
    assert page.locator("svg.fan-chart").is_visible()
    assert "Last value carried forward" in page.locator("section.backtest").inner_text()

    page.get_by_role("link", name="New scenario").click()
    page.get_by_label("Name", exact=True).fill("Mid-career push")
    page.get_by_label("Mid-career entries per year beyond today's level").fill("15")
    page.get_by_role("button", name="Save scenario").click()
    page.wait_for_selector("text=Scenario “Mid-career push” saved.")
    assert Scenario.objects.filter(name="Mid-career push").exists()
    table = page.locator("table.comparison").inner_text()
    assert "Today's policy" in table and "Mid-career push" in table
    assert page.locator("svg.fan-chart polygon.band").count() == 2
    page.screenshot(path=str(SHOTS / "jpo-projections-en.png"), full_page=True)


def test_analyst_reads_the_projection_in_japanese(page: Any, live_server: Any, make_user: Any) -> None:
    workforce_load_reference_data()
    make_user(Role.ANALYST, username="analyst", password=PASSWORD)
    Scenario.objects.create(name="離職率2%", parameters={"separation_rate": 0.02})
    _login(page, live_server, "analyst", "ja")
    page.goto("/projections/")
    assert page.get_by_text("予測は約束ではありません。").is_visible()
    assert "前年値の据え置き" in page.locator("section.backtest").inner_text()
    assert "離職率2%" in page.locator("table.comparison").inner_text()
    page.screenshot(path=str(SHOTS / "jpo-projections-ja.png"), full_page=True)

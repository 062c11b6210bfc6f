"""The base layout in a real browser: log in, navigation by role, language switch, log out."""

from __future__ import annotations

from typing import Any

import pytest

from jpo.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_logs_in_switches_language_and_logs_out(page: Any, make_user: Any) -> None:
    make_user(Role.OFFICER, username="officer", password="a-long-test-password")
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.get_by_role("link", name="ログイン").first.click()
    page.get_by_label("ユーザー名").fill("officer")
    page.get_by_label("パスワード").fill("a-long-test-password")
    page.get_by_role("button", name="ログイン").click()
    assert page.get_by_role("navigation").get_by_role("link", name="管理").is_visible()

    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en]")
    assert page.get_by_role("navigation").get_by_role("link", name="Administration").is_visible()

    page.get_by_role("button", name="Log out").click()
    page.wait_for_selector("text=Log in")
    assert page.get_by_role("navigation").get_by_role("link").count() == 0


def test_wrong_password_shows_an_error_summary(page: Any, make_user: Any) -> None:
    make_user(Role.APPLICANT, username="hanako", password="a-long-test-password")
    page.goto("/accounts/login/")
    page.get_by_label("ユーザー名").fill("hanako")
    page.get_by_label("パスワード").fill("wrong-password")
    page.get_by_role("button", name="ログイン").click()
    summary = page.get_by_role("alert")
    assert summary.is_visible()
    assert "入力内容に問題があります" in summary.inner_text()


def test_layout_fits_a_phone_screen(page: Any) -> None:
    page.set_viewport_size({"width": 375, "height": 700})
    page.goto("/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0

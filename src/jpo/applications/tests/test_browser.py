"""The applicant's journey in a real Chromium: register, verify, fill in, upload, self-check, submit.

Fields are found by their id (labels are checked too, where the text does not depend on the catalogue).
The server clock is the `clock` fixture: the live server runs in this process and reads it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from jpo.applications.models import Application, Submission
from jpo.applications.tests.conftest import jst
from jpo.applications.tests.factories import make_pdf
from jpo.programme.models import Organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def main_submit(page: Any, value: str | None = None) -> None:
    selector = "#main form button[type=submit]" + (f"[value={value}]" if value else "")
    page.locator(selector).first.click()


def register_and_verify(page: Any, email: str) -> None:
    page.goto("/portal/")
    page.locator("#main a[href='/accounts/signup/']").click()
    page.fill("#id_email", email)
    page.fill("#id_family_name", "山田")
    page.fill("#id_given_name", "花子")
    page.fill("#id_birth_date", "1995-05-01")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    main_submit(page)
    page.wait_for_url("**/accounts/signup/sent/")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+", str(mail.outbox[0].body))
    assert link is not None
    page.goto(link.group(0))
    page.wait_for_url("**/accounts/login/**")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    main_submit(page)
    page.wait_for_url("**/portal/")


def fill_application(page: Any, fiscal_year: int = 2026) -> None:
    page.locator(f"#main form[action='/portal/cycles/{fiscal_year}/start/'] button").click()
    page.wait_for_url("**/personal/")
    page.fill("#id_family_name_kana", "ヤマダ")
    page.fill("#id_given_name_kana", "ハナコ")
    page.select_option("#id_sex", "female")
    page.check("#id_japanese_national")
    main_submit(page, "next")

    page.wait_for_url("**/education/")
    page.select_option("#id_degrees-0-level", "master")
    page.fill("#id_degrees-0-field", "Development economics")
    page.fill("#id_degrees-0-institution", "神戸大学")
    page.fill("#id_degrees-0-awarded", "2020-03-24")
    main_submit(page, "next")

    page.wait_for_url("**/employment/")
    page.fill("#id_employment-0-employer", "株式会社サンプル")
    page.fill("#id_employment-0-title", "Analyst")
    page.fill("#id_employment-0-start", "2020-04-01")
    page.select_option("#id_employment-0-type", "full_time")
    page.select_option("#id_employment-0-sector", "private")
    main_submit(page, "next")

    page.wait_for_url("**/languages/")
    page.select_option("#id_languages-0-test", "toefl_ibt")
    page.fill("#id_languages-0-score", "105")
    page.fill("#id_languages-0-taken", "2025-06-01")
    main_submit(page, "next")

    page.wait_for_url("**/service/")
    main_submit(page, "next")

    page.wait_for_url("**/preferences/")
    page.locator("#id_track input[type=radio]").first.check()
    page.select_option("#id_organization_1", str(Organization.objects.get(code="UNDP").pk))
    main_submit(page, "next")

    page.wait_for_url("**/documents/")
    for kind in ["cv", "cover_letter", "degree", "language"]:
        page.select_option("#id_kind", kind)
        page.set_input_files(
            "#id_file",
            files=[{"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": make_pdf(text=kind)}],
        )
        main_submit(page, "upload")
        page.wait_for_selector(f"text={kind}.pdf")


def test_register_verify_apply_in_japanese_and_get_a_receipt(page: Any, clock: Any, cycle: Any) -> None:
    register_and_verify(page, "hanako@example.jp")
    assert page.locator("html").get_attribute("lang") == "ja"
    fill_application(page)
    page.goto(page.url.replace("/documents/", "/review/"))
    table = page.locator("#main table")
    assert "日本国籍" in table.inner_text()  # each criterion explained in Japanese
    assert table.locator("tbody tr").count() == 7
    page.locator("#submit-form button").click()
    page.wait_for_selector("#receipt")
    receipt = page.locator("#receipt").inner_text().strip()
    assert re.fullmatch(r"JPO-2026-\d{6}", receipt)
    assert Submission.objects.get().receipt_number == receipt
    confirmation = mail.outbox[-1]
    assert receipt in confirmation.subject and confirmation.to == ["hanako@example.jp"]
    assert "2026年2月10日" in str(confirmation.body)


def test_register_verify_apply_in_english(page: Any, clock: Any, cycle: Any) -> None:
    page.goto("/portal/")
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en]")
    register_and_verify(page, "taro@example.jp")
    fill_application(page)
    page.goto(page.url.replace("/documents/", "/review/"))
    assert page.get_by_role("heading", name="Eligibility self-check").is_visible()
    assert "Japanese nationality (JP) is required" in page.locator("#main table").inner_text()
    page.get_by_role("button", name="Submit the application").click()
    page.wait_for_selector("#receipt")
    assert page.locator("#status").inner_text() == "Submitted"
    assert "Application received" in mail.outbox[-1].subject


def _login(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_a_submission_one_second_late_is_refused(page: Any, clock: Any, complete_draft: Any) -> None:
    application, user = complete_draft
    clock.set(jst(2026, 3, 3, 23, 59, 58))
    _login(page, user.email)
    page.get_by_role("button", name="English").click()
    page.goto(f"/portal/applications/{application.pk}/review/")
    button = page.locator("#submit-form button")
    assert button.is_enabled()
    clock.set(jst(2026, 3, 4, 0, 0, 0))  # the applicant clicks after midnight
    button.click()
    page.wait_for_selector("text=The deadline has passed")
    assert "3 March 2026, 23:59:59 (Japan time)" in page.locator(".messages").inner_text()
    assert Application.objects.get(pk=application.pk).status == "draft"
    assert not Submission.objects.exists()


def test_a_file_that_is_not_a_pdf_is_refused_with_a_linked_error(page: Any, clock: Any, draft: Any) -> None:
    application, user = draft
    _login(page, user.email)
    page.get_by_role("button", name="English").click()
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"/portal/applications/{application.pk}/documents/")
    page.select_option("#id_kind", "cv")
    page.set_input_files(
        "#id_file", files=[{"name": "cv.pdf", "mimeType": "application/pdf", "buffer": b"GIF89a not a pdf"}]
    )
    main_submit(page, "upload")
    summary = page.get_by_role("alert")
    summary.wait_for()
    assert "This file is not a PDF" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    summary.get_by_role("link").first.click()
    assert page.evaluate("location.hash") == "#id_file"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert not application.documents.exists()

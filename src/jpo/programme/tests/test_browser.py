"""The officer's year in a real Chromium: create FY2027 from FY2026, change the age reference date,
preview the impact on FY2026's applications, publish; the public call in Japanese and English; an
anonymous self-check; an applicant applies to FY2027 and gets a receipt.

The server clock is the portal's `clock` fixture (the live server runs in this process): the officer
works in December 2026, the applicant in February 2027, so the journey does not depend on today.
Set JPO_SCREENSHOTS=/some/dir to keep screenshots of the main pages (never in the repository).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from jpo.accounts.models import Role, User
from jpo.applications.models import Degree, EmploymentPeriod, LanguageTest, Submission
from jpo.applications.tests.conftest import (  # the portal's clock, FY2026 and immediate tasks
    _immediate_tasks,
    clock,
    cycle,
    jst,
)
from jpo.applications.tests.factories import make_application
from jpo.applications.tests.test_browser import PASSWORD, fill_application, register_and_verify
from jpo.applications.workflow import Status
from jpo.programme.models import Agreement, Organization, RuleSetStatus
from jpo.programme.rules.selectors import effective_rules

__all__ = ["_immediate_tasks", "clock", "cycle"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("JPO_SCREENSHOTS", "")


def _palette(path: Path) -> None:
    """Re-encode a screenshot with a 256-colour palette (median cut, no dithering), as docs/screenshots
    are: the pages hold about a thousand colours, mostly anti-aliasing, so text stays sharp (no pixel off
    by more than 20 of 255) and the file is about 60 % smaller. Pillow comes with reportlab."""
    from PIL import Image

    with Image.open(path) as image:
        quantized = image.convert("RGB").quantize(
            colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    quantized.save(path, optimize=True)


def shot(page: Any, name: str, *, reload: bool = True) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        path = Path(SHOTS) / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        _palette(path)
        if reload:
            page.reload()  # a full-page screenshot can leave the next click without effect


def fy2026_application(birth_date: dt.date) -> None:
    application = make_application(
        fiscal_year=2026, status=Status.SUBMITTED, submitted_at=jst(2026, 2, 20, 10)
    )
    application.applicant.birth_date = birth_date
    application.applicant.save()
    Degree.objects.create(
        application=application, level="master", field="law", institution="X", awarded=dt.date(2020, 3, 20)
    )
    EmploymentPeriod.objects.create(
        application=application,
        employer="X",
        title="Y",
        start=dt.date(2018, 4, 1),
        type="full_time",
        sector="private",
    )
    LanguageTest.objects.create(
        application=application, test="ielts", score=Decimal("7.5"), taken=dt.date(2025, 9, 1)
    )


def log_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_the_officer_opens_fy2027_and_an_applicant_applies(
    page: Any, browser: Any, live_server: Any, clock: Any, cycle: Any
) -> None:
    Agreement.objects.create(
        organization=Organization.objects.get(code="UNDP"), starts_fiscal_year=1974, source="test"
    )
    # Born 1 March 1991: 35 on 1 February 2027, 36 on 1 April 2027 (the reference date matters).
    fy2026_application(dt.date(1991, 3, 1))
    fy2026_application(dt.date(1998, 3, 1))
    User.objects.create_user(
        username="officer", email="officer@example.jp", password=PASSWORD, role=Role.OFFICER
    )
    clock.set(jst(2026, 12, 1, 10))

    # The officer creates FY2027 from FY2026 (the form starts from it, a year later).
    log_in(page, "officer")
    page.get_by_role("link", name="年度と規則").first.click()
    shot(page, "ja-cycles")
    page.locator("#main a[href='/programme/cycles/new/']").click()
    shot(page, "ja-cycle-form")
    assert page.input_value("#id_fiscal_year") == "2027"
    assert page.input_value("#id_applications_open").startswith("2027-02-02T00:00")
    assert page.is_checked("#id_organization_track")
    page.fill("#id_applications_close", "2027-03-02T18:00:00")
    page.fill("#id_preregistration_closes", "2027-03-02T18:00:00")
    page.fill("#id_slots", "50")
    page.get_by_role("button", name="年度を作成").click()
    page.wait_for_url("**/programme/cycles/2027/")
    assert "2027年3月2日 18:00:00（日本時間）" in page.locator("#main").inner_text()
    assert page.get_by_role("heading", name="2027年度").is_visible()

    # Its rules: a draft copied from the newest, shown beside the previous year's.
    page.locator("#main a[href='/programme/cycles/2027/rules/']").click()
    assert "表示しているのは下書きです。" in page.locator("#main").inner_text()
    shot(page, "ja-rules")
    page.locator("#main a[href='/programme/cycles/2027/rules/age_reference_date/']").click()
    shot(page, "ja-parameter")
    page.check("#id_state_0")  # known
    page.fill("#id_date", "2027-04-01")
    page.fill("#id_source_label", "2027年度 JPO派遣候補者 募集要項")
    page.fill("#id_source_url", "https://www.mofa-irc.go.jp/jpo/")
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url("**/programme/cycles/2027/rules/")
    changed = page.locator("#main tr.changed", has_text="2027年4月1日")
    assert changed.count() == 1

    # Impact preview on FY2026's applications: the applicant born 1 March 1991 is 36 on 1 April 2027.
    page.select_option("#id_applications", "2026")
    page.locator("#main form[action='/programme/cycles/2027/rules/preview/'] button").click()
    page.wait_for_url("**/rules/preview/**")
    age_row = page.locator("#main table").first.locator("tr", has_text="年齢")
    assert age_row.locator("td").first.inner_text() == "1"
    shot(page, "ja-impact")
    page.goto("/programme/cycles/2027/rules/")

    # Publish: refused while criteria are unknown, then confirmed.
    page.locator("#main form[action='/programme/cycles/2027/rules/publish/'] button").click()
    page.wait_for_selector(".messages .error")
    assert effective_rules(2027) is None
    page.check("input[name=confirm_unknown]")
    page.locator("#main form[action='/programme/cycles/2027/rules/publish/'] button").click()
    page.wait_for_selector("text=2027年度の規則を公表しました。")
    assert cycle.__class__.objects.get(fiscal_year=2027).rule_sets.get().status == RuleSetStatus.PUBLISHED

    # The public call, in Japanese and English, without logging in.
    anonymous = browser.new_context(locale="ja-JP", base_url=live_server.url)
    public = anonymous.new_page()
    public.goto("/")
    public.locator("#main a[href='/calls/']").click()
    public.locator("#main a[href='/calls/2027/']").click()
    text = public.locator("#main").inner_text()
    assert "2027年度 JPO派遣候補者 募集要項" in text
    assert "2027年4月1日" in text and "国連開発計画" in text
    shot(public, "ja-call")
    public.emulate_media(media="print")
    shot(public, "ja-call-print")
    assert not public.locator(".site-header").is_visible()
    public.emulate_media(media="screen")
    public.goto("/calls/2027/?lang=en")
    text = public.locator("#main").inner_text()
    assert "Call for applications, FY2027" in text and "1 April 2027" in text
    shot(public, "en-call")

    # An anonymous self-check: each criterion explained; nothing stored.
    public.goto("/calls/2027/self-check/?lang=en")
    public.fill("#id_birth_date", "1991-03-01")
    public.fill("#id_degree-0-awarded", "2020-03-20")
    public.select_option("#id_degree-0-level", "master")
    public.fill("#id_job-0-start", "2018-04-01")
    public.select_option("#id_test-0-test", "ielts")
    public.fill("#id_test-0-score", "7.5")
    public.fill("#id_test-0-taken", "2025-09-01")
    public.locator("#main form button[type=submit]").click()
    public.wait_for_selector(".verdict")
    result = public.locator("#main table").first.inner_text()
    assert "35 or younger on 1 April 2027" in result
    assert public.locator("td.outcome-failed").count() == 1  # 36 on the reference date
    shot(public, "en-self-check", reload=False)
    anonymous.close()

    # In February 2027 an applicant applies to FY2027 and gets a receipt.
    clock.set(jst(2027, 2, 10, 10))
    page.locator("header form[action='/accounts/logout/'] button").click()
    mail.outbox.clear()
    register_and_verify(page, "hanako2027@example.jp")
    fill_application(page, fiscal_year=2027)
    page.goto(page.url.replace("/documents/", "/review/"))
    page.locator("#submit-form button").click()
    page.wait_for_selector("#receipt")
    receipt = page.locator("#receipt").inner_text().strip()
    assert re.fullmatch(r"JPO-2027-\d{6}", receipt)
    assert Submission.objects.get(receipt_number=receipt).application.cycle.fiscal_year == 2027

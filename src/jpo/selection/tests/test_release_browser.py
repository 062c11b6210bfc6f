"""In a real browser: an officer prepares decisions in bulk, schedules their release, and reads the record
of every e-mail once the task has run."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from jpo.accounts.models import Role
from jpo.applications.workflow import Status
from jpo.placement.tests import factories
from jpo.selection.models import PreparedDecision, Release, ReleaseStatus
from jpo.selection.tests.test_browser import log_in
from jpo.selection.tests.test_releases import interviewed, owner, receipt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_releases_results_together(page: Any, make_user: Any) -> None:
    officer = make_user(Role.OFFICER, username="officer", is_staff=True)
    panel = make_user(Role.REVIEWER, username="panel")
    cycle = factories.cycle(2025)
    a, b, c = interviewed(cycle, n=3, officer=officer, panel=panel)

    log_in(page, officer.username)
    page.goto(f"/selection/cycles/{cycle.fiscal_year}/results/")
    page.locator(f"#id_app_{a.pk}").check()
    page.locator(f"#id_app_{b.pk}").check()
    page.locator("#id_decision").select_option("passed")
    page.locator("#id_reason").fill("上位の面接評価")
    page.locator("button[value=prepare]").click()
    page.wait_for_selector(".messages .success")
    assert set(PreparedDecision.objects.values_list("application_id", flat=True)) == {a.pk, b.pk}

    at = (timezone.now() + dt.timedelta(hours=2)).astimezone(ZoneInfo("Asia/Tokyo"))
    page.locator("#id_release_at").fill(at.strftime("%Y-%m-%dT%H:%M"))
    page.locator("form:has(#id_release_at) button[type=submit]").click()
    page.wait_for_url("**/selection/releases/*/")
    release = Release.objects.get()
    assert release.status == ReleaseStatus.SCHEDULED and release.total == 2
    assert release.release_at == at.replace(second=0, microsecond=0)
    assert "予定済み" in page.locator("#release-progress").inner_text()
    assert mail.outbox == []
    a.refresh_from_db()
    assert a.status == Status.INTERVIEW

    # The release time comes; the worker runs the task.
    from jpo.selection.services.releases import release_run_task

    Release.objects.filter(pk=release.pk).update(release_at=timezone.now() - dt.timedelta(seconds=1))
    assert release_run_task.call(release.pk)["released"] == 2
    page.reload()
    record = page.locator("table").inner_text()
    for application in (a, b):
        assert receipt(application) in record and owner(application).email in record
    assert receipt(c) not in record
    assert "発表済み" in page.locator("#release-progress").inner_text()
    a.refresh_from_db()
    assert a.status == Status.PASSED
    assert sorted(m.to[0] for m in mail.outbox) == sorted(owner(x).email for x in (a, b))

"""Each role's home page says what to do next, with counts, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jpo.accounts.models import Role
from jpo.applications.tests.factories import make_application
from jpo.applications.workflow import Status
from jpo.programme.models import Cycle

pytestmark = pytest.mark.django_db


def _open_cycle(fiscal_year: int = 2040) -> Cycle:
    now = timezone.now()
    cycle, _ = Cycle.objects.get_or_create(fiscal_year=fiscal_year)
    cycle.applications_open = now - dt.timedelta(days=3)
    cycle.applications_close = now + dt.timedelta(days=20)
    cycle.save()
    return cycle


def test_officer_sees_the_stage_and_what_waits_with_counts_in_constant_queries(
    client: Client, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    cycle = _open_cycle()
    client.force_login(make_user(Role.OFFICER))
    client.cookies["jpo_language"] = "en"
    make_application(fiscal_year=cycle.fiscal_year, status=Status.SUBMITTED, submitted_at=timezone.now())
    client.get("/")  # warm the session and language caches
    with django_assert_max_num_queries(14) as few:
        html = client.get("/").content.decode()
    assert "FY2040: applications are open until" in html
    assert '<span class="count">1</span>' in html and 'href="/selection/cycles/2040/screening/"' in html
    for _ in range(12):
        make_application(fiscal_year=cycle.fiscal_year, status=Status.SUBMITTED, submitted_at=timezone.now())
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/").content.decode()
    assert '<span class="count">13</span>' in html


def test_applicant_sees_their_next_step_and_its_deadline(client: Client, make_user: Any) -> None:
    cycle = _open_cycle()
    user = make_user(Role.APPLICANT)
    application = make_application(fiscal_year=cycle.fiscal_year, status=Status.DRAFT)
    application.applicant.user = user
    application.applicant.save()
    client.force_login(user)
    client.cookies["jpo_language"] = "ja"
    html = client.get("/").content.decode()
    assert "2040年度の応募を完成させて提出する" in html
    close = timezone.localtime(cycle.applications_close).strftime("%Y-%m-%d %H:%M")
    assert f"{close}（日本時間）までに提出してください" in html


def test_reviewer_sees_assignments_to_do(client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.REVIEWER))
    client.cookies["jpo_language"] = "en"
    html = client.get("/").content.decode()
    assert "Applications to review" in html and "Interviews to score" in html
    assert 'href="/selection/reviews/"' in html

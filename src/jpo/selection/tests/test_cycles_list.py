"""The officer's list of cycles: one row a cycle, newest first, its window's stage and its applications counted
by step, in Japanese and English, in a fixed number of queries whatever the number of cycles."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jpo.accounts.models import Role
from jpo.applications.models import Applicant, Application
from jpo.applications.workflow import Status
from jpo.programme.models import Cycle, Track, TrackKind

pytestmark = pytest.mark.django_db

NOW = dt.datetime.now(dt.UTC)
S = Status


def _cycle(fy: int, opens: dt.datetime | None, closes: dt.datetime | None) -> Cycle:
    cycle = Cycle.objects.create(fiscal_year=fy, applications_open=opens, applications_close=closes)
    Track.objects.create(cycle=cycle, kind=TrackKind.MOFA)
    return cycle


def _seed(cycle: Cycle, statuses: list[str]) -> None:
    track = cycle.tracks.get()
    for i, status in enumerate(statuses):
        applicant = Applicant.objects.create(
            family_name="山田",
            given_name=f"{cycle.fiscal_year}-{i}",
            birth_date=dt.date(1995, 1, 1),
            email=f"a{cycle.fiscal_year}-{i}@example.jp",
        )
        Application.objects.create(
            applicant=applicant,
            cycle=cycle,
            track=track,
            status=status,
            submitted_at=None if status == S.DRAFT else NOW,
        )


def _cells(html: str, label: str) -> list[str]:
    row = re.search(
        r"<tr>\s*<th scope=\"row\"><a [^>]*>" + re.escape(label) + r"</a></th>(.*?)</tr>", html, re.S
    )
    assert row, label
    return [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def test_counts_and_stage_of_each_cycle_in_both_languages(client: Any, make_user: Any) -> None:
    open_cycle = _cycle(2027, NOW - dt.timedelta(days=3), NOW + dt.timedelta(days=30))
    closed = _cycle(2026, NOW - dt.timedelta(days=400), NOW - dt.timedelta(days=300))
    _cycle(2028, None, None)
    _seed(open_cycle, [S.DRAFT, S.SUBMITTED, S.SUBMITTED, S.ELIGIBLE])
    _seed(
        closed,
        [
            *(S.DRAFT, S.SUBMITTED, S.SCREENED_OUT, S.ELIGIBLE, S.UNDER_REVIEW, S.NOT_SHORTLISTED),
            *(S.INTERVIEW, S.NOT_PASSED, S.RECOMMENDED, S.SELECTED, S.SELECTED, S.NOT_SELECTED, S.WITHDRAWN),
        ],
    )
    client.force_login(make_user(Role.OFFICER))
    url = reverse("selection:officer_home")

    ja = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    # submitted, eligible (passed screening, further steps included), stage two, selected
    assert _cells(ja, "2026年度")[1:] == ["12", "9", "6", "2"]
    assert _cells(ja, "2027年度")[1:] == ["3", "1", "0", "0"]
    assert _cells(ja, "2028年度") == ["応募期間未設定", "0", "0", "0", "0"]
    assert _cells(ja, "2027年度")[0].startswith("応募受付中（")
    assert _cells(ja, "2026年度")[0].endswith("締切済み")
    assert ja.index("2028年度") < ja.index("2027年度") < ja.index("2026年度")  # newest first
    for heading in ("年度", "段階", "提出済み", "要件適合", "二次選考"):
        assert f">{heading}</th>" in ja
    assert reverse("selection:cycle", args=[2026]) in ja

    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _cells(en, "FY2026")[1:] == ["12", "9", "6", "2"]
    assert _cells(en, "FY2027")[0].startswith("Open until ")
    assert _cells(en, "FY2026")[0].startswith("Closed on ")
    for heading in (
        "Fiscal year",
        "Stage",
        "Submitted",
        "Eligible",
        "Stage two",
        "Selected by an organization",
    ):
        assert f">{heading}</th>" in en


def test_queries_do_not_grow_with_cycles(client: Any, make_user: Any, django_assert_num_queries: Any) -> None:
    client.force_login(make_user(Role.OFFICER))
    url = reverse("selection:officer_home")
    for fy in (2025, 2026):
        _seed(_cycle(fy, NOW - dt.timedelta(days=3), NOW + dt.timedelta(days=3)), [S.SUBMITTED, S.ELIGIBLE])
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    for fy in (2021, 2022, 2023, 2024):
        _seed(_cycle(fy, None, None), [S.SUBMITTED, S.SELECTED])
    with django_assert_num_queries(len(two)):
        page = client.get(url).content.decode()
    assert page.count('<th scope="row">') == 6

"""Placement candidates: paged in the database, constant queries and weight, ratings given in bulk."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jpo.applications.models import Applicant, Application, Preference
from jpo.placement.models import CandidateRating
from jpo.placement.tests import factories as f

pytestmark = pytest.mark.django_db


def _grow(model: Application, total: int) -> None:
    """Copies of a candidate (applicant, application, preferences) up to `total`, inserted in bulk."""
    have = Application.objects.filter(cycle=model.cycle, status=model.status).count()
    people = Applicant.objects.bulk_create(
        Applicant(
            family_name="佐藤",
            given_name=f"太郎{i}",
            birth_date=dt.date(1994, 5, 1),
            email=f"c{i}@example.jp",
        )
        for i in range(total - have)
    )
    copies = Application.objects.bulk_create(
        Application(
            applicant=p,
            cycle=model.cycle,
            track=model.track,
            status=model.status,
            receipt_number=f"X-{p.pk}",
            forwarded_to=model.forwarded_to,
            submitted_at=model.submitted_at,
        )
        for p in people
    )
    Preference.objects.bulk_create(
        Preference(application=a, organization=p.organization, rank=p.rank, post=p.post)
        for a in copies
        for p in model.preferences.all()
    )


def _get(client: Any, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.content)


def test_candidates_page_costs_the_same_at_10_and_1000_rows_and_shows_the_total(client: Any) -> None:
    officer = f.officer()
    cycle = f.cycle(2024)
    for code in ("UNDP", "UNICEF", "WFP"):
        f.organization(code)
    model = f.candidate(cycle_row=cycle, preferences=[f.organization("UNDP")], actor=officer)
    client.force_login(officer)
    url = reverse("placement:candidate_list") + "?cycle=2024&size=50"
    _get(client, url)  # warm the caches
    _grow(model, 10)
    queries_10, bytes_10 = _get(client, url)
    _grow(model, 1000)
    queries_1000, bytes_1000 = _get(client, url)
    assert queries_1000 == queries_10
    assert bytes_1000 < bytes_10 * 5.5  # 50 rows shown either way (10 → 50 rows), not 1,000
    page = client.get(url).content.decode()
    assert "1,000" in page  # the total
    assert page.count('name="ids"') == 50
    assert page.count("<select") <= 6  # the filters, the one rating form and the page size: no per-row select


def test_ticked_candidates_are_rated_at_once_and_a_bad_tick_writes_nothing(client: Any) -> None:
    officer = f.officer()
    cycle = f.cycle(2024)
    undp = f.organization("UNDP")
    a = f.candidate(cycle_row=cycle, preferences=[undp], actor=officer)
    b = f.candidate(cycle_row=cycle, preferences=[undp], actor=officer)
    other = f.candidate(cycle_row=cycle, preferences=[f.organization("WFP")], actor=officer)
    client.force_login(officer)
    url = reverse("placement:candidate_list") + "?cycle=2024"
    response = client.post(url, {"ids": [a.pk, b.pk], "organization": undp.pk, "score": 4, "cycle": 2024})
    assert response.status_code == 302
    assert sorted(CandidateRating.objects.values_list("application_id", "score")) == [(a.pk, 4), (b.pk, 4)]
    # UNDP is not among `other`'s preferences: refused, and nothing of the batch is written.
    response = client.post(url, {"ids": [a.pk, other.pk], "organization": undp.pk, "score": 2, "cycle": 2024})
    assert response.status_code == 400
    assert CandidateRating.objects.get(application=a).score == 4
    assert client.post(url, {"organization": undp.pk, "score": 2, "cycle": 2024}).status_code == 400
    assert client.post(url, {"ids": ["x"], "organization": undp.pk, "score": 2}).status_code == 400


def test_candidates_filter_by_organization_in_the_database(client: Any) -> None:
    officer = f.officer()
    cycle = f.cycle(2024)
    undp, wfp = f.organization("UNDP"), f.organization("WFP")
    a = f.candidate(cycle_row=cycle, preferences=[undp], actor=officer, family_name="青木")
    f.candidate(cycle_row=cycle, preferences=[wfp], actor=officer, family_name="石井")
    client.force_login(officer)
    page = client.get(reverse("placement:candidate_list") + f"?cycle=2024&org={undp.pk}").content.decode()
    assert "青木" in page and "石井" not in page and f'value="{a.pk}"' in page

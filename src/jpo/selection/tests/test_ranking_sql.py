"""The ranking computed in the database gives what the Python ranking gave (the reference below is the
code the pages ran before, kept here word for word): the same order, positions, ties, cut-off and
scores, on a cycle with severe and lenient reviewers, ties, missing reviews, unscored applications, a
reviewer with one review and one who gave every application the same total."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import statistics
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Q
from django.utils import timezone

from jpo.accounts.models import Role, User
from jpo.applications.models import Applicant, Application
from jpo.applications.workflow import Status
from jpo.placement.tests import factories as f
from jpo.programme.models import Cycle, Track
from jpo.selection.models import Review, ReviewAssignment
from jpo.selection.selectors.ranking import (
    cutoff_splits_tie,
    narrowed,
    outstanding_reviews,
    rank_row,
    ranked,
    ranking,
)

pytestmark = pytest.mark.django_db
PLACES = 6
_serial = itertools.count(1)


# --- The reference: the Python ranking as it was ---------------------------------------------------


def _reference(cycle: Cycle, method: str, cutoff: int | None) -> tuple[list[dict[str, Any]], int]:
    applications = list(
        Application.objects.filter(cycle=cycle, status__in=(Status.UNDER_REVIEW,)).order_by("pk")
    )
    assigned: dict[int, int] = defaultdict(int)
    for app_id in ReviewAssignment.objects.filter(application__cycle=cycle).values_list(
        "application_id", flat=True
    ):
        assigned[app_id] += 1
    reviews = [
        (app_id, reviewer_id, float(total))
        for app_id, reviewer_id, total in Review.objects.filter(
            assignment__application__cycle=cycle
        ).values_list("assignment__application_id", "assignment__reviewer_id", "total")
    ]
    by_reviewer: dict[int, list[float]] = defaultdict(list)
    for _app, reviewer, total in reviews:
        by_reviewer[reviewer].append(total)
    stats: dict[int, dict[str, Any]] = {}
    for reviewer, totals in by_reviewer.items():
        mean = statistics.fmean(totals)
        sd = statistics.pstdev(totals) if len(totals) >= 2 else 0.0
        stats[reviewer] = {"n": len(totals), "mean": mean, "sd": sd, "corrected": sd > 0}
    z = {}
    for app, reviewer, total in reviews:
        s = stats[reviewer]
        z[(app, reviewer)] = (total - s["mean"]) / s["sd"] if s["corrected"] else 0.0
    per_app: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for app_id, reviewer_id, total in reviews:
        per_app[app_id].append((reviewer_id, total))
    rows = []
    outstanding = 0
    for application in applications:
        mine = per_app.get(application.pk, [])
        outstanding += max(assigned.get(application.pk, 0) - len(mine), 0)
        rows.append(
            {
                "application": application.pk,
                "reviews": len(mine),
                "assigned": assigned.get(application.pk, 0),
                "raw_mean": statistics.fmean(t for _r, t in mine) if mine else None,
                "z_mean": statistics.fmean(z[(application.pk, r)] for r, _t in mine) if mine else None,
                "uncorrected": any(not stats[r]["corrected"] for r, _t in mine),
                "tie": False,
                "tie_at_cutoff": False,
                "in_shortlist": False,
            }
        )

    def score(row: dict[str, Any]) -> float | None:
        value = row["z_mean"] if method == "z" else row["raw_mean"]
        return None if value is None else round(value, PLACES)

    rows.sort(key=lambda r: (score(r) is None, -(score(r) or 0.0), r["application"]))
    position = 0
    previous: float | None = None
    for i, row in enumerate(rows, start=1):
        current = score(row)
        if current is None or current != previous:
            position = i
        row["position"] = position
        previous = current
    groups: dict[float, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        key = score(row)
        if key is not None:
            groups[key].append(row)
    for group in groups.values():
        if len(group) > 1:
            for row in group:
                row["tie"] = True
    if cutoff is not None:
        for i, row in enumerate(rows, start=1):
            row["in_shortlist"] = i <= cutoff and score(row) is not None
        for group in groups.values():
            if len({r["in_shortlist"] for r in group}) == 2:
                for row in group:
                    row["tie_at_cutoff"] = True
    return rows, outstanding


# --- The fixture -------------------------------------------------------------------------------------


def _applications(cycle: Cycle, n: int, status: str = Status.UNDER_REVIEW) -> list[Application]:
    track = Track.objects.get(cycle=cycle, kind="mofa")
    numbers = [next(_serial) for _ in range(n)]
    people = Applicant.objects.bulk_create(
        Applicant(
            family_name=f"順位{i:04d}",
            given_name="花子",
            birth_date=dt.date(1995, 1, 1),
            email=f"rank{i}@example.jp",
        )
        for i in numbers
    )
    return Application.objects.bulk_create(
        Application(
            applicant=p,
            cycle=cycle,
            track=track,
            status=status,
            receipt_number=f"R-{i:05d}",
            submitted_at=timezone.now(),
        )
        for i, p in zip(numbers, people, strict=True)
    )


@pytest.fixture
def busy_cycle() -> Cycle:
    """60 applications under review and 10 already decided (their reviews count in the reviewers'
    statistics, as before), 6 reviewers: two severe, two lenient, one with a single review, one who
    gives every application 3.000. Marks on a coarse scale, so scores tie; a fifth of the assignments
    without a review, 5 applications with no reviewer at all."""
    cycle = f.cycle(2024)
    rng = random.Random(13)
    reviewers = User.objects.bulk_create(
        User(username=f"ranker{k}", email=f"ranker{k}@example.jp", role=Role.REVIEWER) for k in range(6)
    )
    severity = {0: -1.0, 1: -0.5, 2: 0.5, 3: 1.0}
    ranked_apps = _applications(cycle, 60)
    decided = _applications(cycle, 10, status=Status.SHORTLISTED)
    assignments = []
    for i, application in enumerate(ranked_apps[:-5] + decided):
        pool = [0, 1, 2, 3, 5]
        for k in rng.sample(pool, 2 if i % 3 else 3):
            assignments.append(ReviewAssignment(application=application, reviewer=reviewers[k]))
    assignments.append(ReviewAssignment(application=ranked_apps[0], reviewer=reviewers[4]))
    assignments = ReviewAssignment.objects.bulk_create(assignments)
    reviews = []
    for a in assignments:
        k = reviewers.index(a.reviewer)
        if k != 4 and rng.random() < 0.2:
            continue  # not submitted yet
        if k == 5:
            total = Decimal("3.000")
        else:
            base = rng.choice([2.0, 2.5, 3.0, 3.5, 4.0]) + severity.get(k, 0.0)
            total = Decimal(str(min(max(base, 1.0), 5.0))).quantize(Decimal("0.001"))
        reviews.append(Review(assignment=a, total=total))
    Review.objects.bulk_create(reviews)
    return cycle


def _from_sql(cycle: Cycle, method: str, cutoff: int | None) -> list[dict[str, Any]]:
    table = ranking(cycle=cycle, method=method, cutoff=cutoff)
    return [
        {
            "application": r.application.pk,
            "reviews": r.reviews,
            "assigned": r.assigned,
            "raw_mean": r.raw_mean,
            "z_mean": r.z_mean,
            "uncorrected": r.uncorrected,
            "tie": r.tie,
            "tie_at_cutoff": r.tie_at_cutoff,
            "in_shortlist": r.in_shortlist,
            "position": r.position,
        }
        for r in table.rows
    ]


def _same(ours: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> None:
    assert [r["application"] for r in ours] == [r["application"] for r in theirs]
    for mine, reference in zip(ours, theirs, strict=True):
        for key in ("raw_mean", "z_mean"):
            assert (mine[key] is None) == (reference[key] is None), (key, mine, reference)
            if reference[key] is not None:
                assert mine[key] == pytest.approx(reference[key], abs=1e-9), (key, mine, reference)
        rest = {k: v for k, v in mine.items() if k not in ("raw_mean", "z_mean")}
        assert rest == {k: v for k, v in reference.items() if k not in ("raw_mean", "z_mean")}


@pytest.mark.parametrize("method", ["z", "raw"])
def test_the_database_ranks_as_the_python_ranking_did(busy_cycle: Cycle, method: str) -> None:
    reference, outstanding = _reference(busy_cycle, method, None)
    assert any(r["tie"] for r in reference) and any(r["z_mean"] is None for r in reference)
    assert any(r["uncorrected"] for r in reference) and outstanding > 0
    _same(_from_sql(busy_cycle, method, None), reference)
    assert ranking(cycle=busy_cycle, method=method).outstanding == outstanding
    assert outstanding_reviews(cycle=busy_cycle) == outstanding
    for cutoff in range(1, 62):
        reference_cut, _ = _reference(busy_cycle, method, cutoff)
        _same(_from_sql(busy_cycle, method, cutoff), reference_cut)
        assert cutoff_splits_tie(
            ranked(cycle=busy_cycle, method=method), method=method, cutoff=cutoff
        ) == any(r["tie_at_cutoff"] for r in reference_cut)


def test_a_filter_keeps_the_ranks_of_the_whole_cycle(busy_cycle: Cycle) -> None:
    reference, _ = _reference(busy_cycle, "z", 10)
    wanted = {r["application"]: r for r in reference[5:40:3]}
    rows = narrowed(ranked(cycle=busy_cycle, method="z"), Q(pk__in=list(wanted)))
    page = [rank_row(a, method="z", cutoff=10) for a in rows.order_by("row_number")]
    assert [r.application.pk for r in page] == list(wanted)
    assert [r.position for r in page] == [wanted[r.application.pk]["position"] for r in page]
    assert [r.in_shortlist for r in page] == [wanted[r.application.pk]["in_shortlist"] for r in page]
    assert rows.count() == len(wanted)
    by_name = narrowed(ranked(cycle=busy_cycle, method="z"), Q(applicant__family_name__icontains="順位"))
    by_name = narrowed(by_name, Q(track__kind="mofa") | Q(receipt_number__icontains="R-"))
    assert [a.row_number for a in by_name.order_by("row_number")] == list(range(1, 61))
    assert by_name.count() == 60

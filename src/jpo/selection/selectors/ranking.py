"""The document-review ranking: raw mean beside a reviewer-severity corrected score.

Correction: each reviewer's totals in the cycle are turned into z-scores (minus that reviewer's mean,
divided by that reviewer's standard deviation); an application's corrected score is the mean of its
reviews' z-scores. A reviewer with fewer than two reviews, or who gave every application the same
total, cannot be corrected: their reviews count as z = 0 and are flagged.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from jpo.applications.models import Application
from jpo.applications.workflow import Status
from jpo.programme.models import Cycle
from jpo.selection.models import Review, ReviewAssignment

RANKED_STATUSES = (Status.UNDER_REVIEW,)
PLACES = 6  # scores equal to 6 decimal places are a tie


@dataclass
class RankRow:
    application: Application
    reviews: int
    assigned: int
    raw_mean: float | None
    z_mean: float | None
    position: int = 0
    tie: bool = False
    tie_at_cutoff: bool = False
    in_shortlist: bool = False
    uncorrected: bool = False  # some reviewer of this application could not be corrected

    @property
    def key(self) -> float | None:
        return self.z_mean


@dataclass
class Ranking:
    rows: list[RankRow]
    method: str
    cutoff: int | None
    outstanding: int

    @property
    def tie_at_cutoff(self) -> bool:
        return any(r.tie_at_cutoff for r in self.rows)

    def as_json(self) -> list[dict[str, Any]]:
        return [
            {
                "application": r.application.pk,
                "receipt_number": r.application.receipt_number,
                "position": r.position,
                "raw_mean": r.raw_mean,
                "z_mean": r.z_mean,
                "reviews": r.reviews,
                "tie": r.tie,
                "shortlisted": r.in_shortlist,
            }
            for r in self.rows
        ]


def reviewer_z_scores(
    reviews: list[tuple[int, int, float]],
) -> tuple[dict[tuple[int, int], float], dict[int, dict[str, Any]]]:
    """reviews: (application id, reviewer id, total). Returns z per (application, reviewer) and per-reviewer stats."""
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
    return z, stats


def ranking(*, cycle: Cycle, method: str = "z", cutoff: int | None = None) -> Ranking:
    """Every application under review in `cycle`, best first (a fixed number of queries)."""
    applications = list(
        Application.objects.filter(cycle=cycle, status__in=RANKED_STATUSES)
        .select_related("applicant", "track")
        .order_by("pk")
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
    z, stats = reviewer_z_scores(reviews)
    per_app: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for app_id, reviewer_id, total in reviews:
        per_app[app_id].append((reviewer_id, total))
    rows = []
    outstanding = 0
    for application in applications:
        mine = per_app.get(application.pk, [])
        outstanding += max(assigned.get(application.pk, 0) - len(mine), 0)
        raw = statistics.fmean(t for _r, t in mine) if mine else None
        zm = statistics.fmean(z[(application.pk, r)] for r, _t in mine) if mine else None
        rows.append(
            RankRow(
                application=application,
                reviews=len(mine),
                assigned=assigned.get(application.pk, 0),
                raw_mean=raw,
                z_mean=zm,
                uncorrected=any(not stats[r]["corrected"] for r, _t in mine),
            )
        )

    def score(row: RankRow) -> float | None:
        value = row.z_mean if method == "z" else row.raw_mean
        return None if value is None else round(value, PLACES)

    # Best first; unscored last; the application id only orders equal scores for display (they are ties).
    rows.sort(key=lambda r: (score(r) is None, -(score(r) or 0.0), r.application.pk))
    position = 0
    previous: float | None = None
    for i, row in enumerate(rows, start=1):
        current = score(row)
        if current is None or current != previous:
            position = i
        row.position = position
        previous = current
    groups: dict[float, list[RankRow]] = defaultdict(list)
    for row in rows:
        s = score(row)
        if s is not None:
            groups[s].append(row)
    for group in groups.values():
        if len(group) > 1:
            for row in group:
                row.tie = True
    if cutoff is not None:
        for i, row in enumerate(rows, start=1):
            row.in_shortlist = i <= cutoff and score(row) is not None
        for group in groups.values():
            inside = {r.in_shortlist for r in group}
            if len(inside) == 2:
                for row in group:
                    row.tie_at_cutoff = True
    return Ranking(rows=rows, method=method, cutoff=cutoff, outstanding=outstanding)

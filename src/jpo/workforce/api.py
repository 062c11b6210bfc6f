"""Read-only workforce API: census series with their sources, and target progress (officers and analysts)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from jpo.accounts.access import has_role
from jpo.accounts.models import Role
from jpo.workforce.selectors import Observation, japan_series, target_statuses

router = Router(tags=["workforce"])


class ObservationOut(Schema):
    reference_date: dt.date
    reference_label: str
    headcount: int
    source: str
    citation: str
    note: str


class SeriesOut(Schema):
    source: str
    category: str
    total: list[ObservationOut]
    senior: list[ObservationOut]
    women: list[ObservationOut]
    missing_years: list[int]


class TargetProgressOut(Schema):
    slug: str
    name: str
    headcount: int
    deadline: dt.date
    baseline_headcount: int
    baseline_date: dt.date
    source_document: str
    citation: str
    latest: ObservationOut | None
    progress_percent: float | None
    gap: int | None
    needed_per_year: float
    achieved_per_year: float | None


def _require_reader(request: HttpRequest) -> None:
    if not has_role(request.user, Role.OFFICER, Role.ANALYST):
        raise HttpError(403, "Officers and analysts only.")


def _obs(o: Observation) -> dict[str, object]:
    return {
        "reference_date": o.date,
        "reference_label": o.published,
        "headcount": o.headcount,
        "source": o.source,
        "citation": o.citation,
        "note": o.note,
    }


@router.get("/workforce/series", response=list[SeriesOut], summary="Japanese staff by source (never merged)")
def series(request: HttpRequest) -> list[dict[str, object]]:
    _require_reader(request)
    return [
        {
            "source": s.source,
            "category": s.category,
            "total": [_obs(o) for _d, o in sorted(s.total.items())],
            "senior": [_obs(o) for _d, o in sorted(s.senior.items())],
            "women": [_obs(o) for _d, o in sorted(s.women.items())],
            "missing_years": s.missing_years(),
        }
        for s in japan_series().values()
    ]


@router.get(
    "/workforce/targets", response=list[TargetProgressOut], summary="Targets with progress, gap and growth"
)
def targets(request: HttpRequest) -> list[dict[str, object]]:
    _require_reader(request)
    out = []
    for status in target_statuses(japan_series()):
        t, p = status.target, status.progress
        out.append(
            {
                "slug": t.slug,
                "name": t.name,
                "headcount": t.headcount,
                "deadline": t.deadline,
                "baseline_headcount": t.baseline_headcount,
                "baseline_date": t.baseline_date,
                "source_document": t.source_document,
                "citation": t.citation,
                "latest": _obs(status.latest) if status.latest else None,
                "progress_percent": p.progress_percent,
                "gap": p.gap,
                "needed_per_year": p.needed_per_year,
                "achieved_per_year": p.achieved_per_year,
            }
        )
    return out

"""Reads for projections: the published series, aggregates of the app's dispatch and outcome records, targets,
saved scenarios. Aggregates only (counts), never a person; a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from jpo.placement.models import Dispatch
from jpo.placement.selectors import retention
from jpo.policy.parameters import UnknownParameterError, parameter
from jpo.projections.engine import Inputs, Published, Records, TargetSpec
from jpo.projections.model import year_of
from jpo.projections.models import Scenario
from jpo.workforce import reference
from jpo.workforce.models import Category, CensusSource, Grade, Target
from jpo.workforce.selectors import japan_series, mofa_series

RECENT_YEARS = 3
OFFICIAL_TARGETS = frozenset(str(t["slug"]) for t in reference.TARGETS)


def published_series() -> tuple[Published, ...]:
    """MOFA's count of Japanese staff in professional and higher posts, one figure per year-end (gaps left as gaps)."""
    by_year: dict[int, Published] = {}
    for date, obs in sorted(mofa_series(japan_series()).total.items()):
        # Two figures standing for one year-end: the later-dated one is kept.
        by_year[year_of(date)] = Published(
            year_of(date), obs.headcount, obs.published, obs.date, obs.citation
        )
    return tuple(by_year[y] for y in sorted(by_year))


def dispatch_records(*, today: dt.date) -> Records:
    """Dispatches per year (complete recent years since records begin) and outcomes by civil-servant status."""
    by_year = {
        row["year"]: row
        for row in Dispatch.objects.annotate(year=ExtractYear("start_date"))
        .values("year")
        .annotate(n=Count("pk"), civil=Count("pk", filter=Q(application__is_civil_servant=True)))
        .order_by()
    }
    years: tuple[int, ...] = ()
    if by_year:
        first = min(by_year)
        years = tuple(y for y in range(today.year - RECENT_YEARS, today.year) if y >= first)
    outcomes = {row.key: row for row in retention(grouping="civil_servant", include_alumni=True)}
    others, civil = outcomes.get("False"), outcomes.get("True")
    return Records(
        years=years,
        dispatches=sum(by_year[y]["n"] for y in years if y in by_year),
        civil_servants=sum(by_year[y]["civil"] for y in years if y in by_year),
        retained=others.retained if others else 0,
        not_retained=others.not_retained if others else 0,
        civil_retained=civil.retained if civil else 0,
        civil_not_retained=civil.not_retained if civil else 0,
    )


def target_specs() -> tuple[TargetSpec, ...]:
    """Active targets measured on the series projected (MOFA, professional and higher, all grades, Japan)."""
    targets = Target.objects.filter(
        is_active=True,
        source=CensusSource.MOFA,
        category=Category.PROFESSIONAL_HIGHER,
        grade=Grade.ALL,
        nationality="JPN",
    ).order_by("deadline", "headcount")
    return tuple(
        TargetSpec(
            name=t.display_name,
            headcount=t.headcount,
            deadline=t.deadline,
            source=t.source_document,
            official=t.slug in OFFICIAL_TARGETS,
        )
        for t in targets
    )


def _fiscal_year(today: dt.date) -> int:
    return today.year if today.month >= 4 else today.year - 1


def _policy(name: str, fiscal_year: int) -> tuple[object | None, str]:
    try:
        value = parameter(name, fiscal_year)
    except UnknownParameterError:
        return None, ""
    source = value.source
    text = f"{source.label} {source.url or ''}".strip() if source else ""
    return (value.value if value.known else None), text


def projection_inputs(*, today: dt.date | None = None) -> Inputs:
    today = today or timezone.localdate()
    fiscal_year = _fiscal_year(today)
    lag, lag_source = _policy("dispatch_years", fiscal_year)
    track, track_source = _policy("civil_servants", fiscal_year)
    series = published_series()
    return Inputs(
        published=series,
        records=dispatch_records(today=today),
        targets=target_specs(),
        dispatch_years=int(lag) if isinstance(lag, int) else None,
        dispatch_years_source=lag_source,
        track_today=track == "allowed",
        track_source=track_source,
        current_year=today.year,
    )


def scenario_list() -> QuerySet[Scenario]:
    return Scenario.objects.select_related("created_by").order_by("name")

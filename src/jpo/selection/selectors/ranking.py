"""The document-review ranking: raw mean beside a reviewer-severity corrected score.

Correction: each reviewer's totals in the cycle are turned into z-scores (minus that reviewer's mean,
divided by that reviewer's standard deviation); an application's corrected score is the mean of its
reviews' z-scores. A reviewer with fewer than two reviews, or who gave every application the same
total, cannot be corrected: their reviews count as z = 0 and are flagged.

Computed in the database (aggregates and window functions, SQLite and PostgreSQL alike): the page
sorts, filters and pages the ranking like every list, whatever the number of applications. Scores
equal to PLACES decimal places are a tie; the order is best first, unscored last, equal scores by
application id (for display only: they share a rank).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Q,
    QuerySet,
    StdDev,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Rank, RowNumber

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
    row_number: int = 0
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


def reviewer_stats(*, cycle: Cycle) -> dict[int, tuple[int, float, float]]:
    """Each reviewer's (number of reviews, mean, population standard deviation) of their totals in
    `cycle`: one aggregate query, a row per reviewer."""
    total = Cast("total", FloatField())
    rows = (
        Review.objects.filter(assignment__application__cycle=cycle)
        .order_by()
        .values("assignment__reviewer_id")
        .annotate(n=Count("pk"), mean=Avg(total), sd=StdDev(total, sample=False))
        .values_list("assignment__reviewer_id", "n", "mean", "sd")
    )
    return {reviewer: (n, float(mean), float(sd or 0.0)) for reviewer, n, mean, sd in rows}


class _Rounded(Func):
    """The score to PLACES decimal places, as ties are judged (PostgreSQL rounds numeric, not float)."""

    def __init__(self, expression: Any) -> None:
        super().__init__(expression, output_field=FloatField())

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        return super().as_sql(compiler, connection, template=f"ROUND(%(expressions)s, {PLACES})", **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler, connection, template=f"ROUND((%(expressions)s)::numeric, {PLACES})", **extra
        )


def ranked(*, cycle: Cycle, method: str = "z") -> QuerySet[Any]:
    """Every application under review in `cycle` with its ranking computed in the database.

    Each row carries ``reviews``, ``assigned``, ``raw_mean``, ``z_mean``, ``uncorrected`` (1 when a
    reviewer of it could not be corrected), ``rank`` (competition rank of the score), ``row_number``
    (its place in the order: best first, unscored last, equal scores by id) and ``group_size`` (rows
    sharing its score). One query for the reviewers' statistics here; the rows are a queryset to filter
    (with :func:`narrowed`, so the ranks stay those of the whole cycle), sort and page.
    """
    stats = reviewer_stats(cycle=cycle)
    total = Cast("review_assignments__review__total", FloatField())
    reviewer = "review_assignments__reviewer_id"
    corrected = {r: (mean, sd) for r, (n, mean, sd) in stats.items() if n >= 2 and sd > 0}
    uncorrected = sorted(r for r in stats if r not in corrected)
    z = Case(
        When(review_assignments__review__isnull=True, then=Value(None, output_field=FloatField())),
        *[
            When(**{reviewer: r}, then=(total - Value(mean)) / Value(sd))
            for r, (mean, sd) in sorted(corrected.items())
        ],
        default=Value(0.0),
        output_field=FloatField(),
    )
    flag = Case(
        When(review_assignments__review__isnull=False, **{f"{reviewer}__in": uncorrected}, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    rows = (
        Application.objects.filter(cycle=cycle, status__in=RANKED_STATUSES)
        .select_related("applicant", "track")
        .annotate(
            reviews=Count("review_assignments__review"),
            assigned=Count("review_assignments"),
            raw_mean=Avg(total),
            z_mean=Avg(z),
            uncorrected=Max(flag),
        )
    )
    score = _Rounded(F("z_mean") if method == "z" else F("raw_mean"))
    best_first = [score.desc(nulls_last=True)]
    return rows.annotate(
        rank=Window(Rank(), order_by=best_first),
        row_number=Window(RowNumber(), order_by=[*best_first, F("pk").asc()]),
        group_size=Window(Count("pk"), partition_by=[score]),
    )


class _AfterNumbering(Case):
    """CASE WHEN condition THEN row_number END: refers to a window function, so Django judges a filter on
    it around the numbered rows (``SELECT * FROM (...) WHERE ...``). Grouped by the columns the condition
    reads, not by the window function (which PostgreSQL and SQLite refuse in GROUP BY)."""

    def get_group_by_cols(self) -> list[Any]:
        return [col for when in self.cases for col in when.condition.get_group_by_cols()]


def narrowed(rows: QuerySet[Any], condition: Q, *, numbered: str = "row_number") -> QuerySet[Any]:
    """`rows` of :func:`ranked` (or any rows numbered by a window annotation `numbered`) that meet
    `condition`, keeping the numbers of the whole list: the condition is judged after the window
    functions (the database numbers every row, then the filter keeps some)."""
    name = f"_kept_{len(rows.query.annotations)}"
    kept = _AfterNumbering(
        When(condition, then=F(numbered)), default=Value(None), output_field=IntegerField()
    )
    return rows.alias(**{name: kept}).filter(**{f"{name}__isnull": False})


def rank_row(application: Application, *, method: str, cutoff: int | None) -> RankRow:
    """A row of :func:`ranked` as the pages show it: its position (equal scores share the first's),
    whether it ties, falls inside the cut-off, or sits in a tie the cut-off splits."""
    a: Any = application
    scored = (a.z_mean if method == "z" else a.raw_mean) is not None
    return RankRow(
        application=application,
        reviews=a.reviews,
        assigned=a.assigned,
        raw_mean=a.raw_mean,
        z_mean=a.z_mean,
        position=a.rank if scored else a.row_number,
        row_number=a.row_number,
        tie=scored and a.group_size > 1,
        tie_at_cutoff=cutoff is not None and scored and a.rank <= cutoff < a.rank + a.group_size - 1,
        in_shortlist=cutoff is not None and scored and a.row_number <= cutoff,
        uncorrected=bool(a.uncorrected),
    )


def ranking(*, cycle: Cycle, method: str = "z", cutoff: int | None = None) -> Ranking:
    """Every application under review in `cycle`, best first (three queries, computed in the database;
    for closing the shortlist: the pages read :func:`ranked` a page at a time)."""
    rows = [
        rank_row(a, method=method, cutoff=cutoff)
        for a in ranked(cycle=cycle, method=method).order_by("row_number")
    ]
    return Ranking(rows=rows, method=method, cutoff=cutoff, outstanding=outstanding_reviews(cycle=cycle))


def cutoff_splits_tie(rows: QuerySet[Any], *, method: str, cutoff: int | None) -> bool:
    """Whether `cutoff` falls inside a group of equal scores (one query: the row at the cut-off)."""
    if cutoff is None or cutoff < 1:
        return False
    at = rows.order_by("row_number")[cutoff - 1 : cutoff]
    return any(rank_row(a, method=method, cutoff=cutoff).tie_at_cutoff for a in at)


def outstanding_reviews(*, cycle: Cycle) -> int:
    """Reviews assigned to applications under review and not submitted yet."""
    return ReviewAssignment.objects.filter(
        application__cycle=cycle, application__status__in=RANKED_STATUSES, review__isnull=True
    ).count()


def final_numbered(rows: QuerySet[Any]) -> QuerySet[Any]:
    """Stage two's interviews (annotated with ``mean``) numbered as the final list orders them: mean
    panel score (none last), then the written task (none as 0), then the application id; ``place``."""
    return rows.annotate(
        place=Window(
            RowNumber(),
            order_by=[
                F("mean").desc(nulls_last=True),
                Coalesce("written_task_score", 0).desc(),
                F("application_id").asc(),
            ],
        )
    ).order_by("place")

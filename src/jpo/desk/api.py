"""Read API of the lists the pages show: applications, screening results, the shortlist, decisions,
posts, offers and dispatches. Each answers with the same scoping as its page (`jpo.accounts.access`)
and the same paging as every list (`jpo.core.listing`: `page`, `size` of 25, 50, 100 or 200, `sort`
by a column key, "-" for descending), as `{count, page, pages, size, sort, results}`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Avg, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _lazy
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError

from jpo.accounts import access
from jpo.accounts.models import Role
from jpo.applications.models import Application, StatusChange
from jpo.applications.schemas import ErrorOut
from jpo.applications.workflow import Status as AppStatus
from jpo.core.listing import Column, Filter, listing, paged_body
from jpo.desk import selectors
from jpo.placement import selectors as placement_selectors
from jpo.placement.models import OfferStatus
from jpo.programme.models import Cycle, PostStatus
from jpo.selection import selectors as selection_selectors
from jpo.selection.models import ScreeningOutcome, Shortlist

router = Router(tags=["lists"])

FiscalYear = Path(..., ge=1974, le=9999)
PAGING = "Paged like the pages: `page` (from 1), `size` (25, 50, 100 or 200), `sort` (a column key, '-' first for descending)."
# Results of a selection decision (stage two and the organizations' choice).
DECISION_STATUSES = (
    AppStatus.PASSED,
    AppStatus.NOT_PASSED,
    AppStatus.RECOMMENDED,
    AppStatus.SELECTED,
    AppStatus.NOT_SELECTED,
)


class PageOut(Schema):
    count: int
    page: int
    pages: int
    size: int
    sort: str


class ApplicationRowOut(Schema):
    id: int
    receipt_number: str | None
    applicant: int
    name: str = Field(description="The full name in the order its script expects: 山田 花子, Susan Banks.")
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    fiscal_year: int
    track: str
    status: str
    screening: str | None
    civil_servant: bool
    ministry: str | None
    forwarded_to: str | None
    submitted_at: dt.datetime | None


class ApplicationsOut(PageOut):
    results: list[ApplicationRowOut]


class CriterionOut(Schema):
    criterion: str
    outcome: str
    override: str
    override_reason: str
    message_en: str
    message_ja: str


class ScreeningRowOut(Schema):
    application: int
    receipt_number: str | None
    name: str = Field(description="The full name in the order its script expects: 山田 花子, Susan Banks.")
    family_name: str
    given_name: str
    status: str
    outcome: str
    engine_outcome: str
    screened_at: dt.datetime
    criteria: list[CriterionOut]


class ScreeningsOut(PageOut):
    results: list[ScreeningRowOut]


class ShortlistRowOut(Schema):
    application: int
    receipt_number: str | None
    position: int = Field(description="The rank: equal scores share the first one's.")
    raw_mean: float | None
    z_mean: float | None
    reviews: int
    tie: bool
    shortlisted: bool


class ShortlistOut(PageOut):
    fiscal_year: int
    cutoff: int
    method: str
    closed_at: dt.datetime
    results: list[ShortlistRowOut]


class DecisionRowOut(Schema):
    application: int
    receipt_number: str | None
    name: str = Field(description="The full name in the order its script expects: 山田 花子, Susan Banks.")
    family_name: str
    given_name: str
    track: str
    status: str
    decided_at: dt.datetime | None
    written_task_score: int | None
    interview_mean: float | None


class DecisionsOut(PageOut):
    results: list[DecisionRowOut]


class PostRowOut(Schema):
    id: int
    fiscal_year: int
    organization: str
    title: str
    duty_station: str
    field: str
    grade: str
    status: str


class PostsOut(PageOut):
    results: list[PostRowOut]


class OfferRowOut(Schema):
    id: int
    application: int
    receipt_number: str | None
    name: str = Field(description="The full name in the order its script expects: 山田 花子, Susan Banks.")
    family_name: str
    given_name: str
    post: int
    organization: str
    post_title: str
    status: str
    from_reserve: bool
    sent_at: dt.datetime
    responded_at: dt.datetime | None


class OffersOut(PageOut):
    results: list[OfferRowOut]


class DispatchRowOut(Schema):
    id: int
    application: int
    name: str = Field(description="The full name in the order its script expects: 山田 花子, Susan Banks.")
    family_name: str
    given_name: str
    organization: str
    post: int
    post_title: str
    duty_station: str
    start_date: dt.date
    planned_end_date: dt.date
    end_date: dt.date | None
    ministry: str | None


class DispatchesOut(PageOut):
    results: list[DispatchRowOut]


def _officer(request: HttpRequest) -> None:
    if not access.is_officer(request.user):
        raise HttpError(403, "Programme officers only.")


def _roles(request: HttpRequest, *roles: str) -> None:
    if not access.has_role(request.user, *roles):
        raise HttpError(403, "Not open to your role.")


def _cycle(fiscal_year: int) -> Cycle:
    cycle = Cycle.objects.filter(fiscal_year=fiscal_year).first()
    if cycle is None:
        raise HttpError(404, f"fiscal_year: no cycle FY{fiscal_year}")
    return cycle


def _page(
    request: HttpRequest,
    rows: QuerySet[Any],
    columns: tuple[Column, ...],
    filters: tuple[Filter, ...],
    default_sort: str,
    *,
    row: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    """The page of `rows` the query asks for, as `{count, page, pages, size, sort, results}` with `row`
    of each; a filter value, sort or size that names nothing is a 400 naming the parameter (as on the
    pages). The one paging of every list of this API (`jpo.core.listing`)."""
    try:
        selectors.check_params(request.GET, filters, columns)
    except selectors.FilterError as error:
        raise HttpError(400, f"{error.field}: {error.message}") from error
    rows_page = listing(request, rows, columns=columns, filters=filters, default_sort=default_sort)
    return paged_body(rows_page, row)


def _cycle_filter(lookup: str) -> Filter:
    """The fiscal year through `lookup` (the API declares `cycle` an integer: anything else is a 422)."""
    return Filter(
        "cycle",
        _lazy("Fiscal year"),
        apply=lambda rows, value: rows.filter(**{lookup: int(value)}) if value.isdigit() else rows.none(),
    )


# --- Applications ----------------------------------------------------------------------------------


def _application_row(a: Any) -> dict[str, Any]:
    screening_row = getattr(a, "screening", None)
    return {
        "id": a.pk,
        "receipt_number": a.receipt_number,
        "applicant": a.applicant_id,
        "name": a.applicant.full_name,
        "family_name": a.applicant.family_name,
        "given_name": a.applicant.given_name,
        "family_name_kana": a.applicant.family_name_kana,
        "given_name_kana": a.applicant.given_name_kana,
        "fiscal_year": a.cycle.fiscal_year,
        "track": a.track.kind,
        "status": a.status,
        "screening": screening_row.outcome if screening_row else None,
        "civil_servant": a.is_civil_servant,
        "ministry": a.ministry.code if a.ministry else None,
        "forwarded_to": a.forwarded_to.code if a.forwarded_to else None,
        "submitted_at": a.submitted_at,
    }


@router.get(
    "/applications",
    response={200: ApplicationsOut, 400: ErrorOut, 403: ErrorOut},
    summary="Every application (programme officers), filtered, searched, sorted and paged like the list page",
    description="Filters: `cycle` (fiscal year), `status`, `track` (mofa, organization), `organization` "
    "(code: named among the preferences or forwarded to), `screening` (eligible, not_eligible, "
    "needs_review, none), `civil_servant` (yes, no), `q` (words in the name, kana or receipt number). "
    "Sort keys: number (default: -number, newest first), receipt, name, cycle, track, status, "
    "civil_servant, submitted. " + PAGING,
)
def applications(
    request: HttpRequest,
    cycle: int | None = None,
    status: str | None = None,
    track: str | None = None,
    organization: str | None = None,
    screening: str | None = None,
    civil_servant: str | None = None,
    q: str | None = None,
    sort: str | None = None,
    page: int = 1,
    size: int = 50,
) -> Status[dict[str, Any]]:
    _officer(request)
    try:
        rows = selectors.applications_listing(request, user=request.user)  # type: ignore[arg-type]
    except selectors.FilterError as error:
        return Status(400, {"detail": error.message, "field": error.field})
    return Status(200, paged_body(rows, _application_row))


# --- Selection: screening results, shortlist, decisions ---------------------------------------------

SCREENING_COLUMNS = (
    Column("receipt", "receipt", ("application__receipt_number",)),
    Column("name", "name", ("application__applicant__family_name", "application__applicant__given_name")),
    Column("status", "status", ("application__status",)),
    Column("outcome", "outcome", ("outcome",)),
)


def _screening_row(s: Any) -> dict[str, Any]:
    return {
        "application": s.application_id,
        "receipt_number": s.application.receipt_number,
        "name": s.application.applicant.full_name,
        "family_name": s.application.applicant.family_name,
        "given_name": s.application.applicant.given_name,
        "status": s.application.status,
        "outcome": s.outcome,
        "engine_outcome": s.engine_outcome,
        "screened_at": s.screened_at,
        "criteria": [
            {
                "criterion": c.criterion,
                "outcome": c.outcome,
                "override": c.override,
                "override_reason": c.override_reason,
                "message_en": c.message_en,
                "message_ja": c.message_ja,
            }
            for c in s.criteria.all()
        ],
    }


@router.get(
    "/cycles/{fiscal_year}/screenings",
    response={200: ScreeningsOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Screening results of a cycle with each criterion's result and reasons (programme officers)",
    description="Filters: `outcome` (eligible, not_eligible, needs_review), `status`, `q` (receipt number "
    "or name). Sort keys: receipt (default), name, status, outcome. " + PAGING,
)
def screenings(
    request: HttpRequest,
    fiscal_year: int = FiscalYear,
    outcome: str | None = None,
    status: str | None = None,
    q: str | None = None,
    sort: str | None = None,
    page: int = 1,
    size: int = 50,
) -> dict[str, Any]:
    _officer(request)
    filters = (
        Filter("outcome", _lazy("Outcome"), "outcome", choices=ScreeningOutcome.choices),
        Filter("status", _lazy("Status"), "application__status", choices=AppStatus.choices),
        Filter(
            "q",
            _lazy("Receipt number or name"),
            (
                "application__receipt_number__icontains",
                "application__applicant__family_name__icontains",
                "application__applicant__given_name__icontains",
            ),
        ),
    )
    return _page(
        request,
        selection_selectors.screenings_for_cycle(cycle=_cycle(fiscal_year)),
        SCREENING_COLUMNS,
        filters,
        "receipt",
        row=_screening_row,
    )


SHORTLIST_COLUMNS = (
    Column("rank", "rank", ("place",)),
    Column("receipt", "receipt", ("receipt_number",)),
)


def _shortlist_row(e: Any) -> dict[str, Any]:
    return {
        "application": e.application_id,
        "receipt_number": e.receipt_number or None,
        "position": e.position,
        "raw_mean": e.raw_mean,
        "z_mean": e.z_mean,
        "reviews": e.reviews,
        "tie": e.tie,
        "shortlisted": e.shortlisted,
    }


@router.get(
    "/cycles/{fiscal_year}/shortlist",
    response={200: ShortlistOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="The closed shortlist of a cycle: cut-off, method and the ranking as it stood (programme officers)",
    description="404 while the first stage is not closed. Filter: `shortlisted` (true, false). Sort keys: "
    "rank (default: the order of the ranking), receipt. " + PAGING,
)
def shortlist(
    request: HttpRequest,
    fiscal_year: int = FiscalYear,
    shortlisted: str | None = None,
    sort: str | None = None,
    page: int = 1,
    size: int = 50,
) -> dict[str, Any]:
    _officer(request)
    closed = Shortlist.objects.filter(cycle=_cycle(fiscal_year)).first()
    if closed is None:
        raise HttpError(404, f"fiscal_year: the shortlist of FY{fiscal_year} is not closed")
    filters = (
        Filter(
            "shortlisted",
            _lazy("Shortlisted"),
            choices=[("true", _lazy("Yes")), ("false", _lazy("No"))],
            apply=lambda rows, value: rows.filter(shortlisted=value == "true"),
        ),
    )
    return {
        "fiscal_year": fiscal_year,
        "cutoff": closed.cutoff,
        "method": closed.method,
        "closed_at": closed.closed_at,
        **_page(request, closed.entries.all(), SHORTLIST_COLUMNS, filters, "rank", row=_shortlist_row),
    }


DECISION_COLUMNS = (
    Column("receipt", "receipt", ("receipt_number",)),
    Column("name", "name", ("applicant__family_name", "applicant__given_name")),
    Column("status", "status", ("status",)),
    Column("decided", "decided", ("decided_at",)),
)


def _decision_row(a: Any) -> dict[str, Any]:
    return {
        "application": a.pk,
        "receipt_number": a.receipt_number,
        "name": a.applicant.full_name,
        "family_name": a.applicant.family_name,
        "given_name": a.applicant.given_name,
        "track": a.track.kind,
        "status": a.status,
        "decided_at": a.decided_at,
        "written_task_score": getattr(getattr(a, "interview", None), "written_task_score", None),
        "interview_mean": float(a.interview_mean) if a.interview_mean is not None else None,
    }


@router.get(
    "/cycles/{fiscal_year}/decisions",
    response={200: DecisionsOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Decisions of a cycle: who passed, did not pass, was recommended or selected (programme officers)",
    description="Filters: `status` (passed, not_passed, recommended, selected, not_selected), `q` (receipt "
    "number or name). Sort keys: receipt (default), name, status, decided. " + PAGING,
)
def decisions(
    request: HttpRequest,
    fiscal_year: int = FiscalYear,
    status: str | None = None,
    q: str | None = None,
    sort: str | None = None,
    page: int = 1,
    size: int = 50,
) -> dict[str, Any]:
    _officer(request)
    cycle = _cycle(fiscal_year)
    latest = StatusChange.objects.filter(application=OuterRef("pk"), to_status=OuterRef("status")).order_by(
        "-at", "-id"
    )
    rows_qs = (
        Application.objects.filter(cycle=cycle, status__in=DECISION_STATUSES)
        .select_related("applicant", "track", "interview")
        .annotate(
            decided_at=Subquery(latest.values("at")[:1]), interview_mean=Avg("interview__scores__score")
        )
    )
    filters = (
        Filter("status", _lazy("Status"), "status", choices=[(s.value, s.label) for s in DECISION_STATUSES]),
        Filter(
            "q",
            _lazy("Receipt number or name"),
            (
                "receipt_number__icontains",
                "applicant__family_name__icontains",
                "applicant__given_name__icontains",
            ),
        ),
    )
    return _page(request, rows_qs, DECISION_COLUMNS, filters, "receipt", row=_decision_row)


# --- Placement: posts, offers, dispatches (each role sees what its pages show) ------------------------


def _post_row(p: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "fiscal_year": p.cycle.fiscal_year,
        "organization": p.organization.code,
        "title": p.title,
        "duty_station": p.duty_station,
        "field": p.field,
        "grade": p.grade,
        "status": p.status,
    }


@router.get(
    "/posts",
    response={200: PostsOut, 400: ErrorOut, 403: ErrorOut},
    summary="Posts: all (programme officers) or the organization's own (focal points)",
    description="Filters: `cycle` (fiscal year), `status`, `organization` (code). Sort keys: cycle "
    "(default, newest first), organization, title, status. " + PAGING,
)
def posts(
    request: HttpRequest,
    cycle: int | None = None,
    status: str | None = None,
    organization: str | None = None,
    sort: str | None = None,
    page: int = 1,
    size: int = 50,
) -> dict[str, Any]:
    _roles(request, Role.OFFICER, Role.FOCAL_POINT)
    columns = (
        Column("cycle", "cycle", ("cycle__fiscal_year",)),
        Column("organization", "organization", ("organization__code",)),
        Column("title", "title", ("title",)),
        Column("status", "status", ("status",)),
    )
    filters = (
        _cycle_filter("cycle__fiscal_year"),
        Filter("status", _lazy("Status"), "status", choices=PostStatus.choices),
        Filter("organization", _lazy("Organization"), "organization__code__iexact"),
    )
    return _page(
        request, placement_selectors.post_list(user=request.user), columns, filters, "-cycle", row=_post_row
    )


def _offer_row(o: Any) -> dict[str, Any]:
    return {
        "id": o.pk,
        "application": o.application_id,
        "receipt_number": o.application.receipt_number,
        "name": o.application.applicant.full_name,
        "family_name": o.application.applicant.family_name,
        "given_name": o.application.applicant.given_name,
        "post": o.post_id,
        "organization": o.post.organization.code,
        "post_title": o.post.title,
        "status": o.status,
        "from_reserve": o.from_reserve,
        "sent_at": o.sent_at,
        "responded_at": o.responded_at,
    }


@router.get(
    "/offers",
    response={200: OffersOut, 400: ErrorOut, 403: ErrorOut},
    summary="Offers: all (programme officers), the organization's (focal points), one's own (applicants)",
    description="Filters: `cycle` (fiscal year), `status`. Sort keys: sent (default, newest first), "
    "status, organization. " + PAGING,
)
def offers(
    request: HttpRequest,
    cycle: int | None = None,
    status: str | None = None,
    sort: str | None = None,
    page: int = 1,
    size: int = 50,
) -> dict[str, Any]:
    _roles(request, Role.OFFICER, Role.FOCAL_POINT, Role.APPLICANT)
    columns = (
        Column("sent", "sent", ("sent_at",)),
        Column("status", "status", ("status",)),
        Column("organization", "organization", ("post__organization__code",)),
    )
    filters = (
        _cycle_filter("application__cycle__fiscal_year"),
        Filter("status", _lazy("Status"), "status", choices=OfferStatus.choices),
    )
    return _page(
        request, placement_selectors.offer_list(user=request.user), columns, filters, "-sent", row=_offer_row
    )


def _dispatch_row(d: Any) -> dict[str, Any]:
    return {
        "id": d.pk,
        "application": d.application_id,
        "name": d.application.applicant.full_name,
        "family_name": d.application.applicant.family_name,
        "given_name": d.application.applicant.given_name,
        "organization": d.post.organization.code,
        "post": d.post_id,
        "post_title": d.post.title,
        "duty_station": d.duty_station or d.post.duty_station,
        "start_date": d.start_date,
        "planned_end_date": d.planned_end_date,
        "end_date": d.end_date,
        "ministry": d.secondment.ministry.code if getattr(d, "secondment", None) else None,
    }


@router.get(
    "/dispatches",
    response={200: DispatchesOut, 400: ErrorOut, 403: ErrorOut},
    summary="Dispatches: all (programme officers), the organization's (focal points), the ministry's "
    "civil servants (ministry HR), one's own (applicants)",
    description="Filters: `cycle` (fiscal year of the application). Sort keys: start (default, latest "
    "first), organization. " + PAGING,
)
def dispatches(
    request: HttpRequest,
    cycle: int | None = None,
    sort: str | None = None,
    page: int = 1,
    size: int = 50,
) -> dict[str, Any]:
    _roles(request, Role.OFFICER, Role.FOCAL_POINT, Role.MINISTRY_HR, Role.APPLICANT)
    columns = (
        Column("start", "start", ("start_date",)),
        Column("organization", "organization", ("post__organization__code",)),
    )
    return _page(
        request,
        placement_selectors.dispatch_list(user=request.user),
        columns,
        (_cycle_filter("application__cycle__fiscal_year"),),
        "-start",
        row=_dispatch_row,
    )

"""Reads of the officer's desk. Every list runs a fixed number of queries, whatever its length."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Upper
from django.http import HttpRequest
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from jpo.accounts import access
from jpo.accounts.models import User
from jpo.applications.models import (
    Applicant,
    Application,
    Document,
    DuplicateFlag,
    PersonalDataAccess,
    Preference,
    StatusChange,
)
from jpo.applications.workflow import Status
from jpo.core.errors import NotFound
from jpo.core.listing import MAX_TEXT, PAGE_SIZES, Column, Filter, Listing, listing
from jpo.placement.models import AlumniRecord, Offer
from jpo.programme.labels import fiscal_year_label
from jpo.programme.models import Cycle, Organization, TrackKind
from jpo.selection.models import (
    InterviewScore,
    Notification,
    ReviewAssignment,
    ReviewScore,
    ScreeningCriterion,
    ScreeningOutcome,
)

# "Not screened yet" beside the screening outcomes.
NOT_SCREENED = "none"
# Newest applications first, by their number: the primary key's index gives the first page without
# sorting every row (sorting 100,000 rows by submission time took 0.7 s on PostgreSQL).
DEFAULT_SORT = "-number"


class FilterError(ValueError):
    """A query parameter that names nothing: the message says which one and why (answered 400)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def application_columns() -> tuple[Column, ...]:
    """The list's columns; those with a key sort (the primary key always breaks ties)."""
    return (
        Column(pgettext_lazy("application number", "No."), "number", ("id",)),
        Column(_lazy("Receipt number"), "receipt", ("receipt_number",)),
        Column(_lazy("Name"), "name", ("applicant__family_name", "applicant__given_name")),
        Column(_lazy("Fiscal year"), "cycle", ("cycle__fiscal_year",)),
        Column(_lazy("Track"), "track", ("track__kind",)),
        Column(_lazy("Status"), "status", ("status",)),
        Column(_lazy("Screening")),
        Column(_lazy("National civil servant"), "civil_servant", ("is_civil_servant",)),
        Column(_lazy("Forwarded to")),
        # Drafts have no submission time: they sort by when they were started.
        Column(_lazy("Submitted at"), "submitted", ("submitted_or_started",)),
        Column(_lazy("Dossier")),
    )


# The four names joined by spaces, in upper case: what the search reads. On PostgreSQL a trigram index is
# built on exactly this expression (applications migration 0006): change both together. Plain SQL
# (the same on SQLite), as Django's Concat would write it differently from the index.
APPLICANT_NAMES = (
    "UPPER(family_name || ' ' || given_name || ' ' || family_name_kana || ' ' || given_name_kana)"
)


def _words(rows: QuerySet[Any], value: str) -> QuerySet[Any]:
    """Every word (at most five) found in the name (kanji or kana) or the receipt number. The names are
    matched in the applicants' table alone, as one pattern over the joined names (a word has no space,
    so it never spans two names), and the two matches are a union of ids, not an OR over every row: on
    PostgreSQL a trigram index serves each part (p95 510 ms at 100,000 applications before; see
    bench/README.md)."""
    for word in value.split()[:5]:
        people = (
            Applicant.objects.annotate(names=RawSQL(APPLICANT_NAMES, (), output_field=TextField()))  # noqa: S611 (a constant, no input)
            .filter(names__contains=Upper(Value(word)))
            .values("pk")
        )
        by_receipt = Application.objects.order_by().filter(receipt_number__icontains=word).values("pk")
        by_name = Application.objects.order_by().filter(applicant_id__in=people).values("pk")
        rows = rows.filter(pk__in=by_receipt.union(by_name))
    return rows


def _organization(rows: QuerySet[Any], value: str) -> QuerySet[Any]:
    named = Preference.objects.filter(application=OuterRef("pk"), organization__code=value)
    return rows.filter(Q(Exists(named)) | Q(forwarded_to__code=value))


def _screening(rows: QuerySet[Any], value: str) -> QuerySet[Any]:
    if value == NOT_SCREENED:
        return rows.filter(screening__isnull=True)
    return rows.filter(screening__outcome=value)


def application_filters() -> tuple[Filter, ...]:
    """The list's filters (two queries for the cycles and organizations offered)."""
    cycles = Cycle.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True)
    organizations = (
        Organization.objects.filter(partner__isnull=True)  # a statistics code linked to a partner: once
        .order_by("code")
        .values_list("code", "name_en", "name_ja")
    )
    ja = (get_language() or "ja").startswith("ja")
    return (
        Filter("q", _lazy("Name or receipt number"), apply=_words),
        Filter(
            "cycle",
            _lazy("Fiscal year"),
            "cycle__fiscal_year",
            choices=[(fy, fiscal_year_label(fy)) for fy in cycles],
        ),
        Filter("status", _lazy("Status"), "status", choices=Status.choices),
        Filter("track", _lazy("Track"), "track__kind", choices=TrackKind.choices),
        Filter(
            "organization",
            _lazy("Organization (named or forwarded to)"),
            choices=[
                (code, f"{code} — {name_ja if ja else name_en}") for code, name_en, name_ja in organizations
            ],
            apply=_organization,
        ),
        Filter(
            "screening",
            _lazy("Screening"),
            choices=[*ScreeningOutcome.choices, (NOT_SCREENED, _lazy("Not screened yet"))],
            apply=_screening,
        ),
        Filter(
            "civil_servant",
            _lazy("National civil servant"),
            choices=[("yes", _lazy("Yes")), ("no", _lazy("No"))],
            apply=lambda rows, value: rows.filter(is_civil_servant=value == "yes"),
        ),
    )


def check_params(params: Mapping[str, Any], filters: Sequence[Filter], columns: Sequence[Column]) -> None:
    """Refuse, naming it, a filter value that is not among its choices, a search too long, a sort by
    no column or a page size not offered (the list helper would silently ignore them, and the user
    would read an unfiltered list as the answer)."""
    for f in filters:
        raw = str(params.get(f.name) or "").strip()
        if not raw:
            continue
        if len(raw) > MAX_TEXT:
            raise FilterError(
                f.name, _("%(label)s: at most %(limit)s characters.") % {"label": f.label, "limit": MAX_TEXT}
            )
        if f.choices is not None and not f.clean(raw):
            raise FilterError(
                f.name,
                _("%(label)s: “%(value)s” is not one of the choices.")
                % {"label": f.label, "value": raw[:40]},
            )
    sort = str(params.get("sort") or "")
    if sort and sort.removeprefix("-") not in {c.key for c in columns if c.key}:
        raise FilterError("sort", _("Sort: “%(value)s” is not a column to sort by.") % {"value": sort[:40]})
    size = str(params.get("size") or "")
    if size and size not in {str(n) for n in PAGE_SIZES}:
        raise FilterError(
            "size",
            _("Rows per page: choose one of %(sizes)s.") % {"sizes": ", ".join(str(n) for n in PAGE_SIZES)},
        )


def applications_visible(*, user: User) -> QuerySet[Application]:
    """Every application the user may see (`access.scope_applications`), with what a row shows joined
    in: one query per page, one for the count."""
    return access.scope_applications(
        user,
        Application.objects.select_related(
            "applicant", "cycle", "track", "ministry", "forwarded_to", "screening"
        ),
    ).annotate(submitted_or_started=Coalesce("submitted_at", "created_at"))


def applications_listing(request: HttpRequest, *, user: User) -> Listing:
    """The page of the list the request asks for (filters, sort, size, page). Raises FilterError."""
    filters, columns = application_filters(), application_columns()
    check_params(request.GET, filters, columns)
    return listing(
        request,
        applications_visible(user=user),
        columns=columns,
        filters=filters,
        default_sort=DEFAULT_SORT,
    )


# --- One applicant, whole -------------------------------------------------------------------------


def applicant_get(*, user: User, pk: int) -> Applicant:
    """The applicant if the user may see at least one of their applications on this page
    (`access.scope_applicant_record`: officers anyone, focal points their forwarded candidates); 404
    otherwise."""
    applicant = Applicant.objects.select_related("user").filter(pk=pk).first()
    if applicant is None:
        raise NotFound
    if (
        not access.is_officer(user)
        and not access.scope_applicant_record(user, applicant.applications.all()).exists()
    ):
        raise NotFound
    return applicant


def applicant_whole(*, user: User, applicant: Applicant) -> dict[str, Any]:
    """Everything about one person across cycles, in a fixed number of queries: each application with
    its declarations, documents, screening (per-criterion reasons), reviews, interview, notifications,
    offers, dispatch and status history; the person's duplicates, their alumni records (the roster rows
    linked to them) and who read their data. A focal point sees none of the last three."""
    full = access.is_officer(user)
    applications = list(
        access.scope_applicant_record(user, Application.objects.filter(applicant=applicant))
        .select_related(
            "cycle",
            "cycle__rubric",
            "track",
            "ministry",
            "forwarded_to",
            "endorsement",
            "endorsement__decided_by",
            "screening",
            "interview",
            "interview__slot",
            "interview__written_task_by",
            "dispatch",
            "dispatch__post",
            "dispatch__post__organization",
            "dispatch__outcome",
            "dispatch__secondment",
        )
        .prefetch_related(
            "degrees",
            "employment",
            "language_tests",
            Prefetch("documents", queryset=Document.objects.order_by("kind")),
            Prefetch("preferences", queryset=Preference.objects.select_related("organization", "post")),
            Prefetch(
                "status_changes", queryset=StatusChange.objects.select_related("actor").order_by("at", "id")
            ),
            Prefetch(
                "screening__criteria",
                queryset=ScreeningCriterion.objects.select_related("override_by").order_by("id"),
            ),
            Prefetch(
                "review_assignments",
                queryset=ReviewAssignment.objects.select_related("reviewer", "review").order_by("id"),
            ),
            Prefetch(
                "review_assignments__review__scores",
                queryset=ReviewScore.objects.select_related("criterion").order_by("criterion__order", "id"),
            ),
            Prefetch(
                "interview__scores",
                queryset=InterviewScore.objects.select_related("interviewer").order_by("submitted_at", "id"),
            ),
            "interview__slot__panel",
            Prefetch(
                "notifications",
                queryset=Notification.objects.select_related("email").order_by("email__created_at", "id"),
            ),
            Prefetch(
                "offers",
                queryset=Offer.objects.select_related("post", "post__organization", "responded_by").order_by(
                    "sent_at", "id"
                ),
            ),
        )
        .order_by("-cycle__fiscal_year")
    )
    if not full:  # a focal point: the forwarded applications, nothing else of the person
        return {"applicant": applicant, "applications": applications, "full": False}
    duplicates = list(
        DuplicateFlag.objects.filter(Q(applicant=applicant) | Q(other=applicant))
        .select_related("applicant", "other", "resolved_by")
        .order_by("-flagged_at")
    )
    reads = list(
        PersonalDataAccess.objects.filter(applicant=applicant)
        .select_related("actor")
        .order_by("-at", "-id")[:50]
    )
    alumni = list(
        AlumniRecord.objects.filter(applicant=applicant)
        .select_related("organization")
        .order_by("cohort_fiscal_year", "pk")
    )
    return {
        "applicant": applicant,
        "applications": applications,
        "duplicates": duplicates,
        "reads": reads,
        "alumni": alumni,
        "full": True,
    }


# --- The dossier ----------------------------------------------------------------------------------


def dossier_application(*, user: User, pk: int) -> Application:
    """The application with what its dossier prints, if the user may have it
    (`access.scope_dossiers`); NotFound (404) otherwise."""
    application = (
        access.scope_dossiers(user, Application.objects.all())
        .select_related(
            "applicant",
            "cycle",
            "cycle__rubric",
            "track",
            "ministry",
            "forwarded_to",
            "screening",
            "interview",
            "interview__slot",
        )
        .prefetch_related(
            "degrees",
            "employment",
            "language_tests",
            Prefetch("documents", queryset=Document.objects.order_by("kind")),
            Prefetch("preferences", queryset=Preference.objects.select_related("organization", "post")),
            Prefetch("screening__criteria", queryset=ScreeningCriterion.objects.order_by("id")),
            Prefetch(
                "review_assignments",
                queryset=ReviewAssignment.objects.select_related("reviewer", "review").order_by("id"),
            ),
            Prefetch(
                "review_assignments__review__scores",
                queryset=ReviewScore.objects.select_related("criterion").order_by("criterion__order", "id"),
            ),
            Prefetch("interview__scores", queryset=InterviewScore.objects.order_by("submitted_at", "id")),
        )
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise NotFound
    return application

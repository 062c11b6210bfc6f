"""Reads of the results release: candidates for a decision (filtered, never loaded whole), what is prepared,
the releases of a cycle and the record of one release. Constant query count whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, OuterRef, Q, QuerySet, Subquery

from jpo.applications.models import Application
from jpo.programme.models import Cycle, TrackKind
from jpo.selection.models import PreparedDecision, PreparedState, Release
from jpo.selection.services.releases import RELEASE_SOURCES


@dataclass(frozen=True)
class CandidateFilter:
    """The filter of the preparation page (also what "all matching this filter" applies to)."""

    status: str = ""  # one of RELEASE_SOURCES, or all of them
    scored: str = ""  # "yes": with at least one interview score; "no": without
    prepared: str = ""  # "yes": with a prepared decision; "no": without
    q: str = ""  # receipt number or name

    @classmethod
    def from_query(cls, data: object) -> CandidateFilter:
        get = getattr(data, "get", None)
        if get is None:
            return cls()
        status = str(get("status", "") or "")
        scored = str(get("scored", "") or "")
        prepared = str(get("prepared", "") or "")
        return cls(
            status=status if status in RELEASE_SOURCES else "",
            scored=scored if scored in ("yes", "no") else "",
            prepared=prepared if prepared in ("yes", "no") else "",
            q=str(get("q", "") or "").strip()[:100],
        )

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}


def release_candidates(*, cycle: Cycle, filters: CandidateFilter) -> QuerySet[Application]:
    """MOFA-track applications a final decision can be prepared for, matching the filter (unevaluated)."""
    rows = Application.objects.filter(
        cycle=cycle,
        track__kind=TrackKind.MOFA,
        status__in=[filters.status] if filters.status else RELEASE_SOURCES,
    )
    if filters.q:
        rows = rows.filter(
            Q(receipt_number__icontains=filters.q)
            | Q(applicant__family_name__icontains=filters.q)
            | Q(applicant__given_name__icontains=filters.q)
        )
    prepared = PreparedDecision.objects.filter(application=OuterRef("pk"), state=PreparedState.PREPARED)
    rows = rows.annotate(
        prepared_decision=Subquery(prepared.values("decision")[:1]),
        prepared_release=Subquery(prepared.values("release_id")[:1]),
        n_scores=Count("interview__scores"),
        mean=Avg("interview__scores__score"),
    )
    if filters.scored == "yes":
        rows = rows.filter(n_scores__gt=0)
    elif filters.scored == "no":
        rows = rows.filter(n_scores=0)
    if filters.prepared == "yes":
        rows = rows.filter(prepared_decision__isnull=False)
    elif filters.prepared == "no":
        rows = rows.filter(prepared_decision__isnull=True)
    return rows.select_related("applicant").order_by("receipt_number", "pk")


def prepared_summary(*, cycle: Cycle) -> dict[str, object]:
    """Prepared decisions not yet in a release, counted by decision."""
    counts = dict(
        PreparedDecision.objects.filter(
            application__cycle=cycle, state=PreparedState.PREPARED, release__isnull=True
        )
        .values_list("decision")
        .annotate(n=Count("pk"))
        .values_list("decision", "n")
    )
    return {"by_decision": counts, "total": sum(counts.values())}


def releases_for_cycle(*, cycle: Cycle) -> QuerySet[Release]:
    return (
        Release.objects.filter(cycle=cycle)
        .select_related("created_by", "cancelled_by")
        .order_by("-release_at", "-id")
    )


def release_items(*, release: Release) -> QuerySet[PreparedDecision]:
    """The record of a release: every decision it carried, with the e-mail it queued."""
    return (
        PreparedDecision.objects.filter(Q(release=release))
        .select_related("application__applicant", "notification__email")
        .order_by("application__receipt_number", "pk")
    )

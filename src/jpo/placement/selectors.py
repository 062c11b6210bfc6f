"""Reads of the placement app: scoped by role, query counts independent of the number of rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from jpo.accounts import access
from jpo.accounts.models import AuditEvent
from jpo.applications.models import Application
from jpo.placement.models import (
    RETAINED_KINDS,
    AlumniRecord,
    Dispatch,
    DispatchCost,
    MatchPair,
    MatchRun,
    Milestone,
    Offer,
    OfferStatus,
    Outcome,
    OutcomeKind,
    PairKind,
    Reminder,
    Secondment,
)
from jpo.placement.services.offers import CANDIDATE_STATUSES
from jpo.placement.statistics import RetentionRow
from jpo.programme.labels import fiscal_year_label
from jpo.programme.models import Cycle, Post


def post_list(*, user: Any, cycle: Cycle | None = None) -> QuerySet[Post]:
    posts = Post.objects.select_related("organization", "cycle").order_by(
        "-cycle__fiscal_year", "organization__code", "title"
    )
    if cycle is not None:
        posts = posts.filter(cycle=cycle)
    return access.scope_posts(user, posts)


def candidate_list(*, user: Any, cycle: Cycle) -> QuerySet[Application]:
    applications = (
        Application.objects.filter(cycle=cycle, status__in=CANDIDATE_STATUSES)
        .select_related("applicant", "track", "forwarded_to")
        .prefetch_related("preferences__organization", "ratings__organization")
        .order_by("applicant__family_name", "applicant__given_name", "pk")
    )
    return access.scope_candidates(user, applications)


def match_run_detail(*, run: MatchRun) -> dict[str, Any]:
    pairs = list(
        run.pairs.select_related("application__applicant", "post__organization").order_by(
            "post__organization__code", "post__title", "reserve_rank"
        )
    )
    recommended = [p for p in pairs if p.kind == PairKind.RECOMMENDED]
    reserves: dict[int, list[MatchPair]] = defaultdict(list)
    for p in pairs:
        if p.kind == PairKind.RESERVE:
            reserves[p.post_id].append(p)
    matched_posts = {p.post_id for p in recommended}
    matched_apps = {p.application_id for p in recommended}
    posts = list(
        Post.objects.filter(cycle=run.cycle, status="approved")
        .select_related("organization", "cycle")
        .order_by("organization__code", "title")
    )
    candidates = {p.application_id: p.application for p in pairs}
    return {
        "recommended": recommended,
        "reserves": dict(reserves),
        "unmatched_posts": [p for p in posts if p.pk not in matched_posts],
        "unmatched_candidates": [a for pk, a in candidates.items() if pk not in matched_apps],
        "posts": posts,
        "total_cost": sum(p.cost_yen or 0 for p in recommended),
        "cost_unknown": any(p.cost_yen is None for p in recommended),
    }


def offer_list(*, user: Any, cycle: Cycle | None = None) -> QuerySet[Offer]:
    offers = Offer.objects.select_related(
        "application__applicant", "application__cycle", "post__organization", "post__cycle", "run"
    ).annotate(has_dispatch=Exists(Dispatch.objects.filter(offer=OuterRef("pk"))))
    if cycle is not None:
        offers = offers.filter(application__cycle=cycle)
    return access.scope_offers(user, offers)


def dispatch_list(*, user: Any, cycle: Cycle | None = None) -> QuerySet[Dispatch]:
    dispatches = Dispatch.objects.select_related(
        "application__applicant",
        "application__cycle",
        "post__organization",
        "secondment__ministry",
        "outcome",
    ).order_by("-start_date", "pk")
    if cycle is not None:
        dispatches = dispatches.filter(application__cycle=cycle)
    return access.scope_dispatches(user, dispatches)


def dispatch_detail(*, dispatch_id: int, user: Any) -> Dispatch:
    return (
        dispatch_list(user=user)
        .prefetch_related("milestones", "extensions__decided_by", "costs", "follow_ups__organization")
        .select_related("outcome__organization")
        .get(pk=dispatch_id)
    )


def secondment_list(*, user: Any) -> QuerySet[Secondment]:
    secondments = Secondment.objects.select_related(
        "ministry", "dispatch__application__applicant", "dispatch__post__organization", "dispatch__outcome"
    ).order_by("planned_return_date", "pk")
    return access.scope_secondments(user, secondments)


def reminder_list(*, user: Any) -> QuerySet[Reminder]:
    reminders = Reminder.objects.select_related(
        "milestone__dispatch__application__applicant", "milestone__dispatch__post__organization"
    )
    return access.scope_reminders(user, reminders)


def overdue_outcomes(*, user: Any, today: dt.date) -> QuerySet[Dispatch]:
    """Dispatches past their end (actual or planned) with no outcome recorded."""
    return (
        dispatch_list(user=user)
        .filter(outcome__isnull=True)
        .filter(Q(end_date__lt=today) | Q(end_date__isnull=True, planned_end_date__lt=today))
    )


def open_milestones(*, user: Any, today: dt.date, horizon_days: int = 60) -> QuerySet[Milestone]:
    dispatches = dispatch_list(user=user)
    return (
        Milestone.objects.filter(
            dispatch__in=dispatches.values("pk"),
            done_on__isnull=True,
            due_on__lte=today + dt.timedelta(days=horizon_days),
        )
        .select_related("dispatch__application__applicant", "dispatch__post__organization")
        .order_by("due_on", "pk")
    )


def budget_execution() -> dict[str, Any]:
    """Estimated cost by cycle (rows) and fiscal year charged (columns), with the cycles' budgets."""
    cells = (
        DispatchCost.objects.values("dispatch__application__cycle__fiscal_year", "fiscal_year")
        .annotate(total=Sum("amount_yen"), illustrative=Count("pk", filter=Q(is_illustrative=True)))
        .order_by()
    )
    years: set[int] = set()
    table: dict[int, dict[int, int]] = defaultdict(dict)
    illustrative = False
    for cell in cells:
        cycle_year = cell["dispatch__application__cycle__fiscal_year"]
        table[cycle_year][cell["fiscal_year"]] = cell["total"]
        years.add(cell["fiscal_year"])
        illustrative = illustrative or cell["illustrative"] > 0
    columns = sorted(years)
    budgets = dict(
        Cycle.objects.filter(fiscal_year__in=table.keys()).values_list("fiscal_year", "budget_yen")
    )
    rows = [
        {
            "cycle": fiscal_year_label(fy),
            "cells": [table[fy].get(c) for c in columns],
            "total": sum(table[fy].values()),
            "budget": budgets.get(fy),
        }
        for fy in sorted(table, reverse=True)
    ]
    totals = [sum(table[fy].get(c, 0) for fy in table) for c in columns]
    return {"columns": columns, "rows": rows, "totals": totals, "illustrative": illustrative}


GROUPINGS = {
    "cohort": ("application__cycle__fiscal_year", "cohort_fiscal_year"),
    "track": ("application__track__kind", None),
    "organization": ("post__organization__code", "organization__code"),
    "civil_servant": ("application__is_civil_servant", "is_civil_servant"),
}


def _label(grouping: str, value: Any) -> str:
    from django.utils.translation import gettext as _

    from jpo.programme.models import TrackKind

    if grouping == "cohort":
        return fiscal_year_label(value)
    if grouping == "track":
        return str(TrackKind(value).label) if value in TrackKind.values else str(value)
    if grouping == "civil_servant":
        return _("National civil servants") if value else _("Others")
    return str(value)


def retention(
    *, grouping: str, include_alumni: bool = False, today: dt.date | None = None
) -> list[RetentionRow]:
    """Retention (a post at an international organization after the dispatch) by group.

    Denominator: outcomes known (unknown outcomes and dispatches without an outcome are counted apart).
    """
    dispatch_field, alumni_field = GROUPINGS[grouping]
    rows: dict[Any, RetentionRow] = {}

    def row(value: Any) -> RetentionRow:
        if value not in rows:
            rows[value] = RetentionRow(key=str(value), label=_label(grouping, value))
        return rows[value]

    counts = Dispatch.objects.values(dispatch_field, "outcome__kind").annotate(n=Count("pk")).order_by()
    for item in counts:
        r = row(item[dispatch_field])
        kind, n = item["outcome__kind"], item["n"]
        _add(r, kind, n)
    if include_alumni and alumni_field is not None:
        alumni = (
            AlumniRecord.objects.filter(dispatch__isnull=True)
            .values(alumni_field, "outcome")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for item in alumni:
            _add(row(item[alumni_field]), item["outcome"], item["n"])
    return [rows[k] for k in sorted(rows, key=lambda v: (str(type(v)), v))]


def _add(r: RetentionRow, kind: str | None, n: int) -> None:
    r.dispatches += n
    if kind is None:
        r.pending += n
    elif kind in RETAINED_KINDS:
        r.retained += n
    elif kind == OutcomeKind.UNKNOWN:
        r.unknown += n
    else:
        r.not_retained += n


def alumni_list(*, cohort: int | None = None) -> QuerySet[AlumniRecord]:
    """The roster with each person's name where it lives: the applicant's for a linked record, the
    roster's otherwise (`name_family`, `name_given` to sort by)."""
    records = (
        AlumniRecord.objects.select_related("organization", "applicant")
        .annotate(
            name_family=Coalesce("applicant__family_name", "family_name"),
            name_given=Coalesce("applicant__given_name", "given_name"),
        )
        .order_by("-cohort_fiscal_year", "name_family", "name_given")
    )
    if cohort is not None:
        records = records.filter(cohort_fiscal_year=cohort)
    return records


def match_runs(*, cycle: Cycle) -> QuerySet[MatchRun]:
    return cycle.match_runs.select_related("created_by").annotate(
        recommended=Count("pairs", filter=Q(pairs__kind=PairKind.RECOMMENDED))
    )


# -- the history of a record (what was recorded and every correction, with its reason) ------------------

HISTORY_ACTIONS = {
    "placement.dispatch_create": gettext_lazy("Dispatch recorded"),
    "placement.dispatch_extend": gettext_lazy("Dispatch extended"),
    "placement.dispatch_end": gettext_lazy("Actual end recorded"),
    "placement.dates_amended": gettext_lazy("Dates amended"),
    "placement.outcome": gettext_lazy("Outcome recorded"),
    "placement.outcome_amended": gettext_lazy("Outcome amended"),
    "placement.outcome_withdrawn": gettext_lazy("Outcome withdrawn"),
    "placement.secondment_plan": gettext_lazy("Return planned"),
    "placement.secondment_return": gettext_lazy("Return to the ministry recorded"),
    "placement.return_amended": gettext_lazy("Return to the ministry amended"),
    "placement.return_withdrawn": gettext_lazy("Return to the ministry withdrawn"),
}
STATUS_LABEL = gettext_lazy("Status")
HISTORY_FIELDS = {
    "start_date": gettext_lazy("Start"),
    "planned_end_date": gettext_lazy("Planned end"),
    "end_date": gettext_lazy("Actual end"),
    "kind": gettext_lazy("Outcome"),
    "organization": gettext_lazy("Organization"),
    "grade": gettext_lazy("Grade"),
    "contract_type": gettext_lazy("Contract type"),
    "recorded_on": gettext_lazy("Recorded on"),
    "returned_on": gettext_lazy("Returned on"),
    "assignment_after_return": gettext_lazy("Assignment after return"),
}


def _history_value(field: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if field == "kind" and value in OutcomeKind.values:
        return str(OutcomeKind(value).label)
    return str(value)


def record_history(*, dispatch: Dispatch) -> list[dict[str, Any]]:
    """The audit trail of a dispatch, its outcome(s) and its secondment, newest first: what was recorded,
    amended or withdrawn, by whom, when, why, and each value before and after. Three queries."""
    outcome_ids = {
        str(pk) for pk in Outcome.history.filter(dispatch_id=dispatch.pk).values_list("id", flat=True)
    }
    where = Q(target_type=Dispatch._meta.label_lower, target_id=str(dispatch.pk)) | Q(
        target_type=Outcome._meta.label_lower, target_id__in=outcome_ids
    )
    secondment_id = Secondment.objects.filter(dispatch_id=dispatch.pk).values_list("pk", flat=True).first()
    if secondment_id is not None:
        where |= Q(target_type=Secondment._meta.label_lower, target_id=str(secondment_id))
    rows = []
    for event in AuditEvent.objects.filter(where, action__in=HISTORY_ACTIONS).select_related("actor"):
        before, after = event.data.get("before") or {}, event.data.get("after") or {}
        changes = [
            (HISTORY_FIELDS[f], _history_value(f, before.get(f)), _history_value(f, after.get(f)))
            for f in HISTORY_FIELDS
            if (f in before or f in after) and before.get(f) != after.get(f)
        ]
        rows.append(
            {
                "at": event.at,
                "actor": event.actor,
                "what": HISTORY_ACTIONS[event.action],
                "reason": event.data.get("reason", ""),
                "changes": changes,
            }
        )
    return rows


OFFER_ACTIONS = {
    "placement.offer_transition": gettext_lazy("Status changed"),
    "placement.offer_reserve": gettext_lazy("Offered from the reserve list"),
}


def _offer_status(value: Any) -> str:
    return str(OfferStatus(value).label) if value in OfferStatus.values else "—"


def offer_history(*, offer: Offer) -> list[dict[str, Any]]:
    """The audit trail of one offer, newest first: each answer, confirmation, lapse or withdrawal, by
    whom, when and why, in the rows of `_history.html`. One query."""
    rows = []
    events = AuditEvent.objects.filter(
        target_type=Offer._meta.label_lower, target_id=str(offer.pk), action__in=OFFER_ACTIONS
    ).select_related("actor")
    for event in events.order_by("-at", "-pk"):
        data = event.data or {}
        changes = []
        if "to" in data:
            changes.append((STATUS_LABEL, _offer_status(data.get("from")), _offer_status(data.get("to"))))
        rows.append(
            {
                "at": event.at,
                "actor": event.actor,
                "what": OFFER_ACTIONS[event.action],
                "reason": data.get("reason", ""),
                "changes": changes,
            }
        )
    return rows

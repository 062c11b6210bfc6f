"""Pages: the status of every Member State, its exports, and the what-if form. Officers and analysts only;
aggregates only (numbers of staff per State, never a person)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from jpo.accounts.access import role_required
from jpo.accounts.models import Role
from jpo.programme.labels import get_language_short
from jpo.representation.calculator import Position, ResolvedParameters, StateRange, Status, UnknownParameter
from jpo.representation.charts import range_chart
from jpo.representation.exports import ranges_csv_response, ranges_xlsx_response
from jpo.representation.forms import (
    STATUS_LABELS,
    PeriodForm,
    TableForm,
    WhatIfForm,
    bind_with_defaults,
    default_choices,
)
from jpo.representation.selectors import (
    JAPAN,
    Override,
    Snapshot,
    SnapshotUnavailable,
    largest_contributors,
    ranges_filter_sort,
    representation_options,
    representation_snapshot,
)

ROLES = (Role.OFFICER, Role.ANALYST)

PARAMETER_LABELS = {
    "base_figure": gettext_lazy("base figure"),
    "member_states": gettext_lazy("number of Member States"),
    "membership_weight": gettext_lazy("membership weight"),
    "population_weight": gettext_lazy("population weight"),
    "contribution_weight": gettext_lazy("contribution weight"),
    "band": gettext_lazy("15 per cent band"),
    "minimum_band": gettext_lazy("minimum band"),
    "minimum_upper_limit": gettext_lazy("minimum upper limit"),
}
POSITION_LABELS = {
    Position.BELOW: gettext_lazy("below the midpoint"),
    Position.ABOVE: gettext_lazy("at or above the midpoint"),
}


def _notices(resolved: ResolvedParameters | None, *, base_overridden: bool) -> list[str]:
    messages: list[str] = []
    if resolved is None:
        return messages
    for notice in resolved.notices:
        name = notice.data.get("name", "")
        if notice.code == "unknown":
            if name == "base_figure" and base_overridden:
                continue
            messages.append(
                _("The %(parameter)s in force on %(date)s is not known: enter it in the form.")
                % {"parameter": PARAMETER_LABELS.get(name, name), "date": resolved.date.isoformat()}
            )
        elif notice.code == "uncertain":
            if name == "base_figure" and base_overridden:
                continue
            messages.append(
                _(
                    "The %(parameter)s is confirmed only until %(until)s; the last known value is used "
                    "(UNCERTAIN). You can enter another value."
                )
                % {"parameter": PARAMETER_LABELS.get(name, name), "until": notice.data["confirmed_until"]}
            )
        elif notice.code == "pending":
            # Our summary of the change in the reader's language (English where no Japanese one is given,
            # then marked as English so it is not taken for a translation).
            reference_ja = notice.data.get("reference_ja", "") if get_language_short() == "ja" else ""
            text = escape(
                _(
                    "%(name)s changed the system from %(date)s; its parameters are not known, so the earlier "
                    "parameters are used. %(reference)s"
                )
            )
            messages.append(
                mark_safe(  # noqa: S308 - the message and every value are escaped
                    text
                    % {
                        "name": escape(name),
                        "date": escape(notice.data["applies_from"]),
                        "reference": escape(reference_ja)
                        if reference_ja
                        else format_html('<span lang="en">{}</span>', notice.data["reference"]),
                    }
                )
            )
    return messages


def _unavailable_message(exc: SnapshotUnavailable) -> str:
    cause = exc.__cause__
    if isinstance(cause, UnknownParameter):
        return _(
            "Cannot compute the ranges: the %(parameters)s in force on %(date)s is not known. Enter it in the form."
        ) % {
            "parameters": ", ".join(str(PARAMETER_LABELS.get(n, n)) for n in cause.names),
            "date": cause.date.isoformat(),
        }
    return _("Cannot compute the ranges: %(reason)s") % {"reason": exc}


def _row(item: StateRange, snapshot: Snapshot) -> dict[str, Any]:
    staff_row = snapshot.staff_rows.get(item.iso3)
    return {
        "r": item,
        "status_label": STATUS_LABELS[item.status],
        "position_label": POSITION_LABELS[item.position] if item.position else "",
        "staff_row": staff_row,
        "highlight": item.iso3 == JAPAN,
    }


def _counts(snapshot: Snapshot) -> list[dict[str, Any]]:
    return [{"status": s.value, "label": STATUS_LABELS[s], "count": snapshot.counts[s]} for s in Status]


def _period_form(request: HttpRequest) -> tuple[PeriodForm, bool]:
    options = representation_options()
    defaults = default_choices(options, request.GET.get("period"))
    return bind_with_defaults(PeriodForm, request.GET, defaults, options=options), bool(options.periods)


def _snapshot(form: PeriodForm, **kwargs: Any) -> Snapshot:
    data = form.cleaned_data
    return representation_snapshot(
        period=data["period"],
        population_year=data["population_year"],
        as_of=data["as_of"],
        base_figure=kwargs.get("base_figure", data["base_figure"]),
        member_states=data["members"],
        overrides=kwargs.get("overrides"),
    )


def _sort_links(query: QueryDict, current: str, descending: bool) -> dict[str, str]:
    links = {}
    for key in (
        "name",
        "iso3",
        "rate",
        "population",
        "midpoint",
        "lower",
        "upper",
        "staff",
        "status",
        "to_lower",
    ):
        params = query.copy()
        params["sort"] = key
        params["dir"] = "asc" if key == current and descending else ("desc" if key == current else "asc")
        links[key] = "?" + params.urlencode()
    return links


def _status_context(request: HttpRequest) -> tuple[dict[str, Any], int, Snapshot | None, list[StateRange]]:
    form, has_data = _period_form(request)
    table_form = TableForm(request.GET)
    context: dict[str, Any] = {"form": form, "table_form": table_form, "has_data": has_data}
    if not has_data:
        return context, 200, None, []
    if not (form.is_valid() and table_form.is_valid()):
        return context, 400, None, []
    try:
        snapshot = _snapshot(form)
    except SnapshotUnavailable as exc:
        context["unavailable"] = _unavailable_message(exc)
        context["notices"] = _notices(
            exc.resolved, base_overridden=form.cleaned_data["base_figure"] is not None
        )
        return context, 200, None, []
    table = table_form.cleaned_data
    sort = table["sort"] or "name"
    descending = table["dir"] == "desc"
    rows = ranges_filter_sort(
        snapshot.ranges, status=table["status"], query=table["q"], sort=sort, descending=descending
    )
    return context, 200, snapshot, rows


@role_required(*ROLES)
@require_GET
def status_page(request: HttpRequest) -> HttpResponse:
    context, http_status, snapshot, rows = _status_context(request)
    if snapshot is not None:
        japan = snapshot.japan
        query = request.GET.copy()
        context.update(
            {
                "snapshot": snapshot,
                "rows": [_row(item, snapshot) for item in rows],
                "counts": _counts(snapshot),
                "japan": _row(japan, snapshot) if japan else None,
                "chart": range_chart(largest_contributors(snapshot.ranges)),
                "notices": _notices(snapshot.resolved, base_overridden=snapshot.base_figure_overridden),
                "base_figure": snapshot.resolved.values["base_figure"],
                "sort_links": _sort_links(
                    query,
                    context["table_form"].cleaned_data["sort"] or "name",
                    context["table_form"].cleaned_data["dir"] == "desc",
                ),
                "query": query.urlencode(),
                "status_labels": STATUS_LABELS,
            }
        )
    return render(request, "representation/status.html", context, status=http_status)


@role_required(*ROLES)
@require_GET
def export(request: HttpRequest, file_format: str) -> HttpResponse:
    context, http_status, snapshot, rows = _status_context(request)
    if snapshot is None:
        return render(
            request, "representation/status.html", context, status=400 if http_status == 200 else http_status
        )
    if file_format == "xlsx":
        return ranges_xlsx_response(snapshot, rows)
    return ranges_csv_response(snapshot, rows)


@role_required(*ROLES)
@require_GET
def whatif_page(request: HttpRequest) -> HttpResponse:
    form, has_data = _period_form(request)
    whatif = bind_with_defaults(WhatIfForm, request.GET, {"state": JAPAN})
    context: dict[str, Any] = {"form": form, "whatif": whatif, "has_data": has_data}
    if not has_data:
        return render(request, "representation/whatif.html", context)
    if not (form.is_valid() and whatif.is_valid()):
        return render(request, "representation/whatif.html", context, status=400)
    data = whatif.cleaned_data
    override = Override(
        assessment_pct=data["assessment_pct"], population=data["population"], staff=data["staff"]
    )
    base = form.cleaned_data["base_figure"]
    try:
        try:
            before = _snapshot(form, base_figure=None)
        except SnapshotUnavailable:
            if base is None:
                raise
            before = _snapshot(form)  # no dated base figure: the entered one is the baseline too
        after = _snapshot(form, overrides={data["state"]: override})
    except SnapshotUnavailable as exc:
        context["unavailable"] = _unavailable_message(exc)
        context["notices"] = _notices(exc.resolved, base_overridden=base is not None)
        return render(request, "representation/whatif.html", context)
    old = {item.iso3: item for item in before.ranges}
    changed = []
    for item in after.ranges:
        previous = old.get(item.iso3)
        if previous is None or (previous.lower, previous.upper, previous.status) != (
            item.lower,
            item.upper,
            item.status,
        ):
            changed.append(
                {"before": _row(previous, before) if previous else None, "after": _row(item, after)}
            )
    chosen_after = next((item for item in after.ranges if item.iso3 == data["state"]), None)
    context.update(
        {
            "before": before,
            "after": after,
            "chosen_before": _row(old[data["state"]], before) if data["state"] in old else None,
            "chosen_after": _row(chosen_after, after) if chosen_after else None,
            "counts": [
                {"label": STATUS_LABELS[s], "before": before.counts[s], "after": after.counts[s]}
                for s in Status
            ],
            "changed": changed,
            "notices": _notices(after.resolved, base_overridden=after.base_figure_overridden),
        }
    )
    return render(request, "representation/whatif.html", context)

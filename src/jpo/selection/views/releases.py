"""Programme officer pages of the results release: prepare decisions in bulk, schedule a release (Japan
time), follow its progress and read its record, cancel it before its time."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jpo.accounts.access import request_user, role_required
from jpo.accounts.models import Role
from jpo.applications.models import Application
from jpo.applications.workflow import Status
from jpo.programme.models import Cycle
from jpo.safety.numbers import parse_ids
from jpo.selection import selectors
from jpo.selection.models import Release, ReleaseStatus
from jpo.selection.selectors import releases as release_selectors
from jpo.selection.selectors.releases import CandidateFilter
from jpo.selection.services import releases as release_services
from jpo.selection.services.errors import SelectionError

officer_only = role_required(Role.OFFICER)
PAGE_SIZE = 100
TOKYO = ZoneInfo("Asia/Tokyo")


def _page_context(request: HttpRequest, cycle: Cycle, filters: CandidateFilter) -> dict[str, object]:
    candidates = release_selectors.release_candidates(cycle=cycle, filters=filters)
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "cycle": cycle,
        "page": page,
        "filters": filters,
        "filter_query": urlencode(filters.as_query()),
        "statuses": [(s, Status(s).label) for s in release_services.RELEASE_SOURCES],
        "decisions": [(d, Status(d).label) for d in release_services.RELEASABLE],
        "summary": release_selectors.prepared_summary(cycle=cycle),
        "releases": release_selectors.releases_for_cycle(cycle=cycle)[:20],
        "now_jst": timezone.now().astimezone(TOKYO),
    }


@officer_only
@require_http_methods(["GET", "POST"])
def results(request: HttpRequest, fy: int) -> HttpResponse:
    """The preparation page (GET), and preparing or discarding decisions for a selection or a filter (POST)."""
    cycle = selectors.cycle_get(fy)
    release_services.releases_expire()
    if request.method == "GET":
        return render(
            request,
            "selection/results.html",
            _page_context(request, cycle, CandidateFilter.from_query(request.GET)),
        )
    filters = CandidateFilter.from_query(request.POST)
    back = reverse("selection:results", args=[fy]) + (
        f"?{urlencode(filters.as_query())}" if filters.as_query() else ""
    )
    action = request.POST.get("action", "")
    try:
        chosen = _chosen(request, cycle, filters, every=action == "prepare_all")
        if action == "discard":
            n = release_services.decisions_discard(
                cycle=cycle, actor=request_user(request), applications=chosen
            )
            messages.success(request, _("%(n)s prepared decisions withdrawn.") % {"n": n})
        elif action in ("prepare", "prepare_all"):
            n = release_services.decisions_prepare(
                cycle=cycle,
                actor=request_user(request),
                decision=request.POST.get("decision", ""),
                reason=request.POST.get("reason", ""),
                applications=chosen,
            )
            messages.success(
                request,
                _("%(n)s decisions prepared. Nothing is sent and applicants see nothing until the release.")
                % {"n": n},
            )
        else:
            raise SelectionError(_("Unknown action."))
    except SelectionError as error:
        context = _page_context(request, cycle, filters)
        context["error"] = error
        context["posted"] = request.POST
        context["posted_ids"] = set(request.POST.getlist("applications"))
        return render(request, "selection/results.html", context, status=error.status_code)
    return redirect(back)


def _chosen(
    request: HttpRequest, cycle: Cycle, filters: CandidateFilter, *, every: bool
) -> QuerySet[Application]:
    """The applications a POST is about: every row matching the filter (not loaded), or the ticked ones."""
    if every:
        return release_selectors.release_candidates(cycle=cycle, filters=filters)
    ids = parse_ids(request.POST.getlist("applications"))
    if ids is None:
        raise SelectionError(_("Applications: choose from the list."), field="applications")
    if not ids:
        raise SelectionError(
            _("Tick at least one application, or choose all that match the filter."), field="applications"
        )
    return Application.objects.filter(pk__in=ids)


def release_time_from(raw: str) -> dt.datetime:
    """A date and time typed in the form (datetime-local), read as Japan time unless it names a zone."""
    try:
        value = parse_datetime(raw.strip()) if raw else None
    except ValueError:  # well formed but impossible, e.g. 30 February
        value = None
    if value is None:
        raise SelectionError(
            _("Release time: give a date and time (YYYY-MM-DD HH:MM, Japan time)."), field="release_at"
        )
    if timezone.is_naive(value):
        value = value.replace(tzinfo=TOKYO)
    return value


@officer_only
@require_POST
def release_schedule(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    try:
        release = release_services.release_schedule(
            cycle=cycle,
            actor=request_user(request),
            release_at=release_time_from(request.POST.get("release_at", "")),
        )
    except SelectionError as error:
        context = _page_context(request, cycle, CandidateFilter())
        context["error"] = error
        context["posted"] = request.POST
        return render(request, "selection/results.html", context, status=error.status_code)
    messages.success(
        request,
        _("%(n)s decisions will be released at %(time)s (Japan time).")
        % {"n": release.total, "time": release.release_at.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M")},
    )
    return redirect("selection:release_detail", pk=release.pk)


def _release(pk: int) -> Release:
    return get_object_or_404(Release.objects.select_related("cycle", "created_by", "cancelled_by"), pk=pk)


@officer_only
@require_GET
def release_detail(request: HttpRequest, pk: int) -> HttpResponse:
    release_services.releases_expire()
    release = _release(pk)
    page = Paginator(release_selectors.release_items(release=release), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "selection/release_detail.html",
        {"cycle": release.cycle, "release": release, "page": page, "S": ReleaseStatus},
    )


@officer_only
@require_GET
def release_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "selection/_release_progress.html", {"release": _release(pk)})


@officer_only
@require_POST
def release_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    release = _release(pk)
    try:
        release_services.release_cancel(
            release=release, actor=request_user(request), reason=request.POST.get("reason", "")
        )
    except SelectionError as error:
        page = Paginator(release_selectors.release_items(release=release), PAGE_SIZE).get_page(1)
        return render(
            request,
            "selection/release_detail.html",
            {"cycle": release.cycle, "release": release, "page": page, "error": error, "S": ReleaseStatus},
            status=error.status_code,
        )
    messages.success(request, _("Release cancelled: its decisions are back among the prepared ones."))
    return redirect("selection:release_detail", pk=pk)

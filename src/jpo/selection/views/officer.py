"""Programme officer (MOFA) pages: run a cycle's selection from screening to the final list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jpo.accounts.access import request_user, role_required
from jpo.accounts.models import Role, User
from jpo.applications.services import personal_data_read
from jpo.applications.workflow import Status
from jpo.core.listing import Column, Filter, chosen, listing
from jpo.outbox.models import EmailState
from jpo.programme.models import Cycle, Organization, TrackKind
from jpo.safety.downloads import bytes_download
from jpo.safety.numbers import parse_id, parse_ids
from jpo.selection import selectors
from jpo.selection.forms import RubricForm
from jpo.selection.models import (
    CriterionOutcome,
    Interview,
    InterviewSlot,
    Notification,
    NotificationTemplate,
    ScreeningCriterion,
    ScreeningOutcome,
    ScreeningRun,
)
from jpo.selection.selectors import funnel as funnel_selectors
from jpo.selection.selectors import people as people_selectors
from jpo.selection.services import corrections as correction_services
from jpo.selection.services import notifications as notification_services
from jpo.selection.services import order
from jpo.selection.services import reviews as review_services
from jpo.selection.services import screening as screening_services
from jpo.selection.services import stage_two as stage_two_services
from jpo.selection.services.decisions import version_from
from jpo.selection.services.errors import SelectionError
from jpo.selection.views.common import refused

officer_only = role_required(Role.OFFICER)


@officer_only
@require_GET
def officer_home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "selection/officer_home.html", {"rows": selectors.cycles_summary(now=timezone.now())}
    )


@officer_only
@require_GET
def cycle_dashboard(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    return render(request, "selection/cycle.html", selectors.cycle_overview(cycle=cycle))


# --- Screening -------------------------------------------------------------------------------------


def _receipt_and_name(via: str = "application__") -> tuple[Column, Column]:
    """The columns of an application's receipt number and its applicant's name (`via`: the path from
    the listed rows to the application)."""
    return (
        Column(_lazy("Receipt number"), "receipt", (f"{via}receipt_number",)),
        Column(_lazy("Applicant"), "name", (f"{via}applicant__family_name", f"{via}applicant__given_name")),
    )


def _search(label: Any, *, via: str = "application__", more: tuple[str, ...] = ()) -> Filter:
    """The free-text filter `q` of a list of applications: the receipt number or the applicant's name
    contains it (and the `more` lookups)."""
    names = (f"{via}receipt_number", f"{via}applicant__family_name", f"{via}applicant__given_name")
    return Filter("q", label, (*(f"{name}__icontains" for name in names), *more))


SCREENING_COLUMNS = (
    *_receipt_and_name(),
    Column(_lazy("Track"), "track", ("application__track__kind",)),
    Column(_lazy("Status"), "status", ("application__status",)),
    Column(_lazy("Outcome"), "outcome", ("outcome",)),
    Column(_lazy("Criteria")),
)


def _screening_filters() -> tuple[Filter, ...]:
    return (
        Filter("outcome", _lazy("Outcome"), "outcome", choices=ScreeningOutcome.choices),
        Filter("status", _lazy("Status"), "application__status", choices=Status.choices),
        _search(_lazy("Receipt number or name")),
    )


@officer_only
@require_GET
def screening_list(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    rows = listing(
        request,
        selectors.screenings_for_cycle(cycle=cycle),
        columns=SCREENING_COLUMNS,
        filters=_screening_filters(),
        default_sort="receipt",
    )
    return render(
        request,
        "selection/screening_list.html",
        {
            "cycle": cycle,
            "listing": rows,
            "run": ScreeningRun.objects.filter(cycle=cycle).first(),
            "lang": _lang(request),
            "window_open": order.window_open(cycle),
        },
    )


def _force_reason(request: HttpRequest) -> str:
    """Why the officer runs a step before the application window closes (see `services.order`)."""
    return request.POST.get(order.FORCE_FIELD, "")[:2000]


def _lang(request: HttpRequest) -> str:
    return "ja" if (getattr(request, "LANGUAGE_CODE", "ja") or "ja").startswith("ja") else "en"


@officer_only
@require_POST
def screening_run(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    kind = request.POST.get("kind", ScreeningRun.Kind.SCREEN)
    if kind not in ScreeningRun.Kind.values:
        return refused(
            request, SelectionError(_("Unknown kind of run.")), back=reverse("selection:screening", args=[fy])
        )
    try:
        screening_services.screening_run_start(
            cycle=cycle, actor=request_user(request), kind=kind, force_reason=_force_reason(request)
        )
    except SelectionError as error:
        return refused(request, error, back=reverse("selection:screening", args=[fy]))
    messages.success(request, _("Queued: the progress bar follows the background worker."))
    return redirect("selection:screening", fy=fy)


@officer_only
@require_GET
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ScreeningRun, pk=pk)
    return render(request, "selection/_run_progress.html", {"run": run})


@officer_only
@require_GET
def screening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for_officer(pk=pk)
    personal_data_read(
        actor=request_user(request),
        applicant_id=application.applicant_id,
        what="screening",
        target=application,
        path=request.path,
    )
    screening = getattr(application, "screening", None)
    return render(
        request,
        "selection/screening_detail.html",
        {
            "application": application,
            "screening": screening,
            "criteria": screening.criteria.order_by("id") if screening else [],
            "outcomes": CriterionOutcome.choices,
            "lang": _lang(request),
        },
    )


@officer_only
@require_POST
def criterion_override(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = get_object_or_404(ScreeningCriterion.objects.select_related("screening"), pk=pk)
    back = reverse("selection:screening_detail", args=[criterion.screening.application_id])
    try:
        screening_services.screening_criterion_override(
            criterion=criterion,
            outcome=request.POST.get("outcome", ""),
            reason=request.POST.get("reason", "")[:2000],
            actor=request_user(request),
            expected_version=version_from(request.POST.get("version")),
        )
    except SelectionError as error:
        return refused(request, error, back=back)
    messages.success(request, _("Override recorded."))
    return redirect(back)


@officer_only
@require_POST
def screening_apply_one(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for_officer(pk=pk)
    back = reverse("selection:screening_detail", args=[pk])
    try:
        moved = screening_services.screening_apply_one(
            application=application,
            actor=request_user(request),
            expected_version=version_from(request.POST.get("version")),
        )
    except SelectionError as error:
        return refused(request, error, back=back)
    messages.success(
        request, _("Status updated.") if moved else _("The status already matches the screening.")
    )
    return redirect(back)


# --- Document review -------------------------------------------------------------------------------


@officer_only
@require_http_methods(["GET", "POST"])
def rubric_edit(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    rubric = cycle.rubric if hasattr(cycle, "rubric") else None
    error: SelectionError | None = None
    status = 200
    if request.method == "POST":
        form = RubricForm(request.POST, rubric=rubric)
        status = 400
        if form.is_valid():
            try:
                review_services.rubric_save(
                    cycle=cycle, actor=request_user(request), **form.rubric_arguments()
                )
            except SelectionError as exc:  # a rule of the service (scales in order, reviews submitted, ...)
                error, status = exc, exc.status_code
            else:
                messages.success(request, _("Rubric saved."))
                return redirect("selection:cycle", fy=fy)
    else:
        form = RubricForm(rubric=rubric)
    return render(
        request,
        "selection/rubric.html",
        {"cycle": cycle, "rubric": rubric, "form": form, "rows": form.rows(), "error": error},
        status=status,
    )


@officer_only
@require_http_methods(["GET", "POST"])
def conflicts(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    back = reverse("selection:conflicts", args=[fy])
    if request.method == "POST":
        reviewer = User.objects.filter(
            pk=parse_id(request.POST.get("reviewer")) or 0, role=Role.REVIEWER
        ).first()
        application = cycle.applications.filter(
            receipt_number=request.POST.get("receipt_number", "").strip()
        ).first()
        try:
            if reviewer is None:
                raise SelectionError(_("Reviewer: choose a reviewer."), field="reviewer")
            if application is None:
                raise SelectionError(
                    _("Receipt number: no application of this cycle has it."), field="receipt_number"
                )
            review_services.conflict_declare(
                reviewer=reviewer,
                application=application,
                reason=request.POST.get("reason", "")[:2000],
                recorded_by=request_user(request),
            )
        except SelectionError as error:
            return refused(request, error, back=back)
        messages.success(request, _("Conflict of interest recorded."))
        return redirect(back)
    return render(
        request,
        "selection/conflicts.html",
        {
            "cycle": cycle,
            "conflicts": selectors.conflicts_for_cycle(cycle=cycle),
            "reviewers": selectors.reviewers_for_select(),
        },
    )


@officer_only
@require_GET
def reviews_overview(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    page = listing(
        request,
        selectors.reviewer_loads(cycle=cycle),
        columns=REVIEWER_COLUMNS,
        filters=REVIEWER_FILTERS,
        default_sort="name",
    )
    return render(request, "selection/reviews.html", {"cycle": cycle, "listing": page})


REVIEWER_COLUMNS = (
    Column(_lazy("Reviewer"), "name", ("last_name", "first_name", "username")),
    Column(_lazy("Assigned"), "assigned", ("assigned",)),
    Column(_lazy("Submitted"), "done", ("done",)),
)
REVIEWER_FILTERS = (
    Filter(
        "q",
        _lazy("Name"),
        ("username__icontains", "first_name__icontains", "last_name__icontains"),
    ),
)


@officer_only
@require_POST
def reviews_assign(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    back = reverse("selection:reviews", args=[fy])
    ids = parse_ids(request.POST.getlist("reviewers") or request.POST.getlist("ids"))
    if ids is None:
        return refused(
            request, SelectionError(_("Reviewers: choose from the list."), field="reviewers"), back=back
        )
    pool = list(User.objects.filter(pk__in=ids, role=Role.REVIEWER)) if ids else None
    try:
        result = review_services.reviews_assign(cycle=cycle, actor=request_user(request), reviewers=pool)
    except SelectionError as error:
        return refused(request, error, back=back)
    messages.success(
        request,
        _("%(created)s assignments created for %(apps)s applications.")
        % {"created": result.created, "apps": result.applications},
    )
    for application, missing in result.short:
        messages.warning(
            request,
            _("%(receipt)s lacks %(n)s reviewer(s): every other reviewer is assigned or declared a conflict.")
            % {"receipt": application.receipt_number or application.pk, "n": missing},
        )
    return redirect(back)


RANKING_COLUMNS = (
    Column(_lazy("Rank"), "rank", ("row_number",)),
    Column(_lazy("Receipt number"), "receipt", ("receipt_number",)),
    Column(_lazy("Applicant"), "name", ("applicant__family_name", "applicant__given_name")),
    Column(_lazy("Track"), "track", ("track__kind",)),
    Column(_lazy("Reviews"), "reviews", ("reviews",)),
    Column(_lazy("Raw mean")),
    Column(_lazy("Corrected (z)")),
    Column(_lazy("Notes")),
)


def _ranking_filters() -> tuple[Filter, ...]:
    """Filters judged after the ranks are numbered: a filtered row keeps its rank in the whole cycle."""
    return (
        Filter(
            "track",
            _lazy("Track"),
            choices=TrackKind.choices,
            apply=lambda rows, value: selectors.ranking_narrowed(rows, Q(track__kind=value)),
        ),
        Filter(
            "q",
            _lazy("Receipt number or name"),
            apply=lambda rows, value: selectors.ranking_narrowed(
                rows,
                Q(receipt_number__icontains=value)
                | Q(applicant__family_name__icontains=value)
                | Q(applicant__given_name__icontains=value),
            ),
        ),
    )


@officer_only
@require_http_methods(["GET", "POST"])
def ranking(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    source = request.POST if request.method == "POST" else request.GET
    method = source.get("method", "z")
    if method not in ("z", "raw"):
        method = "z"
    cutoff: int | None
    try:
        cutoff = int(source.get("cutoff", "")) if source.get("cutoff") else None
    except ValueError:
        cutoff = None
    if cutoff is not None and cutoff < 1:
        cutoff = None
    error: SelectionError | None = None
    if request.method == "POST":
        try:
            if cutoff is None:
                raise SelectionError(_("Places on the shortlist: give a whole number."), field="cutoff")
            review_services.shortlist_close(
                cycle=cycle,
                actor=request_user(request),
                cutoff=cutoff,
                method=method,
                force_reason=_force_reason(request),
            )
        except SelectionError as exc:
            error = exc
        else:
            messages.success(request, _("The shortlist is closed; every applicant is being told by e-mail."))
            return redirect("selection:ranking", fy=fy)
    rows = selectors.ranked(cycle=cycle, method=method)
    table = listing(request, rows, columns=RANKING_COLUMNS, filters=_ranking_filters(), default_sort="rank")
    rubric = cycle.rubric if hasattr(cycle, "rubric") else None
    shortlist = getattr(cycle, "shortlist", None) if hasattr(cycle, "shortlist") else None
    return render(
        request,
        "selection/ranking.html",
        {
            "cycle": cycle,
            "listing": table,
            "rows": [selectors.rank_row(a, method=method, cutoff=cutoff) for a in table.rows],
            "ranked_total": table.unfiltered_total,
            "keep_for_preview": table.keep("page", "method", "cutoff"),
            "outstanding": selectors.outstanding_reviews(cycle=cycle),
            "tie_at_cutoff": selectors.cutoff_splits_tie(rows, method=method, cutoff=cutoff),
            "method": method,
            "cutoff": cutoff,
            "error": error,
            "rubric": rubric,
            "shortlist": shortlist,
            "window_open": order.window_open(cycle),
        },
        status=error.status_code if error else 200,
    )


# --- Stage two -------------------------------------------------------------------------------------


INTERVIEW_COLUMNS = (
    *_receipt_and_name(),
    Column(_lazy("Status"), "status", ("application__status",)),
    Column(_lazy("Slot"), "slot", ("slot__starts_at",)),
    Column(_lazy("Panel scores"), "mean", ("mean",)),
    Column(_lazy("Written task"), "task", ("written_task_score",)),
)
SLOT_COLUMNS = (
    Column(_lazy("Time (Tokyo)"), "time", ("starts_at",)),
    Column(_lazy("Meeting link")),
    Column(_lazy("Panel")),
    Column(
        _lazy("Candidate"),
        "candidate",
        ("interview__application__applicant__family_name", "interview__application__applicant__given_name"),
    ),
)
FORWARD_COLUMNS = (
    *_receipt_and_name(via=""),
    Column(_lazy("Status"), "status", ("status",)),
    Column(_lazy("Organization"), "org", ("forwarded_to__code",)),
)
YES, NO = "yes", "no"


def _yes_no(label: Any, lookup: str) -> Filter:
    """A filter "yes/no" on whether `lookup` (a relation) is set."""
    return Filter(
        lookup.split("__")[0],
        label,
        choices=[(YES, _lazy("Yes")), (NO, _lazy("No"))],
        apply=lambda rows, value: rows.filter(**{f"{lookup}__isnull": value == NO}),
    )


def _interview_filters() -> tuple[Filter, ...]:
    return (
        Filter(
            "status",
            _lazy("Status"),
            "application__status",
            choices=[(s.value, s.label) for s in selectors.FINAL_STATUSES],
        ),
        _yes_no(_lazy("Slot chosen"), "slot"),
        _search(_lazy("Receipt number or name")),
    )


SLOT_FILTERS = (_yes_no(_lazy("Slot taken"), "interview"),)


def _forward_filters(organizations: list[Organization]) -> tuple[Filter, ...]:
    return (
        Filter(
            "status",
            _lazy("Status"),
            "status",
            choices=[(s.value, s.label) for s in selectors.FORWARD_STATUSES],
        ),
        Filter(
            "org",
            _lazy("Organization"),
            "forwarded_to_id",
            choices=[(o.pk, o.code) for o in organizations],
        ),
        _search(_lazy("Receipt number or name"), via=""),
    )


FORWARD_PREFIX = "f-"


@officer_only
@require_GET
def stage_two(request: HttpRequest, fy: int) -> HttpResponse:
    """Stage two, three lists each paged, sorted and filtered in the database: the MOFA track's
    interviews, the interview slots, and the organization track's candidates (forwarded in bulk)."""
    cycle = selectors.cycle_get(fy)
    overview = selectors.stage_two_overview(cycle=cycle)
    organizations = selectors.organization_track_organizations(cycle=cycle)
    return render(
        request,
        "selection/stage_two.html",
        {
            "cycle": cycle,
            "reviewers": overview["reviewers"],
            "organizations": organizations,
            "interviews": listing(
                request,
                overview["interviews"],
                columns=INTERVIEW_COLUMNS,
                filters=_interview_filters(),
                default_sort="receipt",
                prefix="i-",
            ),
            "slots": listing(
                request,
                overview["slots"],
                columns=SLOT_COLUMNS,
                filters=SLOT_FILTERS,
                default_sort="time",
                prefix="s-",
            ),
            "forwarded": listing(
                request,
                overview["forwarded"],
                columns=FORWARD_COLUMNS,
                filters=_forward_filters(organizations),
                default_sort="receipt",
                prefix=FORWARD_PREFIX,
            ),
        },
    )


@officer_only
@require_POST
def stage_two_invite(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    back = reverse("selection:stage_two", args=[fy])
    try:
        n = stage_two_services.stage_two_invite(cycle=cycle, actor=request_user(request))
    except SelectionError as error:
        return refused(request, error, back=back)
    messages.success(request, _("%(n)s applicants invited to stage two.") % {"n": n})
    return redirect(back)


@officer_only
@require_POST
def forward_all(request: HttpRequest, fy: int) -> HttpResponse:
    """Forward every shortlisted candidate to their preferred organization; or, when an organization is
    posted, the ticked candidates (or every one matching the filter) to that organization."""
    cycle = selectors.cycle_get(fy)
    back = reverse("selection:stage_two", args=[fy])
    if "organization" in request.POST:
        return _forward_chosen(request, cycle, back)
    try:
        n, left = stage_two_services.cycle_forward_shortlisted(cycle=cycle, actor=request_user(request))
    except SelectionError as error:
        return refused(request, error, back=back)
    messages.success(request, _("%(n)s candidates forwarded to their organization.") % {"n": n})
    for application in left:
        messages.warning(
            request,
            _("%(receipt)s names no organization of the organization track: forward it by hand.")
            % {"receipt": application.receipt_number},
        )
    return redirect(back)


def _forward_chosen(request: HttpRequest, cycle: Cycle, back: str) -> HttpResponse:
    organizations = selectors.organization_track_organizations(cycle=cycle)
    organization = next(
        (o for o in organizations if o.pk == parse_id(request.POST.get("organization"))), None
    )
    candidates = selectors.stage_two_overview(cycle=cycle)["forwarded"]
    picked = chosen(request.POST, candidates, _forward_filters(organizations), prefix=FORWARD_PREFIX)
    try:
        if organization is None:
            raise SelectionError(_("Organization: choose one."), field="organization")
        if picked is None:
            raise SelectionError(
                _("Tick at least one row, or choose every row matching the filter."), field="ids"
            )
        n = stage_two_services.applications_forward(
            applications=picked, organization=organization, actor=request_user(request)
        )
    except SelectionError as error:
        return refused(request, error, back=back)
    messages.success(request, _("%(n)s candidates forwarded to their organization.") % {"n": n})
    return redirect(back)


@officer_only
@require_POST
def forward_one(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for_officer(pk=pk)
    back = reverse("selection:stage_two", args=[application.cycle.fiscal_year])
    organization = Organization.objects.filter(pk=parse_id(request.POST.get("organization")) or 0).first()
    try:
        if organization is None:
            raise SelectionError(_("Organization: choose one."), field="organization")
        stage_two_services.application_forward(
            application=application,
            organization=organization,
            actor=request_user(request),
            expected_version=version_from(request.POST.get("version")),
        )
    except SelectionError as error:
        return refused(request, error, back=back)
    messages.success(request, _("Forwarded to %(org)s.") % {"org": organization})
    return redirect(back)


@officer_only
@require_POST
def slot_create(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    back = reverse("selection:stage_two", args=[fy])
    try:
        starts = _aware(request.POST.get("starts_at", ""), "starts_at")
        ends = _aware(request.POST.get("ends_at", ""), "ends_at")
        panel_ids = parse_ids(request.POST.getlist("panel"))
        if panel_ids is None:
            raise SelectionError(_("Panel: choose from the list."), field="panel")
        panel = list(User.objects.filter(pk__in=panel_ids))
        stage_two_services.slot_create(
            cycle=cycle,
            actor=request_user(request),
            starts_at=starts,
            ends_at=ends,
            meeting_url=request.POST.get("meeting_url", ""),
            panel=panel,
        )
    except SelectionError as error:
        return refused(request, error, back=back)
    messages.success(request, _("Slot added."))
    return redirect(back)


@officer_only
@require_http_methods(["GET", "POST"])
def slot_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """Who sits on one slot's panel, with each reviewer's load to choose by."""
    slot = get_object_or_404(InterviewSlot.objects.select_related("cycle"), pk=pk)
    error: SelectionError | None = None
    if request.method == "POST":
        try:
            panel_ids = parse_ids(request.POST.getlist("panel"))
            if panel_ids is None:
                raise SelectionError(_("Panel: choose from the list."), field="panel")
            stage_two_services.slot_panel_set(
                slot=slot, actor=request_user(request), panel=list(User.objects.filter(pk__in=panel_ids))
            )
        except SelectionError as exc:
            error = exc
        else:
            messages.success(request, _("Panel saved."))
            return redirect("selection:stage_two", fy=slot.cycle.fiscal_year)
    return render(
        request,
        "selection/slot_panel.html",
        {
            "cycle": slot.cycle,
            "slot": slot,
            "members": set(slot.panel.values_list("pk", flat=True)),
            "people": people_selectors.reviewer_people(),
            "error": error,
        },
        status=error.status_code if error else 200,
    )


@officer_only
@require_POST
def slot_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a slot; a candidate who confirmed it and its panel get the updated calendar invitation."""
    slot = get_object_or_404(InterviewSlot.objects.select_related("cycle"), pk=pk)
    back = reverse("selection:slot_panel", args=[slot.pk])
    try:
        stage_two_services.slot_move(
            slot=slot,
            actor=request_user(request),
            starts_at=_aware(request.POST.get("starts_at", ""), "starts_at"),
            ends_at=_aware(request.POST.get("ends_at", ""), "ends_at"),
        )
    except SelectionError as error:
        return refused(request, error, back=back)
    messages.success(request, _("Slot moved. Those concerned received the updated calendar invitation."))
    return redirect(back)


@officer_only
@require_POST
def slot_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a slot; a candidate who confirmed it and its panel get the calendar cancellation."""
    slot = get_object_or_404(InterviewSlot.objects.select_related("cycle"), pk=pk)
    fy = slot.cycle.fiscal_year
    try:
        stage_two_services.slot_cancel(
            slot=slot, actor=request_user(request), reason=request.POST.get("reason", "")
        )
    except SelectionError as error:
        return refused(request, error, back=reverse("selection:slot_panel", args=[slot.pk]))
    messages.success(request, _("Slot cancelled. Those concerned received the calendar cancellation."))
    return redirect("selection:stage_two", fy=fy)


def _aware(raw: str, field: str) -> dt.datetime:
    """A date-time typed in a form (datetime-local): Tokyo time unless it says otherwise."""
    try:
        value = parse_datetime(raw.strip()) if raw else None
    except ValueError:  # well formed but impossible, e.g. 30 February
        value = None
    if value is None:
        # The field as the form labels it (the error said "starts_at: ..." on Japanese pages too).
        label = {"starts_at": _("Starts (Tokyo time)"), "ends_at": _("Ends (Tokyo time)")}.get(field, field)
        raise SelectionError(
            _("%(field)s: give a date and time (YYYY-MM-DD HH:MM).") % {"field": label}, field=field
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


@officer_only
@require_POST
def written_task(request: HttpRequest, pk: int) -> HttpResponse:
    interview = get_object_or_404(Interview.objects.select_related("application__cycle"), pk=pk)
    back = reverse("selection:stage_two", args=[interview.application.cycle.fiscal_year])
    try:
        stage_two_services.written_task_record(
            interview=interview,
            actor=request_user(request),
            score=request.POST.get("score", ""),
            reason=request.POST.get("reason", "")[:2000],
        )
    except SelectionError as error:
        return refused(request, error, back=back)
    messages.success(request, _("Written-task score recorded."))
    return redirect(back)


FINAL_COLUMNS = (
    Column("#", "place", ("place",)),
    Column(_lazy("Receipt number"), "receipt", ("application__receipt_number",)),
    Column(
        _lazy("Applicant"),
        "name",
        ("application__applicant__family_name", "application__applicant__given_name"),
    ),
    Column(_lazy("Interview (mean)")),
    Column(_lazy("Panel scores"), "scores", ("n_scores",)),
    Column(_lazy("Written task"), "written", ("written_task_score",)),
    Column(_lazy("Status"), "status", ("application__status",)),
    Column(_lazy("Decision")),
)


def _final_filters() -> tuple[Filter, ...]:
    """Filters judged after the list is numbered: a row keeps its place in the whole list."""
    return (
        Filter(
            "status",
            _lazy("Status"),
            choices=[(s.value, s.label) for s in selectors.FINAL_STATUSES],
            apply=lambda rows, value: selectors.ranking_narrowed(
                rows, Q(application__status=value), numbered="place"
            ),
        ),
        Filter(
            "q",
            _lazy("Receipt number or name"),
            apply=lambda rows, value: selectors.ranking_narrowed(
                rows,
                Q(application__receipt_number__icontains=value)
                | Q(application__applicant__family_name__icontains=value)
                | Q(application__applicant__given_name__icontains=value),
                numbered="place",
            ),
        ),
    )


@officer_only
@require_GET
def final(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    return render(
        request,
        "selection/final.html",
        {
            "cycle": cycle,
            "listing": listing(
                request,
                selectors.final_list(cycle=cycle),
                columns=FINAL_COLUMNS,
                filters=_final_filters(),
                default_sort="place",
            ),
            "S": Status,
            "window_open": order.window_open(cycle),
        },
    )


@officer_only
@require_POST
def final_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for_officer(pk=pk)
    back = reverse("selection:final", args=[application.cycle.fiscal_year])
    try:
        stage_two_services.final_decide(
            application=application,
            actor=request_user(request),
            to=request.POST.get("decision", ""),
            reason=request.POST.get("reason", "")[:2000],
            expected_version=version_from(request.POST.get("version")),
            force_reason=_force_reason(request),
        )
    except SelectionError as error:
        return refused(request, error, back=back)
    messages.success(request, _("Decision recorded; the applicant is being told by e-mail."))
    return redirect(back)


# --- Notifications ---------------------------------------------------------------------------------


@officer_only
@require_GET
def templates(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    custom = {(t.status, t.language): t for t in NotificationTemplate.objects.filter(cycle=cycle)}
    rows = [
        {
            "status": status,
            "label": Status(status).label,
            "languages": [(code, name, custom.get((status, code))) for code, name in settings.LANGUAGES],
        }
        for status in notification_services.NOTIFY_STATUSES
    ]
    return render(request, "selection/templates.html", {"cycle": cycle, "rows": rows})


@officer_only
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, fy: int, status: str, language: str) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    if status not in notification_services.NOTIFY_STATUSES or language not in dict(settings.LANGUAGES):
        raise Http404
    error: SelectionError | None = None
    if request.method == "POST":
        subject = request.POST.get("subject", "")
        body = request.POST.get("body", "")
        version = request.POST.get("version", "")
        try:
            if not version.isdigit() or len(version) > 9:
                raise SelectionError(_("This form is out of date: reload the page."), field="version")
            notification_services.notification_template_save(
                cycle=cycle,
                status=status,
                language=language,
                subject=subject,
                body=body,
                actor=request_user(request),
                expected_version=int(version),
            )
        except SelectionError as exc:
            error = exc
        else:
            messages.success(request, _("Template saved."))
            return redirect("selection:templates", fy=fy)
    else:
        subject, body = notification_services.notification_template_get(
            cycle=cycle, status=status, language=language
        )
        version = str(
            notification_services.notification_template_version(cycle=cycle, status=status, language=language)
        )
    return render(
        request,
        "selection/template_edit.html",
        {
            "cycle": cycle,
            "status": status,
            "status_label": Status(status).label,
            "language": language,
            "subject": subject,
            "body": body,
            "version": version,
            "error": error,
            "variables": notification_services.VARIABLES.items(),
        },
        status=error.status_code if error else 200,
    )


NOTIFICATION_COLUMNS = (
    Column(_lazy("Queued"), "queued", ("email__created_at",)),
    Column(
        _lazy("Applicant"),
        "receipt",
        ("application__receipt_number",),
    ),
    Column(_lazy("Recipient"), "recipient", ("email__recipient",)),
    Column(_lazy("Language"), "language", ("language",)),
    Column(_lazy("Subject"), "subject", ("email__subject",)),
    Column(_lazy("State"), "state", ("email__state", "email__sent_at")),
)


def _notification_filters() -> tuple[Filter, ...]:
    return (
        Filter("state", _lazy("State"), "email__state", choices=EmailState.choices),
        Filter("language", _lazy("Language"), "language", choices=settings.LANGUAGES),
        _search(
            _lazy("Receipt number, name, address or subject"),
            more=("email__recipient__icontains", "email__subject__icontains"),
        ),
    )


@officer_only
@require_GET
def notifications(request: HttpRequest, fy: int) -> HttpResponse:
    """The result e-mails of a cycle a page at a time, newest first, sorted and filtered in the database."""
    cycle = selectors.cycle_get(fy)
    page = listing(
        request,
        selectors.notifications_for_cycle(cycle=cycle),
        columns=NOTIFICATION_COLUMNS,
        filters=_notification_filters(),
        default_sort="-queued",
    )
    return render(request, "selection/notifications.html", {"cycle": cycle, "listing": page})


@officer_only
@require_POST
def notification_resend(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification.objects.select_related("application__cycle"), pk=pk)
    back = reverse("selection:notifications", args=[notification.application.cycle.fiscal_year])
    try:
        notification_services.notification_resend(notification=notification, actor=request_user(request))
    except SelectionError as error:
        return refused(request, error, back=back)
    messages.success(request, _("Queued again."))
    return redirect(back)


# --- Funnel ----------------------------------------------------------------------------------------


@officer_only
@require_GET
def funnel(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    data = funnel_selectors.funnel(cycle=cycle)
    return render(
        request,
        "selection/funnel.html",
        {"cycle": cycle, "funnel": data, "chart": funnel_selectors.funnel_chart(data)},
    )


@officer_only
@require_GET
def funnel_export(request: HttpRequest, fy: int, fmt: str) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    data = funnel_selectors.funnel(cycle=cycle)
    if fmt == "csv":
        return bytes_download(funnel_selectors.funnel_csv(data), "funnel", cycle.code, extension="csv")
    if fmt == "xlsx":
        return bytes_download(funnel_selectors.funnel_xlsx(data), "funnel", cycle.code, extension="xlsx")
    raise Http404


# --- One application's scores and decisions: corrections ------------------------------------------


@officer_only
@require_http_methods(["GET", "POST"])
def application_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Reviews, interview scores and decisions of one application, each amended or withdrawn with a reason."""
    application = selectors.application_for_officer(pk=pk)
    error: SelectionError | None = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        reason = request.POST.get("reason", "")[:2000]
        actor = request_user(request)
        target = parse_id(request.POST.get("target")) or 0
        try:
            if action == "correct_decision":
                correction_services.decision_correct(
                    application=application,
                    actor=actor,
                    to=request.POST.get("decision", ""),
                    reason=reason,
                    expected_version=version_from(request.POST.get("version")),
                )
            elif action == "amend_review":
                scores = {
                    key.removeprefix("score-"): value
                    for key, value in request.POST.items()
                    if key.startswith("score-")
                }
                correction_services.review_amend(review_id=target, actor=actor, scores=scores, reason=reason)
            elif action == "withdraw_review":
                correction_services.review_withdraw(review_id=target, actor=actor, reason=reason)
            elif action == "amend_interview":
                correction_services.interview_score_amend(
                    score_id=target, actor=actor, score=request.POST.get("score", ""), reason=reason
                )
            elif action == "withdraw_interview":
                correction_services.interview_score_withdraw(score_id=target, actor=actor, reason=reason)
            elif action == "assign_reviewer":
                reviewer = User.objects.filter(pk=parse_id(request.POST.get("reviewer")) or 0).first()
                if reviewer is None:
                    raise SelectionError(
                        _("Reviewer: choose an active reviewer from the list."), field="reviewer"
                    )
                review_services.review_assign_one(application=application, reviewer=reviewer, actor=actor)
            elif action == "unassign_reviewer":
                review_services.review_unassign(assignment_id=target, actor=actor, reason=reason)
            else:
                raise SelectionError(_("Unknown action."))
        except SelectionError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("Reviewers updated.")
                if action in {"assign_reviewer", "unassign_reviewer"}
                else _("Correction recorded."),
            )
            return redirect("selection:application_record", pk=pk)
        application = selectors.application_for_officer(pk=pk)
    return render(
        request,
        "selection/application_record.html",
        {"application": application, "error": error, **selectors.application_record(application=application)},
        status=error.status_code if error else 200,
    )

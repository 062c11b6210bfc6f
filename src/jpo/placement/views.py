"""Placement pages: thin views (parse input, check permission, call a service or selector, render)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jpo.accounts import access
from jpo.accounts.access import has_role, request_user, role_required
from jpo.accounts.links import absolute_url
from jpo.accounts.models import Role, User
from jpo.applications.models import Application
from jpo.applications.services import personal_data_read, personal_data_read_many
from jpo.core.listing import Column, Filter, listing
from jpo.placement import forms, selectors, workflow
from jpo.placement.models import (
    AlumniImport,
    AlumniRecord,
    CostTable,
    MatchRun,
    MatchRunStatus,
    Milestone,
    Offer,
    OfferStatus,
    OutcomeKind,
)
from jpo.placement.services import alumni as alumni_services
from jpo.placement.services import corrections as correction_services
from jpo.placement.services import dispatches as dispatch_services
from jpo.placement.services import matching as matching_services
from jpo.placement.services import offers as offer_services
from jpo.placement.services import outcomes as outcome_services
from jpo.placement.services import posts as post_services
from jpo.placement.services import secondments as secondment_services
from jpo.placement.services.costs import rates
from jpo.placement.services.letter import offer_letter_pdf, offer_reference
from jpo.placement.services.offers import OfferTerms
from jpo.placement.services.secondments import needs_npa_consultation
from jpo.placement.statistics import SMALL_GROUP_MINIMUM, chart_bars, pool_small_groups
from jpo.placement.tasks import today_in_tokyo
from jpo.placement.terms import NPA_SOURCE, danger_rule, dispatch_terms, planning_start
from jpo.programme.labels import fiscal_year_label
from jpo.programme.models import Agreement, Cycle, Ministry, Organization, Post, PostStatus, TrackKind
from jpo.programme.rules.selectors import effective_rules
from jpo.programme.selectors import partner_organizations
from jpo.safety.downloads import bytes_download
from jpo.safety.numbers import parse_id, parse_ids
from jpo.safety.versions import version_posted

OFFICER = Role.OFFICER
FOCAL = Role.FOCAL_POINT
MINISTRY = Role.MINISTRY_HR
APPLICANT = Role.APPLICANT
ANALYST = Role.ANALYST


def _cycle(request: HttpRequest) -> Cycle | None:
    raw = request.GET.get("cycle") or request.POST.get("cycle")
    cycles = Cycle.objects.order_by("-fiscal_year")
    fiscal_year = parse_id(raw.removeprefix("FY")) if raw else None
    if fiscal_year is not None:
        return cycles.filter(fiscal_year=fiscal_year).first()
    return cycles.first()


def _fail(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# -- home ------------------------------------------------------------------------------------------


@role_required(OFFICER, FOCAL, MINISTRY)
def index(request: HttpRequest) -> HttpResponse:
    today = today_in_tokyo()
    context: dict[str, Any] = {"today": today}
    if access.is_officer(request.user):
        context["cycles"] = Cycle.objects.annotate(post_count=Count("posts", distinct=True)).order_by(
            "-fiscal_year"
        )[:10]
        context["overdue"] = selectors.overdue_outcomes(user=request.user, today=today)[:50]
    return render(request, "placement/index.html", context)


# -- posts ------------------------------------------------------------------------------------------


POST_COLUMNS = (
    Column(gettext_lazy("Organization"), "org", ("organization__code",)),
    Column(gettext_lazy("Title"), "title", ("title",)),
    Column(gettext_lazy("Duty station"), "station", ("duty_station",)),
    Column(gettext_lazy("Grade"), "grade", ("grade",)),
    Column(gettext_lazy("Danger level"), "danger", ("danger_level",)),
    Column(gettext_lazy("Estimated cost (yen)")),
    Column(gettext_lazy("Status"), "status", ("status",)),
)


def _post_filters(user: Any) -> tuple[Filter, ...]:
    by_organization: tuple[Filter, ...] = ()
    if access.is_officer(user):  # a focal point sees their own organization's posts only
        organizations = Organization.objects.order_by("code").values_list("pk", "code")
        by_organization = (
            Filter("org", gettext_lazy("Organization"), "organization_id", choices=list(organizations)),
        )
    return (
        *by_organization,
        Filter("status", gettext_lazy("Status"), "status", choices=PostStatus.choices),
        Filter(
            "q",
            gettext_lazy("Title or duty station"),
            ("title__icontains", "duty_station__icontains"),
        ),
    )


@role_required(OFFICER, FOCAL)
def post_list(request: HttpRequest) -> HttpResponse:
    """A cycle's posts a page at a time, each with its estimated cost (computed for the page only)."""
    cycle = _cycle(request)
    page = listing(
        request,
        selectors.post_list(user=request.user, cycle=cycle),
        columns=POST_COLUMNS,
        filters=_post_filters(request.user),
        default_sort="org",
    )
    posts = page.rows
    loaded = rates()
    # The rules of each cycle shown, read once per cycle (not per post).
    rules = {c.pk: effective_rules(c) for c in {p.cycle for p in posts} | ({cycle} if cycle else set())}
    rows = [
        (p, post_services.post_cost_estimate(post=p, loaded=loaded, rules=rules[p.cycle_id])) for p in posts
    ]
    danger = danger_rule(cycle.fiscal_year, rules[cycle.pk]) if cycle else None
    return render(
        request,
        "placement/post_list.html",
        {
            "cycle": cycle,
            "cycles": Cycle.objects.order_by("-fiscal_year"),
            "rows": rows,
            "listing": page,
            "danger": danger,
            "danger_levels": ", ".join(str(level) for level in sorted(danger.value or ())) if danger else "",
        },
    )


@role_required(OFFICER, FOCAL)
def post_new(request: HttpRequest) -> HttpResponse:
    cycle = _cycle(request)
    if cycle is None:
        raise PermissionDenied
    form = forms.PostForm(request.POST or None)
    field = cast(Any, form.fields["organization"])
    field.queryset = partner_organizations(fiscal_year=cycle.fiscal_year)
    if access.is_focal_point(request.user):
        field.queryset = field.queryset.filter(focal_points=request_user(request))
        field.initial = request_user(request).organization_id
    if request.method == "POST" and form.is_valid():
        try:
            post = post_services.post_propose(actor=request_user(request), cycle=cycle, **form.cleaned_data)
        except ValidationError as error:
            forms.apply_errors(form, error)
        else:
            messages.success(request, _("Post proposed."))
            return redirect("placement:post_detail", post.pk)
    return render(
        request,
        "placement/form.html",
        {
            "form": form,
            "title": _("Propose a post for %(cycle)s") % {"cycle": cycle},
            "status": 400 if form.errors else 200,
            "cycle": cycle,
        },
        status=400 if form.errors else 200,
    )


@role_required(OFFICER, FOCAL)
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(selectors.post_list(user=request.user), pk=pk)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        reason = request.POST.get("reason", "")
        try:
            if action == "approve":
                post_services.post_approve(actor=request_user(request), post=post)
            elif action == "refuse":
                post_services.post_refuse(actor=request_user(request), post=post, reason=reason)
            elif action == "withdraw":
                post_services.post_withdraw(actor=request_user(request), post=post, reason=reason)
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as error:
            _fail(request, error)
            status = 400
        else:
            messages.success(request, _("Post updated."))
            return redirect("placement:post_detail", post.pk)
    post.refresh_from_db()
    rules = effective_rules(post.cycle)
    return render(
        request,
        "placement/post_detail.html",
        {
            "post": post,
            "estimate": post_services.post_cost_estimate(post=post, rules=rules),
            "terms": dispatch_terms(post.cycle.fiscal_year, rules),
            "planning_start": planning_start(post.cycle.fiscal_year, rules),
        },
        status=status,
    )


# -- candidates and ratings ---------------------------------------------------------------------------


CANDIDATE_COLUMNS = (
    Column(gettext_lazy("Candidate"), "name", ("applicant__family_name", "applicant__given_name")),
    Column(gettext_lazy("Receipt number"), "receipt", ("receipt_number",)),
    Column(gettext_lazy("Track"), "track", ("track__kind",)),
    Column(gettext_lazy("Preferences")),
    Column(gettext_lazy("Ratings")),
)


def _candidate_filters(organizations: Any) -> tuple[Filter, ...]:
    return (
        Filter("track", gettext_lazy("Track"), "track__kind", choices=TrackKind.choices),
        Filter(
            "org",
            gettext_lazy("Organization"),
            choices=[(o.pk, o.code) for o in organizations],
            apply=lambda rows, value: rows.filter(
                Q(preferences__organization_id=value) | Q(forwarded_to_id=value)
            ).distinct(),
        ),
        Filter(
            "q",
            gettext_lazy("Receipt number or name"),
            (
                "receipt_number__icontains",
                "applicant__family_name__icontains",
                "applicant__given_name__icontains",
            ),
        ),
    )


@role_required(OFFICER, FOCAL)
def candidate_list(request: HttpRequest) -> HttpResponse:
    """Candidates of a cycle, a page at a time; ratings given in bulk: tick rows, choose the
    organization and the rating once (one form per page, not one per row)."""
    cycle = _cycle(request)
    status = 200
    partners = partner_organizations(fiscal_year=cycle.fiscal_year if cycle else None)
    if access.is_focal_point(request.user):
        partners = partners.filter(focal_points=request_user(request))
    organizations = list(partners.order_by("code"))
    rows = selectors.candidate_list(user=request.user, cycle=cycle) if cycle else Application.objects.none()
    if request.method == "POST":
        form = forms.RatingForm(request.POST)
        ids = parse_ids(request.POST.getlist("ids"))
        if not form.is_valid() or not ids:
            messages.error(
                request, _("Tick the candidates, then choose an organization and a rating from 1 to 5.")
            )
            status = 400
        else:
            chosen = list(rows.filter(pk__in=ids).order_by())
            try:
                if len(chosen) != len(set(ids)):
                    raise ValidationError(
                        _("Some of the ticked candidates are not on this list: reload the page.")
                    )
                matching_services.ratings_record(
                    actor=request_user(request),
                    organization=form.cleaned_data["organization"],
                    applications=chosen,
                    score=form.cleaned_data["score"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                _fail(request, error)
                status = 400
            else:
                messages.success(request, _("Rating recorded for %(n)s candidates.") % {"n": len(chosen)})
                return redirect(request.get_full_path())
    page = listing(
        request,
        rows,
        columns=CANDIDATE_COLUMNS,
        filters=_candidate_filters(organizations),
        default_sort="name",
    )
    personal_data_read_many(
        actor=request_user(request),
        reads=[(a.applicant_id, a) for a in page.rows],
        what="placement:candidates",
        path=request.get_full_path(),
    )
    return render(
        request,
        "placement/candidate_list.html",
        {
            "cycle": cycle,
            "cycles": Cycle.objects.order_by("-fiscal_year"),
            "listing": page,
            "organizations": organizations,
            "scores": range(1, 6),
        },
        status=status,
    )


# -- matching ----------------------------------------------------------------------------------------


@role_required(OFFICER)
def matching(request: HttpRequest) -> HttpResponse:
    cycle = _cycle(request)
    if cycle is None:
        raise PermissionDenied
    form = forms.MatchRunForm(request.POST or None, initial={"budget_yen": cycle.budget_yen})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                run = matching_services.match_run_create(
                    actor=request_user(request), cycle=cycle, **form.cleaned_data
                )
            except ValidationError as error:
                forms.apply_errors(form, error)
            else:
                messages.success(request, _("Recommendation computed."))
                return redirect("placement:match_run", run.pk)
        status = 400
    return render(
        request,
        "placement/matching.html",
        {
            "cycle": cycle,
            "cycles": Cycle.objects.order_by("-fiscal_year"),
            "form": form,
            "runs": selectors.match_runs(cycle=cycle),
            "candidates": matching_services.open_candidates(cycle).count(),
            "posts": matching_services.open_posts(cycle).count(),
        },
        status=status,
    )


@role_required(OFFICER)
def match_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(MatchRun.objects.select_related("cycle"), pk=pk)
    status = 200
    defaults = offer_services.offer_terms_default(cycle=run.cycle)
    terms_form = forms.OfferTermsForm(initial=asdict(defaults))
    if request.method == "POST":
        try:
            if request.POST.get("action") == "send":
                terms_form = forms.OfferTermsForm(request.POST)
                if not terms_form.is_valid():
                    raise ValidationError([m for messages_ in terms_form.errors.values() for m in messages_])
                offers = matching_services.match_run_send(
                    actor=request_user(request), run=run, terms=OfferTerms(**terms_form.cleaned_data)
                )
                messages.success(
                    request, _("%(n)s offers sent to the organizations and candidates.") % {"n": len(offers)}
                )
                return redirect("placement:offer_list")
            form = forms.AdjustForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose a candidate and a post."))
            application = get_object_or_404(Application, pk=form.cleaned_data["application"], cycle=run.cycle)
            post_id = form.cleaned_data["post"]
            post = get_object_or_404(Post, pk=post_id, cycle=run.cycle) if post_id else None
            matching_services.match_pair_set(
                actor=request_user(request), run=run, application=application, post=post
            )
            messages.success(request, _("Recommendation adjusted."))
            return redirect("placement:match_run", run.pk)
        except ValidationError as error:
            _fail(request, error)
            status = 400
        run.refresh_from_db()
    return render(
        request,
        "placement/match_run.html",
        {
            "run": run,
            **selectors.match_run_detail(run=run),
            "draft": run.status == MatchRunStatus.DRAFT,
            "terms_form": terms_form,
        },
        status=status,
    )


# -- offers and dispatch creation -------------------------------------------------------------------


OFFER_COLUMNS = (
    Column(gettext_lazy("Candidate"), "candidate", ("application__applicant__family_name",)),
    Column(gettext_lazy("Post"), "post", ("post__organization__code", "post__title")),
    Column(gettext_lazy("Expected start"), "start", ("start_date",)),
    Column(gettext_lazy("Answer by"), "deadline", ("respond_by",)),
    Column(gettext_lazy("Status"), "status", ("status",)),
    Column(gettext_lazy("Action")),
)
OFFER_FILTERS = (
    Filter("status", gettext_lazy("Status"), "status", choices=OfferStatus.choices),
    Filter(
        "q",
        gettext_lazy("Search"),
        (
            "application__applicant__family_name__icontains",
            "application__applicant__given_name__icontains",
            "post__title__icontains",
            "post__organization__code__icontains",
            "post__duty_station__icontains",
        ),
    ),
)


def _offer_list_page(request: HttpRequest, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "placement/offer_list.html",
        {
            "listing": listing(
                request,
                selectors.offer_list(user=request.user),
                columns=OFFER_COLUMNS,
                filters=OFFER_FILTERS,
                default_sort="-deadline",
            ),
            "candidate_side": access.is_officer(request.user) or access.is_applicant(request.user),
            "organization_side": access.is_officer(request.user) or access.is_focal_point(request.user),
            "reofferable": sorted(workflow.REOFFERABLE),
        },
        status=status,
    )


@role_required(OFFICER, FOCAL, APPLICANT)
def offer_list(request: HttpRequest) -> HttpResponse:
    return _offer_list_page(request)


def _offer_letter_page(
    request: HttpRequest,
    offer: Offer,
    *,
    status: int = 200,
    withdraw_form: forms.OfferWithdrawForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "placement/offer_letter.html",
        {
            "offer": offer,
            "reference": offer_reference(offer),
            "offers_url": absolute_url(reverse("placement:offer_list")),
            "history": selectors.offer_history(offer=offer),
            "may_withdraw": access.is_officer(request.user)
            and OfferStatus.WITHDRAWN in workflow.TRANSITIONS[offer.status]
            and not getattr(offer, "has_dispatch", False),
            "withdraw_form": withdraw_form or forms.OfferWithdrawForm(),
        },
        status=status,
    )


@role_required(OFFICER, FOCAL, APPLICANT)
def offer_letter(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(selectors.offer_list(user=request.user), pk=pk)
    return _offer_letter_page(request, offer)


@role_required(OFFICER, FOCAL, APPLICANT)
def offer_letter_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The offer letter as a PDF in the reader's language: the candidate, officers and the focal points
    of the post's organization (`access.scope_offers`); anyone else gets 404."""
    offer = get_object_or_404(selectors.offer_list(user=request.user), pk=pk)
    personal_data_read(
        actor=request_user(request),
        applicant_id=offer.application.applicant_id,
        what="offer letter",
        target=offer,
        path=request.path,
    )
    content = offer_letter_pdf(
        offer,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        offers_url=absolute_url(reverse("placement:offer_list")),
    )
    response = bytes_download(content, "offer", offer_reference(offer), extension="pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@role_required(OFFICER)
def offer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The programme office withdraws an offer with a reason (a confirmed one too, until the dispatch)."""
    offer = get_object_or_404(selectors.offer_list(user=request.user), pk=pk)
    form = forms.OfferWithdrawForm(request.POST)
    if not form.is_valid():
        return _offer_letter_page(request, offer, status=400, withdraw_form=form)
    try:
        result = offer_services.offer_withdraw(
            actor=request_user(request), offer=offer, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        _fail(request, error)
        return _offer_letter_page(request, offer, status=400, withdraw_form=form)
    messages.success(request, _("The offer is withdrawn."))
    for new in result.reoffered:
        messages.success(
            request, _("Offered to %(who)s from the reserve list.") % {"who": new.application.applicant}
        )
    return redirect("placement:offer_letter", pk=pk)


@require_POST
@role_required(OFFICER, FOCAL, APPLICANT)
def offer_respond(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(selectors.offer_list(user=request.user), pk=pk)
    form = forms.OfferResponseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([m for messages_ in form.errors.values() for m in messages_])
        offer_services.offer_transition(
            actor=request_user(request),
            offer=offer,
            to=form.cleaned_data["response"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        _fail(request, error)
        return _offer_list_page(request, status=400)
    messages.success(request, _("Response recorded."))
    return redirect("placement:offer_list")


@require_POST
@role_required(OFFICER)
def offer_reserve(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(Offer, pk=pk)
    try:
        new = offer_services.offer_from_reserve(actor=request_user(request), previous=offer)
    except ValidationError as error:
        _fail(request, error)
        return redirect("placement:offer_list")
    messages.success(
        request, _("Offered to %(who)s from the reserve list.") % {"who": new.application.applicant}
    )
    return redirect("placement:offer_list")


@role_required(OFFICER)
def dispatch_new(request: HttpRequest, offer_pk: int) -> HttpResponse:
    offer = get_object_or_404(
        Offer.objects.select_related("application__applicant", "application__ministry", "post__organization"),
        pk=offer_pk,
    )
    form = forms.DispatchForm(
        request.POST or None,
        initial={
            "duty_station": offer.duty_station or offer.post.duty_station,
            "start_date": offer.start_date,
            "planned_end_date": offer_services.offer_planned_end(offer),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            dispatch = dispatch_services.dispatch_create(
                actor=request_user(request), offer=offer, **form.cleaned_data
            )
        except ValidationError as error:
            forms.apply_errors(form, error)
        else:
            messages.success(request, _("Dispatch recorded."))
            return redirect("placement:dispatch_detail", dispatch.pk)
    return render(
        request,
        "placement/form.html",
        {
            "form": form,
            "title": _("Dispatch %(who)s to %(post)s")
            % {"who": offer.application.applicant, "post": offer.post},
            "intro": _("National civil servant of %(m)s") % {"m": offer.application.ministry}
            if offer.application.is_civil_servant
            else "",
        },
        status=400 if form.errors else 200,
    )


# -- dispatches ---------------------------------------------------------------------------------------


DISPATCH_COLUMNS = (
    Column(
        gettext_lazy("JPO"),
        "name",
        ("application__applicant__family_name", "application__applicant__given_name"),
    ),
    Column(gettext_lazy("Cycle"), "cycle", ("application__cycle__fiscal_year",)),
    Column(gettext_lazy("Post"), "post", ("post__organization__code", "post__title")),
    Column(gettext_lazy("Start"), "start", ("start_date",)),
    Column(gettext_lazy("Planned end"), "planned_end", ("planned_end_date",)),
    Column(gettext_lazy("Actual end"), "end", ("end_date",)),
    Column(gettext_lazy("Home ministry"), "ministry", ("secondment__ministry__code",)),
    Column(gettext_lazy("Outcome"), "outcome", ("outcome__kind",)),
)
NO_OUTCOME = "none"


def _fiscal_years() -> list[tuple[int, str]]:
    """Every cycle as a filter choice (one query), newest first."""
    years = Cycle.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True)
    return [(fy, fiscal_year_label(fy)) for fy in years]


def _outcome_filter(rows: Any, value: str) -> Any:
    return rows.filter(outcome__isnull=True) if value == NO_OUTCOME else rows.filter(outcome__kind=value)


def _dispatch_filters() -> tuple[Filter, ...]:
    return (
        Filter("cycle", gettext_lazy("Cycle"), "application__cycle__fiscal_year", choices=_fiscal_years()),
        Filter(
            "outcome",
            gettext_lazy("Outcome"),
            choices=[(NO_OUTCOME, gettext_lazy("Not recorded yet")), *OutcomeKind.choices],
            apply=_outcome_filter,
        ),
        Filter(
            "q",
            gettext_lazy("Name, post or organization"),
            (
                "application__applicant__family_name__icontains",
                "application__applicant__given_name__icontains",
                "post__title__icontains",
                "post__organization__code__icontains",
            ),
        ),
    )


@role_required(OFFICER, FOCAL, MINISTRY, APPLICANT)
def dispatch_list(request: HttpRequest) -> HttpResponse:
    """Dispatches a page at a time, sorted and filtered in the database (newest start first)."""
    page = listing(
        request,
        selectors.dispatch_list(user=request.user),
        columns=DISPATCH_COLUMNS,
        filters=_dispatch_filters(),
        default_sort="-start",
    )
    return render(request, "placement/dispatch_list.html", {"listing": page})


DISPATCH_ACTIONS = {
    "extend": (
        forms.ExtensionForm,
        lambda user, d, data: dispatch_services.dispatch_extend(actor=user, dispatch=d, **data),
    ),
    "end": (
        forms.EndForm,
        lambda user, d, data: dispatch_services.dispatch_end(actor=user, dispatch=d, **data),
    ),
    "outcome": (
        forms.OutcomeForm,
        lambda user, d, data: outcome_services.outcome_record(actor=user, dispatch=d, **data),
    ),
    "follow_up": (
        forms.FollowUpForm,
        lambda user, d, data: outcome_services.follow_up_record(actor=user, dispatch=d, **data),
    ),
    "amend_outcome": (
        forms.OutcomeAmendForm,
        lambda user, d, data: correction_services.outcome_amend(actor=user, dispatch=d, **data),
    ),
    "withdraw_outcome": (
        forms.WithdrawForm,
        lambda user, d, data: correction_services.outcome_withdraw(actor=user, dispatch=d, **data),
    ),
    "amend_dates": (
        forms.DatesForm,
        lambda user, d, data: correction_services.dispatch_dates_amend(actor=user, dispatch=d, **data),
    ),
}
# The actions that change the dispatch itself: their forms carry its version (a follow-up only adds).
VERSIONED_ACTIONS = frozenset(
    {"extend", "end", "outcome", "amend_outcome", "withdraw_outcome", "amend_dates"}
)


def _dispatch_initial(dispatch: Any) -> dict[str, dict[str, Any]]:
    """What the correction forms start from: the recorded values."""
    initial: dict[str, dict[str, Any]] = {
        "amend_dates": {
            "start_date": dispatch.start_date,
            "planned_end_date": dispatch.planned_end_date,
            "end_date": dispatch.end_date,
        }
    }
    outcome = getattr(dispatch, "outcome", None)
    if outcome is not None:
        initial["amend_outcome"] = {
            "kind": outcome.kind,
            "organization": outcome.organization_id,
            "grade": outcome.grade,
            "contract_type": outcome.contract_type,
            "recorded_on": outcome.recorded_on,
            "notes": outcome.notes,
        }
    return initial


@role_required(OFFICER, FOCAL, MINISTRY, APPLICANT)
def dispatch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        dispatch = selectors.dispatch_detail(dispatch_id=pk, user=request.user)
    except Exception as exc:  # DoesNotExist: out of scope or missing
        from django.http import Http404

        raise Http404 from exc
    bound: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if access.is_ministry_hr(request.user) or access.is_applicant(request.user):
            raise PermissionDenied
        form: Any
        if action == "milestone":
            form = forms.MilestoneForm(request.POST)
            if form.is_valid():
                milestone = get_object_or_404(Milestone, pk=form.cleaned_data["milestone"], dispatch=dispatch)
                try:
                    dispatch_services.milestone_complete(
                        actor=request_user(request),
                        milestone=milestone,
                        done_on=form.cleaned_data["done_on"],
                        notes=form.cleaned_data["notes"],
                    )
                except ValidationError as error:
                    _fail(request, error)
                    status = 400
                else:
                    return redirect("placement:dispatch_detail", pk)
            else:
                messages.error(request, _("Give the date the step was done."))
                status = 400
        elif action in DISPATCH_ACTIONS:
            form_class, call = DISPATCH_ACTIONS[action]
            form = form_class(request.POST, prefix=action)
            status = 400
            if form.is_valid():
                try:
                    data = dict(form.cleaned_data)
                    if action in VERSIONED_ACTIONS:
                        data["expected_version"] = version_posted(request.POST.get("version"))
                    call(request.user, dispatch, data)
                except ValidationError as error:
                    forms.apply_errors(form, error)
                    status = getattr(error, "status_code", 400)
                else:
                    messages.success(request, _("Saved."))
                    return redirect("placement:dispatch_detail", pk)
            bound[action] = form
        dispatch = selectors.dispatch_detail(dispatch_id=pk, user=request.user)
    initial = _dispatch_initial(dispatch)
    action_forms = {
        name: bound.get(name) or form_class(prefix=name, initial=initial.get(name))
        for name, (form_class, _call) in DISPATCH_ACTIONS.items()
    }
    secondment = getattr(dispatch, "secondment", None)
    personal_data_read(
        actor=request_user(request),
        applicant_id=dispatch.application.applicant_id,
        what="placement:dispatch",
        target=dispatch,
        path=request.path,
    )
    return render(
        request,
        "placement/dispatch_detail.html",
        {
            "dispatch": dispatch,
            "forms": action_forms,
            "secondment": secondment,
            "npa_flag": secondment is not None
            and needs_npa_consultation(
                start=dispatch.start_date, planned_return=secondment.planned_return_date
            ),
            "terms": dispatch_terms(
                dispatch.application.cycle.fiscal_year, effective_rules(dispatch.application.cycle)
            ),
            "can_edit": access.is_officer(request.user),
            "can_report": access.is_officer(request.user) or access.is_focal_point(request.user),
            "costs_illustrative": any(c.is_illustrative for c in dispatch.costs.all()),
            "history": selectors.record_history(dispatch=dispatch),
            "outcome_from_return": secondment is not None
            and getattr(dispatch, "outcome", None) is not None
            and dispatch.outcome.kind == OutcomeKind.RETURNED_TO_MINISTRY,
        },
        status=status,
    )


# -- secondments (ministry HR) -----------------------------------------------------------------------


SECONDMENT_COLUMNS = (
    Column(
        gettext_lazy("Civil servant"),
        "name",
        ("dispatch__application__applicant__family_name", "dispatch__application__applicant__given_name"),
    ),
    Column(gettext_lazy("Ministry"), "ministry", ("ministry__code",)),
    Column(gettext_lazy("Organization"), "org", ("dispatch__post__organization__code",)),
    Column(gettext_lazy("Start"), "start", ("dispatch__start_date",)),
    Column(gettext_lazy("Planned return"), "return", ("planned_return_date",)),
    Column(gettext_lazy("NPA consultation"), "npa", ("npa_consulted_on",)),
    Column(gettext_lazy("Returned"), "returned", ("returned_on",)),
)
ABROAD, RETURNED = "abroad", "returned"


def _returned_filter(rows: Any, value: str) -> Any:
    return rows.filter(returned_on__isnull=value == ABROAD)


def _secondment_filters(user: Any) -> tuple[Filter, ...]:
    by_ministry: tuple[Filter, ...] = ()
    if access.is_officer(user):  # ministry HR see their own ministry only
        ministries = [(m.pk, m.display_name) for m in Ministry.objects.order_by("code")]
        by_ministry = (Filter("ministry", gettext_lazy("Ministry"), "ministry_id", choices=ministries),)
    return (
        *by_ministry,
        Filter(
            "returned",
            gettext_lazy("Return to the ministry"),
            choices=[(ABROAD, gettext_lazy("Still on dispatch")), (RETURNED, gettext_lazy("Returned"))],
            apply=_returned_filter,
        ),
        Filter(
            "q",
            gettext_lazy("Name or organization"),
            (
                "dispatch__application__applicant__family_name__icontains",
                "dispatch__application__applicant__given_name__icontains",
                "dispatch__post__organization__code__icontains",
            ),
        ),
    )


@role_required(OFFICER, MINISTRY)
def secondment_list(request: HttpRequest) -> HttpResponse:
    """Civil servants on dispatch a page at a time, sorted and filtered in the database."""
    page = listing(
        request,
        selectors.secondment_list(user=request.user),
        columns=SECONDMENT_COLUMNS,
        filters=_secondment_filters(request.user),
        default_sort="return",
    )
    rows = [
        (s, needs_npa_consultation(start=s.dispatch.start_date, planned_return=s.planned_return_date))
        for s in page.rows
    ]
    return render(
        request,
        "placement/secondment_list.html",
        {"listing": page, "rows": rows, "npa_source": NPA_SOURCE},
    )


SECONDMENT_ACTIONS: dict[str, Any] = {
    "return": secondment_services.secondment_record_return,
    "amend_return": correction_services.secondment_return_amend,
    "withdraw_return": correction_services.secondment_return_withdraw,
}
SECONDMENT_DONE = {
    "plan": gettext_lazy("Plan saved."),
    "return": gettext_lazy("Return recorded."),
    "amend_return": gettext_lazy("Return amended."),
    "withdraw_return": gettext_lazy("Return withdrawn."),
}


@role_required(OFFICER, MINISTRY)
def secondment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    secondment = get_object_or_404(selectors.secondment_list(user=request.user), pk=pk)
    plan_form = forms.SecondmentPlanForm(
        prefix="plan",
        initial={
            "planned_return_date": secondment.planned_return_date,
            "npa_consulted_on": secondment.npa_consulted_on,
        },
    )
    return_form = forms.ReturnForm(prefix="return")
    amend_form = forms.ReturnAmendForm(
        prefix="amend_return",
        initial={
            "returned_on": secondment.returned_on,
            "assignment_after_return": secondment.assignment_after_return,
        },
    )
    withdraw_form = forms.WithdrawForm(prefix="withdraw_return")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        form: Any
        if action == "plan":
            form = plan_form = forms.SecondmentPlanForm(request.POST, prefix="plan")
        elif action == "return":
            form = return_form = forms.ReturnForm(request.POST, prefix="return")
        elif action == "amend_return":
            form = amend_form = forms.ReturnAmendForm(request.POST, prefix="amend_return")
        elif action == "withdraw_return":
            form = withdraw_form = forms.WithdrawForm(request.POST, prefix="withdraw_return")
        else:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                version = version_posted(request.POST.get("version"))
                if action == "plan":
                    secondment_services.secondment_plan(
                        actor=request_user(request),
                        secondment=secondment,
                        expected_version=version,
                        **form.cleaned_data,
                    )
                else:
                    SECONDMENT_ACTIONS[action](
                        actor=request_user(request),
                        secondment=secondment,
                        expected_version=version,
                        **form.cleaned_data,
                    )
            except ValidationError as error:
                forms.apply_errors(form, error)
                status = getattr(error, "status_code", 400)
            else:
                messages.success(request, SECONDMENT_DONE[action])
                return redirect("placement:secondment_detail", pk)
    personal_data_read(
        actor=request_user(request),
        applicant_id=secondment.dispatch.application.applicant_id,
        what="placement:secondment",
        target=secondment,
        path=request.path,
    )
    return render(
        request,
        "placement/secondment_detail.html",
        {
            "secondment": secondment,
            "plan_form": plan_form,
            "return_form": return_form,
            "amend_form": amend_form,
            "withdraw_form": withdraw_form,
            "history": selectors.record_history(dispatch=secondment.dispatch),
            "npa_flag": needs_npa_consultation(
                start=secondment.dispatch.start_date, planned_return=secondment.planned_return_date
            ),
            "npa_source": NPA_SOURCE,
        },
        status=status,
    )


# -- reminders, budget, retention ------------------------------------------------------------------


@role_required(OFFICER, FOCAL, MINISTRY, APPLICANT)
def reminder_list(request: HttpRequest) -> HttpResponse:
    today = today_in_tokyo()
    context: dict[str, Any] = {"reminders": selectors.reminder_list(user=request.user)[:200], "today": today}
    if access.is_officer(request.user):
        context["overdue"] = selectors.overdue_outcomes(user=request.user, today=today)
    if access.is_officer(request.user) or access.is_focal_point(request.user):
        context["milestones"] = selectors.open_milestones(user=request.user, today=today)
    return render(request, "placement/reminder_list.html", context)


@role_required(OFFICER)
def budget(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "placement/budget.html",
        {
            "execution": selectors.budget_execution(),
            "tables": CostTable.objects.prefetch_related("salary_rates", "allowances"),
        },
    )


@role_required(OFFICER, ANALYST)
def retention(request: HttpRequest) -> HttpResponse:
    include_alumni = request.GET.get("alumni") == "1"
    sections = []
    for grouping, title in (
        ("cohort", _("By cohort")),
        ("track", _("By track")),
        ("organization", _("By organization")),
        ("civil_servant", _("Civil servants and others")),
    ):
        rows = selectors.retention(grouping=grouping, include_alumni=include_alumni)
        if not has_role(request.user, OFFICER):
            # Analysts see aggregates only: a group of one or two would show a person's outcome.
            rows = pool_small_groups(
                rows,
                minimum=SMALL_GROUP_MINIMUM,
                label=_("Groups of fewer than %(n)d dispatches, combined") % {"n": SMALL_GROUP_MINIMUM},
            )
        bars = chart_bars(rows)
        sections.append(
            {
                "key": grouping,
                "title": title,
                "rows": rows,
                "bars": bars,
                "height": max(len(rows), 1) * 24 + 10,
            }
        )
    return render(
        request, "placement/retention.html", {"sections": sections, "include_alumni": include_alumni}
    )


# -- alumni, organizations ------------------------------------------------------------------------------


ALUMNI_COLUMNS = (
    Column(gettext_lazy("Cohort"), "cohort", ("cohort_fiscal_year",)),
    Column(gettext_lazy("Name"), "name", ("name_family", "name_given")),
    Column(gettext_lazy("Organization"), "org", ("organization__code",)),
    Column(gettext_lazy("Civil servant"), "civil", ("is_civil_servant",)),
    Column(gettext_lazy("Outcome"), "outcome", ("outcome",)),
    Column(gettext_lazy("Now"), "now", ("current_organization", "current_grade")),
)


def _alumni_filters() -> tuple[Filter, ...]:
    cohorts = AlumniRecord.objects.order_by("-cohort_fiscal_year").values_list(
        "cohort_fiscal_year", flat=True
    )
    organizations = Organization.objects.filter(
        pk__in=AlumniRecord.objects.values("organization_id")
    ).order_by("code")
    return (
        Filter(
            "cohort",
            gettext_lazy("Cohort"),
            "cohort_fiscal_year",
            choices=[(fy, fiscal_year_label(fy)) for fy in cohorts.distinct()],
        ),
        Filter(
            "org",
            gettext_lazy("Organization"),
            "organization_id",
            choices=list(organizations.values_list("pk", "code")),
        ),
        Filter("outcome", gettext_lazy("Outcome"), "outcome", choices=OutcomeKind.choices),
        Filter(
            "civil",
            gettext_lazy("Civil servant"),
            choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
            apply=lambda rows, value: rows.filter(is_civil_servant=value == "yes"),
        ),
        Filter(
            "q",
            gettext_lazy("Name or current organization"),
            (
                "family_name__icontains",
                "given_name__icontains",
                "applicant__family_name__icontains",
                "applicant__given_name__icontains",
                "current_organization__icontains",
            ),
        ),
    )


@role_required(OFFICER)
def alumni(request: HttpRequest) -> HttpResponse:
    form = forms.AlumniImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = alumni_services.alumni_import(
                    actor=request_user(request), name=upload.name, content=upload.read()
                )
            except alumni_services.AlumniImportError as error:
                errors = error.errors
                status = 400
            else:
                messages.success(request, _("%(n)s alumni imported.") % {"n": batch.row_count})
                if batch.unlinked_rows:
                    messages.warning(request, alumni_services.unlinked_message(batch))
                return redirect("placement:alumni")
        else:
            status = 400
    alumni_services.alumni_imports_expire(
        now=timezone.now()
    )  # an import left by a killed process shows as failed
    return render(
        request,
        "placement/alumni.html",
        {
            "form": form,
            "errors": errors,
            "listing": listing(
                request,
                selectors.alumni_list(),
                columns=ALUMNI_COLUMNS,
                filters=_alumni_filters(),
                default_sort="-cohort",
            ),
            "imports": AlumniImport.objects.select_related("imported_by")[:10],
            "columns": alumni_services.COLUMNS,
            # the link to the person's page (desk): for those who may open it (officers see every applicant)
            "applicant_links": access.is_officer(request_user(request)),
        },
        status=status,
    )


@role_required(OFFICER)
def organization_list(request: HttpRequest) -> HttpResponse:
    from jpo.policy import parameter

    cycle = _cycle(request)
    track = (
        parameter("organization_track", cycle.fiscal_year, rules=effective_rules(cycle)) if cycle else None
    )
    organizations = partner_organizations().prefetch_related(
        Prefetch("agreements", queryset=Agreement.objects.order_by("starts_fiscal_year")),
        Prefetch("focal_points", queryset=User.objects.filter(role=Role.FOCAL_POINT, is_active=True)),
    )
    statistics_only = (
        Organization.objects.exclude(pk__in=partner_organizations().values("pk"))
        .select_related("partner")
        .order_by("code")
    )
    track_codes = set(track.value) if track is not None and track.known else set()
    return render(
        request,
        "placement/organization_list.html",
        {
            "organizations": organizations,
            "statistics_only": statistics_only,
            "cycle": cycle,
            "cycles": Cycle.objects.order_by("-fiscal_year"),
            "track": track,
            "track_codes": track_codes,
        },
    )

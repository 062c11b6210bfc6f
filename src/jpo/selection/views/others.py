"""Pages of reviewers / interviewers (only what is assigned to them), organization focal points (only
candidates forwarded to their organization) and applicants (their own interview slot)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Exists, OuterRef, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jpo.accounts import access
from jpo.accounts.access import request_user, role_required
from jpo.accounts.models import Role
from jpo.applications.models import Application, DocumentKind
from jpo.applications.services import personal_data_read
from jpo.applications.workflow import Status
from jpo.core.listing import Column, Filter, listing
from jpo.programme.labels import fiscal_year_label
from jpo.programme.models import Cycle
from jpo.safety.downloads import bytes_download, file_download
from jpo.safety.numbers import parse_id
from jpo.selection import selectors
from jpo.selection.models import Interview, InterviewScore, InterviewSlot, ReviewAssignment
from jpo.selection.services import calendar
from jpo.selection.services import reviews as review_services
from jpo.selection.services import stage_two as stage_two_services
from jpo.selection.services.decisions import version_from
from jpo.selection.services.errors import NotAllowed, SelectionError
from jpo.selection.views.common import refused

reviewer_only = role_required(Role.REVIEWER)
focal_only = role_required(Role.FOCAL_POINT)
applicant_only = role_required(Role.APPLICANT)


# --- Reviewer ---------------------------------------------------------------------------------------


@reviewer_only
@require_GET
def my_reviews(request: HttpRequest) -> HttpResponse:
    """The reviewer's own assignments, a page at a time (newest cycle first), sorted and filtered in the
    database."""
    page = listing(
        request,
        selectors.assignments_for_reviewer(reviewer=request_user(request)),
        columns=MY_REVIEW_COLUMNS,
        filters=_my_review_filters(),
        default_sort="-cycle",
    )
    return render(request, "selection/my_reviews.html", {"listing": page})


MY_REVIEW_COLUMNS = (
    # Newest cycle first, then in the order the applications came in.
    Column(_lazy("Cycle"), "cycle", ("application__cycle__fiscal_year", "-application_id")),
    Column(_lazy("Application"), "receipt", ("application__receipt_number",)),
    Column(_lazy("State")),
)


def _my_review_filters() -> tuple[Filter, ...]:
    years = Cycle.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True)
    return (
        Filter(
            "cycle",
            _lazy("Cycle"),
            "application__cycle__fiscal_year",
            choices=[(fy, fiscal_year_label(fy)) for fy in years],
        ),
        Filter(
            "state",
            _lazy("State"),
            choices=[("todo", _lazy("To score")), ("done", _lazy("Submitted"))],
            apply=lambda rows, value: rows.filter(review__isnull=value == "todo"),
        ),
        # The receipt number only: a blind rubric hides the names from the reviewer.
        Filter("q", _lazy("Receipt number"), "application__receipt_number__icontains"),
    )


def _assignment_or_404(request: HttpRequest, pk: int) -> ReviewAssignment:
    try:
        return review_services.assignment_for_reviewer(reviewer=request_user(request), assignment_id=pk)
    except NotAllowed:
        raise Http404 from None  # do not even confirm that the assignment exists


@reviewer_only
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment_or_404(request, pk)
    error: SelectionError | None = None
    if request.method == "POST":
        scores = {
            key[len("score-") :]: value for key, value in request.POST.items() if key.startswith("score-")
        }
        try:
            review_services.review_submit(
                assignment_id=assignment.pk,
                reviewer=request_user(request),
                scores=scores,
                comment=request.POST.get("comment", "")[:5000],
            )
        except SelectionError as exc:
            error = exc
        else:
            messages.success(request, _("Your review was submitted. Thank you."))
            return redirect("selection:my_reviews")
        assignment = _assignment_or_404(request, pk)
    context = selectors.review_page(assignment=assignment)
    posted = request.POST if error else {}
    context.update(
        {
            "assignment": assignment,
            "error": error,
            "posted": posted,
            "rows": [
                {"c": c, "value": posted.get(f"score-{c.pk}") or context["scores"].get(c.pk)}
                for c in context["rubric"].criteria.all()
            ],
        }
    )
    return render(request, "selection/review.html", context, status=error.status_code if error else 200)


@reviewer_only
@require_POST
def review_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment_or_404(request, pk)
    try:
        review_services.conflict_declare(
            reviewer=request_user(request),
            application=assignment.application,
            reason=request.POST.get("reason", "")[:2000],
            recorded_by=request_user(request),
        )
    except SelectionError as error:
        return refused(request, error, back=reverse("selection:review", args=[pk]))
    messages.success(request, _("Conflict declared: this application was taken off your list."))
    return redirect("selection:my_reviews")


@reviewer_only
@require_GET
def review_document(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    assignment = _assignment_or_404(request, pk)
    if kind not in DocumentKind.values:
        raise Http404
    document = assignment.application.documents.filter(kind=kind).first()
    if document is None:
        raise Http404
    personal_data_read(
        actor=request_user(request),
        applicant_id=assignment.application.applicant_id,
        what=f"document:{kind}",
        target=document,
        path=request.path,
    )
    return file_download(
        document.file.open("rb"),
        assignment.application.receipt_number or f"application-{assignment.application_id}",
        kind,
        extension="pdf",
    )


@reviewer_only
@require_GET
def my_interviews(request: HttpRequest) -> HttpResponse:
    """The interviews of the panels the user sits on, a page at a time (earliest first), sorted and
    filtered in the database."""
    me = request_user(request)
    page = listing(
        request,
        selectors.interviews_for_interviewer(interviewer=me),
        columns=MY_INTERVIEW_COLUMNS,
        filters=_my_interview_filters(me),
        default_sort="time",
    )
    return render(request, "selection/my_interviews.html", {"listing": page})


MY_INTERVIEW_COLUMNS = (
    Column(_lazy("Time (Tokyo)"), "time", ("slot__starts_at",)),
    Column(_lazy("Candidate"), "receipt", ("application__receipt_number",)),
    Column(_lazy("Meeting link")),
    Column(_lazy("My score")),
)


def _my_interview_filters(me: Any) -> tuple[Filter, ...]:
    def scored(rows: QuerySet[Interview], value: str) -> QuerySet[Interview]:
        mine = Exists(InterviewScore.objects.filter(interview=OuterRef("pk"), interviewer=me))
        return rows.filter(mine) if value == "done" else rows.exclude(mine)

    return (
        Filter(
            "state",
            _lazy("My score"),
            choices=[("todo", _lazy("To score")), ("done", _lazy("Submitted"))],
            apply=scored,
        ),
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


@reviewer_only
@require_http_methods(["GET", "POST"])
def interview_score(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        interview = stage_two_services.interview_for_interviewer(
            interviewer=request_user(request), interview_id=pk
        )
    except NotAllowed:
        raise Http404 from None
    error: SelectionError | None = None
    if request.method == "POST":
        try:
            stage_two_services.interview_score_submit(
                interview_id=pk,
                interviewer=request_user(request),
                score=request.POST.get("score", ""),
                comment=request.POST.get("comment", "")[:5000],
            )
        except SelectionError as exc:
            error = exc
        else:
            messages.success(request, _("Your interview score was submitted."))
            return redirect("selection:my_interviews")
    rubric = getattr(interview.application.cycle, "rubric", None)
    mine = interview.scores.filter(interviewer=request_user(request)).first()
    return render(
        request,
        "selection/interview_score.html",
        {"interview": interview, "rubric": rubric, "mine": mine, "error": error, "posted": request.POST},
        status=error.status_code if error else 200,
    )


# --- Organization focal point ------------------------------------------------------------------------


FOCAL_COLUMNS = (
    Column(_lazy("Cycle"), "cycle", ("cycle__fiscal_year", "receipt_number")),
    Column(_lazy("Candidate"), "receipt", ("receipt_number",)),
    Column(_lazy("Status"), "status", ("status",)),
)
FOCAL_STATUSES = (Status.FORWARDED, Status.SELECTED, Status.NOT_SELECTED)


def _focal_filters() -> tuple[Filter, ...]:
    years = Cycle.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True)
    return (
        Filter(
            "cycle",
            _lazy("Cycle"),
            "cycle__fiscal_year",
            choices=[(fy, fiscal_year_label(fy)) for fy in years],
        ),
        Filter(
            "status",
            _lazy("Status"),
            "status",
            choices=[(s.value, s.label) for s in FOCAL_STATUSES],
        ),
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


@focal_only
@require_GET
def focal_candidates(request: HttpRequest) -> HttpResponse:
    """Candidates forwarded to the focal point's organization, a page at a time (newest cycle first)."""
    page = listing(
        request,
        selectors.focal_candidates(user=request_user(request)),
        columns=FOCAL_COLUMNS,
        filters=_focal_filters(),
        default_sort="-cycle",
    )
    return render(request, "selection/focal_candidates.html", {"listing": page})


@focal_only
@require_http_methods(["GET", "POST"])
def focal_candidate(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.focal_candidate(user=request_user(request), pk=pk)
    personal_data_read(
        actor=request_user(request),
        applicant_id=application.applicant_id,
        what="application",
        target=application,
        path=request.path,
    )
    if request.method == "POST":
        try:
            stage_two_services.focal_decide(
                application=application,
                actor=request_user(request),
                to=request.POST.get("decision", ""),
                reason=request.POST.get("reason", "")[:2000],
                expected_version=version_from(request.POST.get("version")),
            )
        except SelectionError as error:
            return refused(request, error, back=reverse("selection:focal_candidate", args=[pk]))
        messages.success(request, _("The organization's decision was recorded; the candidate is being told."))
        return redirect("selection:focal_candidates")
    return render(
        request,
        "selection/focal_candidate.html",
        {"application": application, "S": Status},
    )


# --- Applicant -------------------------------------------------------------------------------------


@applicant_only
@require_GET
def my_stage_two(request: HttpRequest) -> HttpResponse:
    return render(
        request, "selection/my_stage_two.html", {"rows": selectors.my_stage_two(user=request_user(request))}
    )


@applicant_only
@require_POST
def slot_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    application = (
        access.scope_own_applications(
            request_user(request), Application.objects.select_related("applicant", "cycle")
        )
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    slot = get_object_or_404(
        InterviewSlot, pk=parse_id(request.POST.get("slot")), cycle_id=application.cycle_id
    )
    try:
        stage_two_services.slot_confirm(
            application=application, user=request_user(request), slot=slot, now=timezone.now()
        )
    except SelectionError as error:
        return refused(request, error, back=reverse("selection:my_stage_two"))
    messages.success(request, _("Your interview time is confirmed."))
    return redirect("selection:my_stage_two")


# --- Calendar invitation (candidate, panel, officers) ------------------------------------------------


@require_GET
def interview_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The interview's calendar invitation (.ics): the candidate, the panel's members and officers."""
    interview = (
        access.scope_interview_invitations(
            request.user,
            Interview.objects.filter(slot__isnull=False).select_related(
                "slot", "application__applicant__user", "application__cycle"
            ),
        )
        .filter(pk=pk)
        .distinct()
        .first()
    )
    if interview is None:
        raise Http404
    language = "ja" if (getattr(request, "LANGUAGE_CODE", "ja") or "ja").startswith("ja") else "en"
    ics = calendar.interview_ics(interview=interview, language=language)
    return bytes_download(
        ics, "interview", interview.application.receipt_number or interview.pk, extension="ics"
    )

"""Applicant portal pages (thin: check permission, call a selector or service, render)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jpo.accounts import access
from jpo.accounts.access import public, request_user, role_required
from jpo.accounts.links import absolute_url
from jpo.accounts.models import Role
from jpo.accounts.throttle import throttled, too_many_requests
from jpo.applications import selectors, selfcheck, services, steps
from jpo.applications.forms import (
    DocumentUploadForm,
    EndorsementDecisionForm,
    ProfileForm,
    SignupForm,
    raw_from_post,
)
from jpo.applications.models import (
    Applicant,
    Document,
    DocumentKind,
    DraftStep,
    DuplicateFlag,
    DuplicateReason,
    EligibilityCheck,
    EndorsementStatus,
)
from jpo.applications.signup import applicant_profile_update, applicant_signup_request
from jpo.applications.workflow import Status
from jpo.core.listing import Column, Filter, chosen, listing
from jpo.programme import windows
from jpo.programme.labels import fiscal_year_label
from jpo.programme.models import Cycle
from jpo.safety.downloads import bytes_download, file_download


def verified_applicant(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Applicants only, and only once their e-mail address is verified."""

    @role_required(Role.APPLICANT)
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.email_verified_at is None:  # type: ignore[union-attr]
            return redirect("accounts:verify_sent")
        return view(request, *args, **kwargs)

    return wrapped


def _now() -> Any:
    return timezone.now()


@public
@require_GET
def portal_home(request: HttpRequest) -> HttpResponse:
    now = _now()
    cycles = selectors.portal_cycles(now=now)
    rows = [
        {
            "cycle": cycle,
            "can_start": windows.can_start(cycle, now),
            "applications_open": windows.applications_open(cycle, now),
        }
        for cycle in cycles
    ]
    user = request_user(request)
    mine = selectors.applications_of_user(user=user) if access.is_applicant(user) else []
    started = {a.cycle_id for a in mine}
    return render(
        request,
        "applications/portal_home.html",
        {"rows": rows, "applications": mine, "started": started, "format_instant": windows.format_instant},
    )


@verified_applicant
@require_POST
def application_start(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle, fiscal_year=fiscal_year)
    try:
        application = services.application_start(user=request_user(request), cycle=cycle, now=_now())
    except services.ApplicationError as error:
        messages.error(request, error.message)
        return redirect("portal:home")
    return redirect("portal:step", pk=application.pk, step="personal")


def _step_context(request: HttpRequest, application: Any, step: str, **extra: Any) -> dict[str, Any]:
    now = _now()
    return {
        "application": application,
        "step": step,
        "steps": selectors.STEPS,
        "step_label": selectors.STEP_LABELS[step],
        "editable": application.status == Status.DRAFT and not windows.past_deadline(application.cycle, now),
        "deadline": windows.format_instant(application.cycle.applications_close),
        "next_step": _next(step),
        "previous_step": _previous(step),
        **extra,
    }


def _next(step: str) -> str | None:
    i = selectors.STEP_NAMES.index(step)
    return selectors.STEP_NAMES[i + 1] if i + 1 < len(selectors.STEP_NAMES) else None


def _previous(step: str) -> str | None:
    i = selectors.STEP_NAMES.index(step)
    return selectors.STEP_NAMES[i - 1] if i > 0 else None


@verified_applicant
@require_http_methods(["GET", "POST"])
def application_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    application = selectors.application_get_own(user=request_user(request), pk=pk)
    if step == "documents":
        return _documents(request, application)
    if step == "review":
        return _review(request, application)
    if step not in selectors.FORM_STEPS:
        raise Http404
    if application.status != Status.DRAFT:
        return redirect("portal:status", pk=application.pk)
    now = _now()
    if request.method == "POST":
        raw = raw_from_post(request.POST)
        action = request.POST.get("action", "save")
        if action == "add_row" and step in steps.FORMSET_PREFIX:
            raw = steps.add_row(step, raw)
        form = steps.build_form(step, application, raw)
        valid = form.is_valid()
        try:
            services.draft_step_store(application=application, step=step, data=raw, is_valid=valid, now=now)
            if valid:
                steps.save(step, application, form, actor=request_user(request), now=now)
        except services.ApplicationError as error:
            messages.error(request, error.message)
            return redirect("portal:status", pk=application.pk)
        if valid and action != "add_row":
            messages.success(request, _("Saved."))
            target = _next(step) if action == "next" else step
            return redirect("portal:step", pk=application.pk, step=target)
        show_errors = action != "add_row"
        warnings: list[str] = []
    else:
        draft = DraftStep.objects.filter(application=application, step=step).first()
        raw = draft.data if draft is not None else steps.raw_from_models(step, application)
        form = steps.build_form(step, application, raw)
        valid = form.is_valid()
        show_errors = draft is not None and not draft.is_valid
        warnings = _warnings(step, form) if valid else []
    context = _step_context(
        request,
        application,
        step,
        form=form,
        show_errors=show_errors,
        errors=steps.error_summary(step, form) if show_errors else [],
        warnings=warnings,
        is_formset=step in steps.FORMSET_PREFIX,
        row_label=steps.ROW_LABEL.get(step, ""),
    )
    return render(
        request,
        f"applications/step_{step}.html",
        context,
        status=400 if show_errors and request.method == "POST" else 200,
    )


def _warnings(step: str, form: Any) -> list[str]:
    if step != "employment" or not form.is_valid():
        return []
    pairs = selectors.employment_overlaps(form.rows())
    return [
        _(
            "Jobs %(a)s and %(b)s overlap in time. That is allowed, but overlapping months count only once "
            "towards the required work experience."
        )
        % {"a": a, "b": b}
        for a, b in pairs
    ]


@verified_applicant
@require_POST
def application_autosave(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """htmx: keep what was typed (valid or not) as the applicant goes; answer with a short status line."""
    application = selectors.application_get_own(user=request_user(request), pk=pk)
    if step not in selectors.FORM_STEPS:
        raise Http404
    now = _now()
    raw = raw_from_post(request.POST)
    form = steps.build_form(step, application, raw)
    valid = form.is_valid()
    try:
        services.draft_step_store(application=application, step=step, data=raw, is_valid=valid, now=now)
        if valid:
            steps.save(step, application, form, actor=request_user(request), now=now)
    except services.ApplicationError as error:
        return render(request, "applications/_autosave.html", {"error": error.message}, status=409)
    return render(
        request,
        "applications/_autosave.html",
        {"saved_at": timezone.localtime(now), "valid": valid},
    )


def _documents(request: HttpRequest, application: Any) -> HttpResponse:
    now = _now()
    form = DocumentUploadForm()
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            document = get_object_or_404(
                Document, application=application, public_id=request.POST.get("document")
            )
            try:
                services.document_delete(document=document, actor=request_user(request), now=now)
                messages.success(request, _("The document was removed."))
            except services.ApplicationError as error:
                messages.error(request, error.message)
            return redirect("portal:step", pk=application.pk, step="documents")
        form = DocumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.document_store(
                    application=application,
                    actor=request_user(request),
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    sha256=form.sha256,
                    pages=form.pages,
                    now=now,
                )
            except services.ApplicationError as error:
                messages.error(request, error.message)
                return redirect("portal:step", pk=application.pk, step="documents")
            messages.success(
                request,
                _("Uploaded: %(kind)s.") % {"kind": DocumentKind(form.cleaned_data["kind"]).label},
            )
            return redirect("portal:step", pk=application.pk, step="documents")
        status = 400
    documents = {d.kind: d for d in application.documents.all()}
    slots = [{"kind": kind, "document": documents.get(kind.value)} for kind in selectors.REQUIRED_DOCUMENTS]
    errors = []
    if form.errors:
        for bound in form:
            for message in bound.errors:
                errors.append({"anchor": bound.id_for_label, "text": f"{bound.label}: {message}"})
    context = _step_context(
        request,
        application,
        "documents",
        form=form,
        slots=slots,
        errors=errors,
        show_errors=bool(errors),
        max_mb=_max_mb(),
    )
    return render(request, "applications/step_documents.html", context, status=status)


def _max_mb() -> int:
    from django.conf import settings

    return int(settings.JPO_MAX_UPLOAD_MB)


def _review(request: HttpRequest, application: Any) -> HttpResponse:
    if application.status != Status.DRAFT:
        return redirect("portal:status", pk=application.pk)
    now = _now()
    result = selfcheck.run(application)
    missing = selectors.application_missing(application)
    refusal = windows.submission_refusal(application.cycle, now)
    lang = "ja" if (get_language() or "ja").startswith("ja") else "en"
    context = _step_context(
        request,
        application,
        "review",
        result=result,
        lang=lang,
        missing=missing,
        refusal=refusal,
        can_submit=result.available and not result.failed and not missing and refusal is None,
    )
    return render(request, "applications/step_review.html", context)


@verified_applicant
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_own(user=request_user(request), pk=pk)
    try:
        submission, created = services.application_submit(
            application=application,
            actor=request_user(request),
            language=get_language() or "ja",
            now=_now(),
            status_url=absolute_url(reverse("portal:status", args=[application.pk])),
        )
    except services.ApplicationError as error:
        messages.error(request, error.message)
        return redirect("portal:step", pk=application.pk, step="review")
    if created:
        messages.success(
            request,
            _(
                "Your application was submitted. Receipt number: %(receipt)s. A confirmation e-mail is on its way."
            )
            % {"receipt": submission.receipt_number},
        )
    else:
        messages.info(
            request,
            _("This application was already submitted (receipt number %(receipt)s); nothing was sent twice.")
            % {"receipt": submission.receipt_number},
        )
    return redirect("portal:status", pk=application.pk)


@require_GET
def application_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Status page: the applicant follows the application; staff allowed to see it may open it too."""
    application = selectors.application_get_for_user(user=request_user(request), pk=pk)
    services.personal_data_read(
        actor=request_user(request),
        applicant_id=application.applicant_id,
        what="application",
        target=application,
        path=request.path,
    )
    context = selectors.application_status_page(application=application)
    now = _now()
    app = context["application"]
    context.update(
        {
            "is_owner": app.applicant.user_id == request.user.pk,
            "can_withdraw": app.applicant.user_id == request.user.pk
            and app.status in services.WITHDRAWABLE
            and not windows.past_deadline(app.cycle, now),
            "submitted_at": windows.format_instant(app.submitted_at) if app.submitted_at else None,
            "deadline": windows.format_instant(app.cycle.applications_close),
            "lang": "ja" if (get_language() or "ja").startswith("ja") else "en",
        }
    )
    return render(request, "applications/status.html", context)


@verified_applicant
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_own(user=request_user(request), pk=pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that you want to withdraw."))
        return redirect("portal:status", pk=application.pk)
    try:
        services.application_withdraw(
            application=application,
            actor=request_user(request),
            reason=request.POST.get("reason", "")[:1000],
            now=_now(),
        )
    except services.ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your application was withdrawn."))
    return redirect("portal:status", pk=application.pk)


@require_GET
def document_download(request: HttpRequest, public_id: str) -> FileResponse:
    """Only the applicant and staff allowed to see the application (applications.view_application).

    Named by the system (receipt number and kind, `.pdf`: every stored document was checked to be a
    PDF), never by the uploader's file name.
    """
    document = selectors.document_get_for_user(user=request_user(request), public_id=public_id)
    services.personal_data_read(
        actor=request_user(request),
        applicant_id=document.application.applicant_id,
        what=f"document:{document.kind}",
        target=document,
        path=request.path,
    )
    application = document.application
    return file_download(
        document.file.open("rb"),
        application.receipt_number or f"application-{application.pk}",
        document.kind,
        extension="pdf",
    )


@role_required(Role.APPLICANT)
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    """The applicant's own data, as a JSON file they keep (their right to a copy)."""
    data = selectors.applicant_data_export(user=request_user(request))
    response = bytes_download(json.dumps(data, ensure_ascii=False, indent=2), "jpo-my-data", extension="json")
    response["Cache-Control"] = "private, no-store"
    return response


DUPLICATE_COLUMNS = (
    Column(gettext_lazy("Flagged"), "flagged", ("flagged_at",)),
    Column(gettext_lazy("Reason"), "reason", ("reason",)),
    Column(gettext_lazy("Record"), "record", ("applicant__family_name", "applicant__given_name")),
    Column(gettext_lazy("Other record"), "other", ("other__family_name", "other__given_name")),
)
DUPLICATE_FILTERS = (
    Filter("reason", gettext_lazy("Reason"), "reason", choices=DuplicateReason.choices),
    Filter(
        "q",
        gettext_lazy("Name or e-mail address"),
        (
            "applicant__family_name__icontains",
            "applicant__given_name__icontains",
            "applicant__email__icontains",
            "other__family_name__icontains",
            "other__given_name__icontains",
            "other__email__icontains",
        ),
    ),
)


@role_required(Role.OFFICER)
@require_http_methods(["GET", "POST"])
def officer_duplicates(request: HttpRequest) -> HttpResponse:
    """Open flags a page at a time; the officer resolves the ticked ones, or every one matching the
    filter, with one note."""
    flags = selectors.duplicate_flags_open()
    status = 200
    if request.method == "POST":
        picked = chosen(request.POST, flags, DUPLICATE_FILTERS)
        if picked is None:
            messages.error(request, _("Tick at least one row, or choose every row matching the filter."))
            status = 400
        else:
            n = services.duplicates_resolve(
                flags=picked,
                actor=request_user(request),
                resolution=request.POST.get("resolution", "")[:1000],
            )
            messages.success(request, _("%(n)s marked as resolved.") % {"n": n})
            return redirect(request.get_full_path())
    page = listing(
        request, flags, columns=DUPLICATE_COLUMNS, filters=DUPLICATE_FILTERS, default_sort="-flagged"
    )
    return render(request, "applications/officer_duplicates.html", {"listing": page}, status=status)


@role_required(Role.OFFICER)
@require_POST
def officer_duplicate_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_object_or_404(DuplicateFlag, pk=pk)
    services.duplicate_resolve(
        flag=flag, actor=request_user(request), resolution=request.POST.get("resolution", "")[:1000]
    )
    messages.success(request, _("Marked as resolved."))
    return redirect("portal:officer_duplicates")


NEEDS_REVIEW_COLUMNS = (
    Column(gettext_lazy("Receipt number"), "receipt", ("application__receipt_number",)),
    Column(gettext_lazy("Applicant"), "name", ("application__applicant__family_name",)),
    Column(gettext_lazy("Ministry's endorsement")),
    Column(gettext_lazy("Criteria to review")),
    Column(gettext_lazy("Done")),
)
NEEDS_REVIEW_FILTERS = (
    Filter(
        "q",
        gettext_lazy("Receipt number or name"),
        (
            "application__receipt_number__icontains",
            "application__applicant__family_name__icontains",
            "application__applicant__given_name__icontains",
        ),
    ),
)


@role_required(Role.OFFICER)
@require_GET
def officer_needs_review(request: HttpRequest) -> HttpResponse:
    lang = "ja" if (get_language() or "ja").startswith("ja") else "en"
    page = listing(
        request,
        selectors.needs_review_checks(),
        columns=NEEDS_REVIEW_COLUMNS,
        filters=NEEDS_REVIEW_FILTERS,
        default_sort="",  # the order they came in (ids follow the submission checks)
    )
    return render(request, "applications/officer_needs_review.html", {"listing": page, "lang": lang})


@role_required(Role.OFFICER)
@require_POST
def officer_check_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_object_or_404(EligibilityCheck, pk=pk)
    services.eligibility_check_mark_reviewed(check=check, actor=request_user(request))
    messages.success(request, _("Marked as reviewed."))
    return redirect("portal:officer_needs_review")


# --- Ministry HR officers: the ministry's endorsement of its civil servants' applications ----------


ENDORSEMENT_COLUMNS = (
    Column(
        gettext_lazy("Applicant"),
        "name",
        ("application__applicant__family_name", "application__applicant__given_name"),
    ),
    Column(gettext_lazy("Cycle"), "cycle", ("application__cycle__fiscal_year",)),
    Column(gettext_lazy("Track"), "track", ("application__track__kind",)),
    Column(gettext_lazy("Submitted at"), "submitted", ("application__submitted_at",)),
    Column(
        gettext_lazy("Endorsement"),
        "endorsement",
        ("decided", "-decided_at", "application__submitted_at", "requested_at"),
    ),
)


def _endorsement_filters() -> tuple[Filter, ...]:
    years = Cycle.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True)
    return (
        Filter("status", gettext_lazy("Endorsement"), "status", choices=EndorsementStatus.choices),
        Filter(
            "cycle",
            gettext_lazy("Cycle"),
            "application__cycle__fiscal_year",
            choices=[(fy, fiscal_year_label(fy)) for fy in years],
        ),
        Filter(
            "q",
            gettext_lazy("Name"),
            (
                "application__applicant__family_name__icontains",
                "application__applicant__given_name__icontains",
            ),
        ),
    )


@role_required(Role.MINISTRY_HR)
@require_GET
def ministry_endorsements(request: HttpRequest) -> HttpResponse:
    """The ministry's civil servants who applied, a page at a time: pending requests first (oldest
    submission first), then decided ones (newest decision first), unless the user sorts otherwise."""
    page = listing(
        request,
        selectors.endorsement_requests_for_ministry_hr(user=request_user(request)),
        columns=ENDORSEMENT_COLUMNS,
        filters=_endorsement_filters(),
        default_sort="endorsement",
    )
    return render(request, "applications/ministry_endorsements.html", {"listing": page})


@role_required(Role.MINISTRY_HR)
@require_http_methods(["GET", "POST"])
def ministry_endorsement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    endorsement = selectors.endorsement_get_for_ministry_hr(user=request_user(request), pk=pk)
    services.personal_data_read(
        actor=request_user(request),
        applicant_id=endorsement.application.applicant_id,
        what="endorsement",
        target=endorsement.application,
        path=request.path,
    )
    form = EndorsementDecisionForm()
    status = 200
    refusal = None
    if request.method == "POST":
        form = EndorsementDecisionForm(request.POST)
        if form.is_valid():
            try:
                services.endorsement_decide(
                    endorsement=endorsement,
                    actor=request_user(request),
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                    now=_now(),
                )
            except services.EndorsementError as error:
                if error.field:
                    form.add_error(error.field, error.message)
                    status = 400
                else:
                    refusal = error.message
                    status = 409 if error.already_decided else 400
                endorsement = selectors.endorsement_get_for_ministry_hr(user=request_user(request), pk=pk)
            else:
                messages.success(request, _("Your decision was recorded and the applicant was informed."))
                return redirect("portal:ministry_endorsements")
        else:
            status = 400
    errors = [
        {"anchor": form[name].id_for_label if name in form.fields else "", "text": message}
        for name, messages_ in form.errors.items()
        for message in messages_
    ]
    application = endorsement.application
    return render(
        request,
        "applications/ministry_endorsement_detail.html",
        {
            "endorsement": endorsement,
            "application": application,
            "submitted_at": windows.format_instant(application.submitted_at)
            if application.submitted_at
            else None,
            "form": form,
            "errors": errors,
            "refusal": refusal,
        },
        status=status,
    )


# --- Sign-up and profile (the account with its Applicant record) --------------------------------------


@public
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """The same answer and one e-mail whether or not the address is registered (see the service)."""
    if request.user.is_authenticated:
        return redirect("portal:home")
    if request.method == "POST" and throttled(request, "signup"):
        return too_many_requests(request, "signup")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        applicant_signup_request(
            email=data["email"],
            password=data["password1"],
            family_name=data["family_name"],
            given_name=data["given_name"],
            birth_date=data["birth_date"],
            language=get_language() or "ja",
            login_url=absolute_url(reverse("login")),
            reset_url=absolute_url(reverse("accounts:password_reset")),
        )
        request.session["signup_email"] = data["email"]
        return redirect("applicant:signup_sent")
    return render(request, "applications/signup.html", {"form": form}, status=400 if form.errors else 200)


@public
@require_http_methods(["GET"])
def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request, "applications/signup_sent.html", {"email": request.session.get("signup_email", "")}
    )


@role_required(Role.APPLICANT)
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    applicant = Applicant.objects.filter(user=user).first()
    initial: dict[str, Any] = {"preferred_language": user.preferred_language}
    if applicant is not None:
        initial.update(
            {
                "family_name": applicant.family_name,
                "given_name": applicant.given_name,
                "family_name_kana": applicant.family_name_kana,
                "given_name_kana": applicant.given_name_kana,
                "birth_date": applicant.birth_date,
            }
        )
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        applicant_profile_update(user=user, applicant=applicant, data=form.cleaned_data)
        if applicant is not None and services.applicant_flag_duplicates(applicant=applicant):
            messages.warning(
                request,
                _("Another record has the same name and date of birth: the programme officer will check."),
            )
        messages.success(request, _("Your profile was saved."))
        return redirect("applicant:profile")
    return render(
        request,
        "applications/profile.html",
        {"form": form, "applicant": applicant},
        status=400 if form.errors else 200,
    )

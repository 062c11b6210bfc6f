"""The officer's desk: the applications list (and its exports), the applicant whole, the dossier."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from jpo.accounts.access import request_user, role_required
from jpo.accounts.models import Role
from jpo.applications.services import personal_data_read
from jpo.desk import exports, selectors
from jpo.desk.dossier import application_dossier_pdf
from jpo.safety.downloads import CONTENT_TYPES, bytes_download, download_name

officer_only = role_required(Role.OFFICER)


def _lang() -> str:
    return "ja" if (get_language() or "ja").startswith("ja") else "en"


@officer_only
@require_GET
def applications(request: HttpRequest) -> HttpResponse:
    """Every application: filters, free-text search, sorting, pages, exports of all matches."""
    try:
        rows = selectors.applications_listing(request, user=request_user(request))
    except selectors.FilterError as error:
        return render(request, "desk/applications.html", {"error": error}, status=400)
    export_query = urlencode([(k, v) for k, v in request.GET.items() if k not in ("page", "size")])
    return render(
        request,
        "desk/applications.html",
        {"listing": rows, "export_query": export_query, "lang": _lang()},
    )


@officer_only
@require_GET
def applications_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """All matching applications (not only one page), in the list's order, as CSV (streamed) or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    try:
        rows = selectors.applications_listing(request, user=request_user(request)).queryset
    except selectors.FilterError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        return bytes_download(exports.applications_xlsx(rows), "applications", stamp, extension="xlsx")
    response = StreamingHttpResponse(exports.applications_csv(rows), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = (
        f'attachment; filename="{download_name("applications", stamp, extension="csv")}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(Role.OFFICER, Role.FOCAL_POINT)
@require_GET
def applicant(request: HttpRequest, pk: int) -> HttpResponse:
    """One person across cycles (the read is recorded: who saw whose personal data). Officers see
    everything; a focal point sees only the applications forwarded to their organization
    (`access.scope_applicant_record`), with what their dossiers hold."""
    person = selectors.applicant_get(user=request_user(request), pk=pk)
    personal_data_read(
        actor=request_user(request),
        applicant_id=person.pk,
        what="applicant",
        target=person,
        path=request.path,
    )
    context = selectors.applicant_whole(user=request_user(request), applicant=person)
    context["lang"] = _lang()
    return render(request, "desk/applicant.html", context)


@require_GET
def dossier(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF dossier of one application, for officers, its panel and the organization it was
    forwarded to (`access.scope_dossiers`); anyone else gets 404."""
    application = selectors.dossier_application(user=request_user(request), pk=pk)
    personal_data_read(
        actor=request_user(request),
        applicant_id=application.applicant_id,
        what="dossier",
        target=application,
        path=request.path,
    )
    content = application_dossier_pdf(application, lang=_lang())
    response = bytes_download(
        content, "dossier", application.receipt_number or f"application-{application.pk}", extension="pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response

"""Workforce pages: dashboard (officers, analysts; aggregates only), exports, PDF report, census upload (officers)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from jpo.accounts.access import has_role, role_required
from jpo.accounts.models import Role
from jpo.core.tabular import ImportRefused
from jpo.safety.cells import write_csv
from jpo.safety.downloads import bytes_download
from jpo.workforce import charts
from jpo.workforce.exports import table_csv, table_xlsx
from jpo.workforce.forms import CensusUploadForm
from jpo.workforce.models import CensusImport
from jpo.workforce.report import workforce_report_pdf
from jpo.workforce.selectors import census_import_list, dashboard_tables
from jpo.workforce.services import census_import_create, census_imports_expire
from jpo.workforce.tasks import census_import_task

READERS = (Role.OFFICER, Role.ANALYST)
SERIES_CAPTION = _(
    "Points are published MOFA counts; lines join only consecutive years, so a gap means no published figure. "
    "Dashed: each target from its baseline to its deadline."
)
SENIOR_CAPTION = _("Senior posts: D-1 and above, as counted by MOFA.")
WOMEN_CAPTION = _("Women among Japanese staff in professional and higher posts, as counted by MOFA.")
ORG_CAPTION = _("All nationalities: the CEB data used here has no breakdown by nationality.")
CHARTS = ("series", "senior", "women", "organizations")


def _chart(name: str, data: dict[str, Any]) -> str:
    if name == "series":
        return charts.series_chart(mofa=data["mofa"], statuses=data["statuses"])
    if name == "senior":
        return charts.senior_chart(mofa=data["mofa"])
    if name == "women":
        return charts.women_chart(mofa=data["mofa"])
    return charts.organization_bars(data["tables"]["organizations"])


@require_GET
@role_required(*READERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    data = dashboard_tables()
    tables = data["tables"]
    sections = [
        {
            "chart": _chart("series", data),
            "chart_name": "series",
            "caption": SERIES_CAPTION,
            "table": tables["targets"],
        },
        {"table": tables["mofa-series"]},
        {"chart": _chart("senior", data), "chart_name": "senior", "caption": SENIOR_CAPTION, "table": None},
        {"table": tables["sources"]},
        {
            "chart": _chart("women", data),
            "chart_name": "women",
            "caption": WOMEN_CAPTION,
            "table": tables["women"],
        },
        {"table": tables["former-jpos"]},
        {"table": tables["programme"]},
        {
            "chart": _chart("organizations", data),
            "chart_name": "organizations",
            "caption": ORG_CAPTION,
            "table": tables["organizations"],
        },
        {"table": tables["rankings"]},
    ]
    context = {
        **data,
        "sections": sections,
        "imports": census_import_list(limit=5) if has_role(request.user, Role.OFFICER) else None,
        "can_import": has_role(request.user, Role.OFFICER),
    }
    return render(request, "workforce/dashboard.html", context)


@require_GET
@role_required(*READERS)
def chart_svg(request: HttpRequest, name: str) -> HttpResponse:
    if name not in CHARTS:
        raise Http404
    svg = _chart(name, dashboard_tables())
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@require_GET
@role_required(*READERS)
def table_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    tables = dashboard_tables()["tables"]
    table = tables.get(slug)
    if table is None or fmt not in ("csv", "xlsx"):
        raise Http404
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            table_xlsx(table),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="jpo-workforce-{slug}-{stamp}.{fmt}"'
    return response


@require_GET
@role_required(*READERS)
def report_pdf(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(workforce_report_pdf(dashboard_tables()), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="jpo-workforce-{timezone.localdate().isoformat()}.pdf"'
    )
    return response


@require_http_methods(["GET", "POST"])
@role_required(Role.OFFICER)
def import_upload(request: HttpRequest) -> HttpResponse:
    form = CensusUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                with transaction.atomic():
                    census_import = census_import_create(
                        content=upload.read(),
                        file_name=upload.name,
                        source=form.cleaned_data["source"],
                        actor=request.user,  # type: ignore[arg-type]
                    )
                    transaction.on_commit(lambda: census_import_task.enqueue(census_import.pk))
            except ImportRefused as exc:
                form.add_error("source", "; ".join(e.message for e in exc.errors))
                status = 400
            else:
                return redirect("workforce:import_detail", pk=census_import.pk)
        else:
            status = 400
    return render(
        request,
        "workforce/import_upload.html",
        {"form": form, "imports": census_import_list()},
        status=status,
    )


def _import_or_404(pk: int) -> CensusImport:
    census_imports_expire(now=timezone.now())  # an import left by a killed worker shows as failed
    return get_object_or_404(CensusImport.objects.defer("content").select_related("imported_by"), pk=pk)


@require_GET
@role_required(Role.OFFICER)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "workforce/import_detail.html", {"census_import": _import_or_404(pk)})


@require_GET
@role_required(Role.OFFICER)
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "workforce/_import_progress.html", {"census_import": _import_or_404(pk)})


@require_GET
@role_required(Role.OFFICER)
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """Every problem of a refused import as CSV (the page lists the first 500)."""
    census_import = _import_or_404(pk)
    rows = [
        ["row", "column", "problem"],
        *([e["row"], e["column"], e["message"]] for e in census_import.errors),
    ]
    return bytes_download(
        write_csv(rows, bom=True).encode("utf-8"),
        "census-import",
        census_import.pk,
        "errors",
        extension="csv",
    )

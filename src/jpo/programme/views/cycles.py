"""The officer's pages to create and edit a cycle (not the Django admin)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jpo.accounts.access import request_user, role_required
from jpo.accounts.models import Role
from jpo.programme import selectors, services
from jpo.programme.forms import CycleForm, cycle_initial, cycle_initial_from
from jpo.programme.labels import fiscal_year_label
from jpo.programme.models import Cycle
from jpo.safety.versions import version_posted

officer_only = role_required(Role.OFFICER)


@officer_only
@require_GET
def cycle_list(request: HttpRequest) -> HttpResponse:
    return render(request, "programme/cycle_list.html", {"cycles": selectors.cycles_for_officer()})


def _save(request: HttpRequest, form: CycleForm, cycle: Cycle | None) -> Cycle | int:
    """Write the valid form through the service; on refusal, put the message on its field and return
    the status to answer (409: someone else saved the cycle since the form was read)."""
    data = form.cleaned_data
    arguments = {
        "windows": form.windows,
        "slots": data.get("slots"),
        "mofa_track": data["mofa_track"],
        "organization_track": data["organization_track"],
        "organizations": list(data["organizations"]),
        "source": data.get("source") or "",
        "actor": request_user(request),
    }
    try:
        if cycle is None:
            return services.cycle_create(
                fiscal_year=data["fiscal_year"], max_organizations=data.get("max_organizations"), **arguments
            )
        return services.cycle_update(
            cycle=cycle, expected_version=version_posted(request.POST.get("version")), **arguments
        )
    except services.CycleError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return 400
    except ValidationError as error:  # a stale or incomplete form
        form.add_error(None, error.messages[0])
        return getattr(error, "status_code", 400)


@officer_only
@require_http_methods(["GET", "POST"])
def cycle_create(request: HttpRequest) -> HttpResponse:
    newest = Cycle.objects.order_by("-fiscal_year").first()
    previous = newest
    if request.GET.get("from", "").isdigit():
        previous = Cycle.objects.filter(fiscal_year=int(request.GET["from"])).first() or newest
    next_year = (newest.fiscal_year + 1) if newest is not None else 2027
    if request.method == "POST":
        form = CycleForm(request.POST)
        status = 400
        if form.is_valid():
            saved = _save(request, form, None)
            if isinstance(saved, Cycle):
                messages.success(
                    request, _("%(cycle)s was created.") % {"cycle": fiscal_year_label(saved.fiscal_year)}
                )
                return redirect("programme:cycle", fy=saved.fiscal_year)
            status = saved
    else:
        form = CycleForm(initial=cycle_initial_from(previous, fiscal_year=next_year))
        status = 200
    return render(
        request,
        "programme/cycle_form.html",
        {"form": form, "cycle": None, "previous": previous},
        status=status,
    )


@officer_only
@require_GET
def cycle_detail(request: HttpRequest, fy: int) -> HttpResponse:
    return render(request, "programme/cycle_detail.html", {"cycle": selectors.cycle_get(fy)})


@officer_only
@require_http_methods(["GET", "POST"])
def cycle_edit(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    if request.method == "POST":
        form = CycleForm(request.POST, cycle=cycle, initial={"fiscal_year": cycle.fiscal_year})
        status = 400
        if form.is_valid():
            saved = _save(request, form, cycle)
            if isinstance(saved, Cycle):
                messages.success(
                    request, _("%(cycle)s was saved.") % {"cycle": fiscal_year_label(cycle.fiscal_year)}
                )
                return redirect("programme:cycle", fy=cycle.fiscal_year)
            status = saved
    else:
        form = CycleForm(initial=cycle_initial(cycle), cycle=cycle)
        status = 200
    return render(request, "programme/cycle_form.html", {"form": form, "cycle": cycle}, status=status)

"""The officer's pages for a cycle's rules that need no other app: starting a draft and one parameter's
edit form. The overview (which shows the latest screening run), the impact preview and publishing (which
re-screens) are selection's (`jpo.selection.views.rules`), under the same URLs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jpo import policy
from jpo.accounts.access import request_user, role_required
from jpo.accounts.models import Role
from jpo.policy.validation import in_language
from jpo.programme import selectors, services
from jpo.programme.forms import ParameterForm, parameter_initial
from jpo.programme.labels import fiscal_year_label
from jpo.programme.rules.errors import RuleSetError
from jpo.programme.rules.selectors import (
    draft_rule_set,
    parameter_entry,
)
from jpo.programme.rules.services import rule_set_create_for_cycle, rule_set_update_parameter
from jpo.safety.versions import version_posted

officer_only = role_required(Role.OFFICER)


def _lang() -> str:
    return "ja" if (translation.get_language() or "ja").startswith("ja") else "en"


@officer_only
@require_POST
def rules_draft_create(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    try:
        rule_set_create_for_cycle(cycle=cycle, actor=request_user(request))
    except RuleSetError:
        messages.error(
            request,
            _("%(cycle)s already has a draft of its rules.")
            % {"cycle": fiscal_year_label(cycle.fiscal_year)},
        )
    else:
        messages.success(
            request,
            _("A draft of the rules of %(cycle)s was started.")
            % {"cycle": fiscal_year_label(cycle.fiscal_year)},
        )
    return redirect("programme:rules", fy=fy)


@officer_only
@require_http_methods(["GET", "POST"])
def parameter_edit(request: HttpRequest, fy: int, name: str) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    if name not in policy.parameter_names():
        raise Http404
    draft = draft_rule_set(cycle)
    if draft is None:
        messages.error(request, _("Start a draft of the rules before changing them."))
        return redirect("programme:rules", fy=fy)
    row = next((r for r in draft.parameters.all() if r.name == name), None)
    entry = parameter_entry(row) if row is not None else None
    opened = services.cycle_window_opened(cycle, timezone.now())
    status = 200
    problems: list[str] = []
    if request.method == "POST":
        form = ParameterForm(request.POST, name=name, fiscal_year=fy, reason_required=opened)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                rule_set_update_parameter(
                    expected_version=version_posted(request.POST.get("version")),
                    rule_set=draft,
                    name=name,
                    value=form.value(),
                    source_label=data.get("source_label", ""),
                    source_url=data.get("source_url", ""),
                    note=data.get("note", ""),
                    reason=data.get("reason") or None,
                    actor=request_user(request),
                )
            except RuleSetError as error:
                problems = [in_language(p, _lang()) for ps in error.problems.values() for p in ps] or [
                    str(error)
                ]
            except ValidationError as error:  # a stale or incomplete form
                problems = error.messages
                status = getattr(error, "status_code", 400)
            else:
                messages.success(
                    request,
                    _("Saved in the draft: %(parameter)s.")
                    % {"parameter": selectors.parameter_description(name, _lang())},
                )
                return redirect("programme:rules", fy=fy)
    else:
        form = ParameterForm(
            initial=parameter_initial(name, entry, fiscal_year=fy),
            name=name,
            fiscal_year=fy,
            reason_required=opened,
        )
    return render(
        request,
        "programme/parameter_form.html",
        {
            "cycle": cycle,
            "form": form,
            "name": name,
            "description": selectors.parameter_description(name, _lang()),
            "current": selectors.entry_value_text(name, entry, fiscal_year=fy, lang=_lang()),
            "problems": problems,
            "window_opened": opened,
            "version": row.version if row is not None else 0,
        },
        status=status,
    )

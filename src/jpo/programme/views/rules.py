"""The officer's pages for a cycle's rules: the rule set beside the previous year's, one parameter's
edit form, the impact preview, and publishing (which re-screens once the window has opened)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jpo import policy
from jpo.accounts.access import request_user, role_required
from jpo.accounts.models import Role
from jpo.policy.validation import in_language
from jpo.programme import impact, selectors, services
from jpo.programme.forms import ParameterForm, parameter_initial
from jpo.programme.models import Cycle
from jpo.programme.rules.errors import RuleSetError
from jpo.programme.rules.selectors import (
    draft_rule_set,
    parameter_entry,
    published_rule_set,
    rule_set_diff,
)
from jpo.programme.rules.services import rule_set_create_for_cycle, rule_set_update_parameter
from jpo.programme.services import fiscal_year_label
from jpo.safety.versions import version_posted
from jpo.selection.models import ScreeningRun

officer_only = role_required(Role.OFFICER)


def _lang() -> str:
    return "ja" if (translation.get_language() or "ja").startswith("ja") else "en"


def _rows(rule_set: Any, cycle: Cycle) -> tuple[str, list[dict[str, Any]]]:
    lang, fy = _lang(), cycle.fiscal_year
    label, diffs = rule_set_diff(rule_set)
    rows = []
    for diff in diffs:
        source = (diff.entry or {}).get("source") or {}
        rows.append(
            {
                "name": diff.name,
                "description": selectors.parameter_description(diff.name, lang),
                "value": selectors.entry_value_text(diff.name, diff.entry, fiscal_year=fy, lang=lang),
                "previous": selectors.entry_value_text(
                    diff.name, diff.previous, fiscal_year=fy - 1, lang=lang
                ),
                "changed": diff.changed,
                "unknown": diff.entry is None or diff.entry.get("value") == "unknown",
                "source": source,
                "note": (diff.entry or {}).get("note", ""),
            }
        )
    return label, rows


def _previous_label(label: str, fiscal_year: int) -> str:
    if "published" in label:
        return _("FY%(fy)s as published") % {"fy": fiscal_year - 1}
    return _("FY%(fy)s in the cited history") % {"fy": fiscal_year - 1}


def _baseline_text(label: str) -> str:
    """Words for the rules a draft would replace (the label the rules services give them)."""
    found = re.search(r"FY(\d{4})", label)
    year = found.group(1) if found else ""
    if "published" in label:
        return _("the published rules of FY%(fy)s") % {"fy": year}
    return _("the cited history of FY%(fy)s (the policy files)") % {"fy": year}


@officer_only
@require_GET
def rules_overview(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    draft, published = draft_rule_set(cycle), published_rule_set(cycle)
    shown = draft or published
    context: dict[str, Any] = {"cycle": cycle, "draft": draft, "published": published, "shown": shown}
    if shown is not None:
        label, rows = _rows(shown, cycle)
        context.update(rows=rows, previous_label=_previous_label(label, fy))
        context["unknown_criteria"] = [
            selectors.parameter_description(n, _lang())
            for n in policy.unknown_criterion_parameters(
                {r["name"]: {"value": "unknown"} for r in rows if r["unknown"]}
            )
        ]
    context["run"] = ScreeningRun.objects.filter(cycle=cycle).first()
    context["window_opened"] = services.cycle_window_opened(cycle, timezone.now())
    context["sources"] = selectors.cycles_with_applications()
    return render(request, "programme/rules.html", context)


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


@officer_only
@require_GET
def impact_preview(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    draft = draft_rule_set(cycle)
    if draft is None:
        messages.error(request, _("Start a draft of the rules before previewing it."))
        return redirect("programme:rules", fy=fy)
    choices = list(selectors.cycles_with_applications())
    source = None
    asked = request.GET.get("applications", "")
    if asked.isdigit():
        source = next((c for c in choices if c.fiscal_year == int(asked)), None)
    if source is None:
        source = next((c for c in choices if c.fiscal_year == fy), None) or next(
            (c for c in choices if c.fiscal_year < fy), None
        )
    result = impact.impact_preview(draft=draft, source=source) if source is not None else None
    lang = _lang()
    rows = []
    if result is not None:
        for criterion in result.criteria:
            rows.append(
                {
                    "id": criterion.id,
                    "title": policy.CRITERION_TITLES[criterion.id][lang],
                    "changed": criterion.changed,
                    "moves": [
                        {
                            "before": policy.OUTCOME_LABELS[a][lang],
                            "after": policy.OUTCOME_LABELS[b][lang],
                            "count": n,
                        }
                        for (a, b), n in sorted(criterion.moves.items())
                    ],
                    "examples": [
                        {
                            "application": e["application"],
                            "before": e["before"][lang],
                            "after": e["after"][lang],
                        }
                        for e in criterion.examples
                    ],
                }
            )
    return render(
        request,
        "programme/impact.html",
        {
            "cycle": cycle,
            "choices": choices,
            "source": source,
            "result": result,
            "rows": rows,
            "baseline": _baseline_text(result.baseline_label) if result is not None else "",
            "limit": impact.PREVIEW_LIMIT,
        },
    )


@officer_only
@require_POST
def rules_publish(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = selectors.cycle_get(fy)
    draft = draft_rule_set(cycle)
    if draft is None:
        messages.error(request, _("There is no draft to publish."))
        return redirect("programme:rules", fy=fy)
    try:
        result = services.rule_set_publish_and_rescreen(
            rule_set=draft,
            actor=request_user(request),
            confirm_unknown=request.POST.get("confirm_unknown") == "on",
            reason=request.POST.get("reason", ""),
            expected_version=version_posted(request.POST.get("version")),
        )
    except services.CycleError as error:
        messages.error(request, error.message)
        return redirect("programme:rules", fy=fy)
    except ValidationError as error:  # a draft changed since the page was read, or no version posted
        messages.error(request, error.messages[0])
        return redirect("programme:rules", fy=fy)
    except RuleSetError as error:
        if error.unknown:
            names = ", ".join(selectors.parameter_description(n, _lang()) for n in error.unknown)
            messages.error(
                request,
                _(
                    "Not published: these rules are unknown: %(names)s. Tick the confirmation to publish anyway; "
                    "the applications that depend on them then go to review."
                )
                % {"names": names},
            )
        else:
            messages.error(request, _("Not published: the rules are not valid (%(why)s).") % {"why": error})
        return redirect("programme:rules", fy=fy)
    messages.success(
        request, _("The rules of %(cycle)s are published.") % {"cycle": fiscal_year_label(cycle.fiscal_year)}
    )
    if result.run is not None:
        messages.info(request, _("The submitted applications are being screened again under the new rules."))
    if result.rescreen_refused:
        messages.error(request, result.rescreen_refused)
    return redirect("programme:rules", fy=fy)

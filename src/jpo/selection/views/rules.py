"""The officer's pages for a cycle's rules that need the selection: the rule set beside the previous
year's with the cycle's latest screening run, the impact preview of a draft on real applications, and
publishing (which re-screens once the window has opened). Their URLs stay in the `programme` namespace
(`jpo.urls` mounts `rule_urls` there); starting a draft and editing a parameter are programme's pages."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jpo import policy
from jpo.accounts.access import request_user, role_required
from jpo.accounts.models import Role
from jpo.programme import selectors as programme_selectors
from jpo.programme.labels import fiscal_year_label
from jpo.programme.models import Cycle
from jpo.programme.rules.errors import RuleSetError
from jpo.programme.rules.selectors import draft_rule_set, published_rule_set, rule_set_diff
from jpo.programme.services import CycleError, cycle_window_opened
from jpo.safety.versions import version_posted
from jpo.selection.models import ScreeningRun
from jpo.selection.selectors import impact
from jpo.selection.services.rules import rule_set_publish_and_rescreen

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
                "description": programme_selectors.parameter_description(diff.name, lang),
                "value": programme_selectors.entry_value_text(
                    diff.name, diff.entry, fiscal_year=fy, lang=lang
                ),
                "previous": programme_selectors.entry_value_text(
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
    cycle = programme_selectors.cycle_get(fy)
    draft, published = draft_rule_set(cycle), published_rule_set(cycle)
    shown = draft or published
    context: dict[str, Any] = {"cycle": cycle, "draft": draft, "published": published, "shown": shown}
    if shown is not None:
        label, rows = _rows(shown, cycle)
        context.update(rows=rows, previous_label=_previous_label(label, fy))
        context["unknown_criteria"] = [
            programme_selectors.parameter_description(n, _lang())
            for n in policy.unknown_criterion_parameters(
                {r["name"]: {"value": "unknown"} for r in rows if r["unknown"]}
            )
        ]
    context["run"] = ScreeningRun.objects.filter(cycle=cycle).first()
    context["window_opened"] = cycle_window_opened(cycle, timezone.now())
    context["sources"] = programme_selectors.cycles_with_applications()
    return render(request, "selection/rules.html", context)


@officer_only
@require_GET
def impact_preview(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = programme_selectors.cycle_get(fy)
    draft = draft_rule_set(cycle)
    if draft is None:
        messages.error(request, _("Start a draft of the rules before previewing it."))
        return redirect("programme:rules", fy=fy)
    choices = list(programme_selectors.cycles_with_applications())
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
        "selection/rule_impact.html",
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
    cycle = programme_selectors.cycle_get(fy)
    draft = draft_rule_set(cycle)
    if draft is None:
        messages.error(request, _("There is no draft to publish."))
        return redirect("programme:rules", fy=fy)
    try:
        result = rule_set_publish_and_rescreen(
            rule_set=draft,
            actor=request_user(request),
            confirm_unknown=request.POST.get("confirm_unknown") == "on",
            reason=request.POST.get("reason", ""),
            expected_version=version_posted(request.POST.get("version")),
        )
    except CycleError as error:
        messages.error(request, error.message)
        return redirect("programme:rules", fy=fy)
    except ValidationError as error:  # a draft changed since the page was read, or no version posted
        messages.error(request, error.messages[0])
        return redirect("programme:rules", fy=fy)
    except RuleSetError as error:
        if error.unknown:
            names = ", ".join(programme_selectors.parameter_description(n, _lang()) for n in error.unknown)
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

"""Public pages, no login: the calls for applications and the web self-check (nothing is stored)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jpo import policy
from jpo.accounts.access import public
from jpo.accounts.throttle import throttled
from jpo.programme import calls, windows
from jpo.programme.forms import (
    DegreeFormSet,
    EmploymentFormSet,
    LanguageFormSet,
    SelfCheckForm,
    self_check_profile,
)
from jpo.programme.models import Cycle


def _lang(request: HttpRequest) -> str:
    asked = request.GET.get("lang", "")
    if asked in ("ja", "en"):
        return asked
    return "ja" if (translation.get_language() or "ja").startswith("ja") else "en"


def _cycle(fy: int) -> Cycle:
    cycle = calls.call_cycles().filter(fiscal_year=fy).first()
    if cycle is None:
        raise Http404
    return cycle


@public
@require_GET
def call_index(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = [
        {"cycle": c, "open": windows.applications_open(c, now), "can_start": windows.can_start(c, now)}
        for c in calls.call_cycles()
    ]
    return render(request, "programme/call_index.html", {"rows": rows})


@public
@require_GET
def call_detail(request: HttpRequest, fy: int) -> HttpResponse:
    cycle = _cycle(fy)
    lang = _lang(request)
    now = timezone.now()
    with translation.override(lang):
        call = calls.call_for(cycle, lang=lang)
        return render(
            request,
            "programme/call_detail.html",
            {
                "call": call,
                "cycle": cycle,
                "lang": lang,
                "other_lang": "en" if lang == "ja" else "ja",
                "can_start": windows.can_start(cycle, now),
            },
        )


@public
@require_http_methods(["GET", "POST"])
def self_check(request: HttpRequest, fy: int) -> HttpResponse:
    lang = _lang(request)
    with translation.override(lang):
        return _self_check(request, _cycle(fy), lang)


def _self_check(request: HttpRequest, cycle: Cycle, lang: str) -> HttpResponse:
    context: dict[str, object] = {"cycle": cycle, "lang": lang}
    if request.method == "GET":
        context.update(
            form=SelfCheckForm(),
            degrees=DegreeFormSet(prefix="degree"),
            employment=EmploymentFormSet(prefix="job"),
            language_tests=LanguageFormSet(prefix="test"),
        )
        return render(request, "programme/self_check.html", context)
    if throttled(request, "self_check"):  # per client address: settings.JPO_THROTTLES
        context["throttled"] = True
        return render(request, "programme/self_check.html", context, status=429)
    form = SelfCheckForm(request.POST)
    degrees = DegreeFormSet(request.POST, prefix="degree")
    employment = EmploymentFormSet(request.POST, prefix="job")
    language_tests = LanguageFormSet(request.POST, prefix="test")
    context.update(form=form, degrees=degrees, employment=employment, language_tests=language_tests)
    valid = all([form.is_valid(), degrees.is_valid(), employment.is_valid(), language_tests.is_valid()])
    if not valid:
        return render(request, "programme/self_check.html", context, status=400)
    try:
        decision = calls.cycle_decision(self_check_profile(form, degrees, employment, language_tests), cycle)
    except policy.ProfileError as error:
        context["profile_error"] = _("The answers cannot be judged: %(why)s") % {"why": error}
        return render(request, "programme/self_check.html", context, status=400)
    context["decision"] = decision
    context["verdict"] = policy.DECISION_LABELS[decision.outcome][lang]
    context["criteria"] = [
        {"id": c.id, "outcome": c.outcome, "message": dict(c.message)} for c in decision.criteria
    ]
    return render(request, "programme/self_check.html", context)

"""Analyst pages: projections with a fan chart, scenario comparison and backtest; scenario editor; targets.

Officers and analysts (aggregates only: no person appears in any projection)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jpo.accounts.access import role_required
from jpo.accounts.models import Role
from jpo.projections import charts, engine
from jpo.projections.cli import csv_text
from jpo.projections.engine import BacktestResult, Inputs, ProjectionResult
from jpo.projections.forms import ProjectionQueryForm, ScenarioForm, TargetForm
from jpo.projections.model import CalibrationError, year_of
from jpo.projections.models import Scenario
from jpo.projections.scenario import ScenarioError, parse
from jpo.projections.selectors import projection_inputs, scenario_list
from jpo.projections.services import scenario_delete, scenario_save, target_create
from jpo.safety.downloads import bytes_download

READERS = (Role.OFFICER, Role.ANALYST)
HORIZON = 11  # years shown after the last published figure unless asked otherwise
BACKTEST_LATER = 5  # default backtest: the latest fit year that leaves this many published figures to check


@dataclass
class Run:
    name: str
    scenario: Scenario | None
    result: ProjectionResult | None = None
    error: str = ""
    stated: dict[str, Any] = field(default_factory=dict)


def default_fit_until(inputs: Inputs) -> int | None:
    candidates = engine.fit_years(inputs)
    years = [p.year for p in inputs.published]
    fitting = [y for y in candidates if sum(1 for later in years if later > y) >= BACKTEST_LATER]
    return fitting[-1] if fitting else (candidates[0] if candidates else None)


def _runs(inputs: Inputs, scenarios: list[Scenario], until: int) -> list[Run]:
    runs = [Run(name=_("Today's policy"), scenario=None)]
    runs += [Run(name=s.name, scenario=s, stated=dict(s.parameters)) for s in scenarios]
    for run in runs:
        try:
            spec = parse(run.stated)
            run.result = engine.project(inputs, spec, until=until)
        except (ScenarioError, CalibrationError) as error:
            run.error = str(error)
    return runs


def _query(
    request: HttpRequest, inputs: Inputs
) -> tuple[ProjectionQueryForm, list[Scenario], int, int | None]:
    form = ProjectionQueryForm(request.GET or None)
    last = inputs.last.year
    scenarios = list(scenario_list()[:5])
    until, fit_until = last + HORIZON, default_fit_until(inputs)
    if request.GET:
        if not form.is_valid():
            raise ValueError
        scenarios = list(form.cleaned_data["scenario"])
        until = form.cleaned_data["until"] or until
        fit_until = form.cleaned_data["fit_until"] or fit_until
    return form, scenarios, until, fit_until


def _bad_query(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "projections/error.html", {"message": message}, status=400)


def _compute(request: HttpRequest) -> dict[str, Any] | HttpResponse:
    inputs = projection_inputs()
    if not inputs.published:
        return render(request, "projections/index.html", {"no_data": True})
    try:
        form, scenarios, until, fit_until = _query(request, inputs)
    except ValueError:
        form = ProjectionQueryForm(request.GET)
        form.is_valid()
        return _bad_query(
            request,
            "; ".join(
                f"{form.fields[k].label}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items()
            ),
        )
    if not inputs.last.year < until <= engine.MAX_HORIZON:
        return _bad_query(
            request,
            _("Project until a year after the last published figure (%(year)s) and not after %(max)s.")
            % {"year": inputs.last.year, "max": engine.MAX_HORIZON},
        )
    runs = _runs(inputs, scenarios, until)
    backtest: BacktestResult | None = None
    backtest_error = ""
    if fit_until is not None:
        try:
            backtest = engine.backtest(inputs, fit_until=fit_until)
        except (ScenarioError, CalibrationError) as error:
            backtest_error = str(error)
    return {
        "inputs": inputs,
        "form": form,
        "runs": runs,
        "until": until,
        "fit_until": fit_until,
        "fit_years": engine.fit_years(inputs),
        "backtest": backtest,
        "backtest_error": backtest_error,
        "target_years": [year_of(t.deadline) for t in inputs.targets],
        "error_colspan": 2 + 3 * len(inputs.targets),
        "paths_display": f"{engine.DEFAULT_PATHS:,}",
    }


def _chart(data: dict[str, Any]) -> str:
    inputs: Inputs = data["inputs"]
    return charts.fan_chart(
        title=_("Japanese staff in professional and higher posts: published and projected"),
        published=list(inputs.published),
        fans=[charts.Fan(run.name, run.result.rows) for run in data["runs"] if run.result is not None],
        targets=list(inputs.targets),
        target_years=data["target_years"],
    )


@require_GET
@role_required(*READERS)
def index(request: HttpRequest) -> HttpResponse:
    data = _compute(request)
    if isinstance(data, HttpResponse):
        return data
    data["chart"] = _chart(data)
    data["query"] = request.GET.urlencode()
    data["scenarios"] = scenario_list()
    return render(request, "projections/index.html", data)


@require_GET
@role_required(*READERS)
def chart_svg(request: HttpRequest) -> HttpResponse:
    data = _compute(request)
    if isinstance(data, HttpResponse):
        return data
    return HttpResponse(_chart(data), content_type="image/svg+xml; charset=utf-8")


@require_GET
@role_required(*READERS)
def export_csv(request: HttpRequest) -> HttpResponse:
    data = _compute(request)
    if isinstance(data, HttpResponse):
        return data
    runs = [run for run in data["runs"] if run.result is not None]
    sections: list[list[list[Any]]] = [
        [["scenario", "year", "p10", "p50", "p90"]]
        + [[run.name, r.year, r.p10, r.p50, r.p90] for run in runs for r in run.result.rows],
        [
            [
                "scenario",
                "target",
                "target_headcount",
                "deadline",
                "probability",
                "year_likely",
                "year_very_likely",
            ]
        ]
        + [
            [
                run.name,
                t.target.name,
                t.target.headcount,
                t.target.deadline.isoformat(),
                t.probability,
                t.year_likely,
                t.year_very_likely,
            ]
            for run in runs
            for t in run.result.targets
        ],
    ]
    backtest: BacktestResult | None = data["backtest"]
    if backtest is not None:
        sections.append(
            [
                [
                    "fit_until",
                    "year",
                    "forecast",
                    "p10",
                    "p90",
                    "published",
                    "error",
                    "last_value",
                    "linear_trend",
                ]
            ]
            + [
                [
                    backtest.fit_until,
                    r.year,
                    r.forecast,
                    r.p10,
                    r.p90,
                    r.published,
                    r.error,
                    r.last_value,
                    r.linear_trend,
                ]
                for r in backtest.rows
            ]
        )
        last, trend = backtest.baselines["last_value"], backtest.baselines["linear_trend"]
        sections.append(
            [
                ["measure", "model", "last_value", "linear_trend"],
                ["mae", backtest.mae, last[0], trend[0]],
                ["mape", backtest.mape, last[1], trend[1]],
            ]
        )
    return bytes_download(
        csv_text(sections), "jpo-projections", timezone.localdate().isoformat(), extension="csv"
    )


@require_http_methods(["GET", "POST"])
@role_required(*READERS)
def scenario_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(Scenario, pk=pk) if pk is not None else None
    form = ScenarioForm(request.POST or None, instance=instance)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = scenario_save(
                    actor=request.user,  # type: ignore[arg-type]
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    parameters=form.parameters(),
                    scenario=instance,
                )
            except (ScenarioError, CalibrationError) as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Scenario “%(name)s” saved.") % {"name": saved.name})
                return redirect(f"{_index_url()}?scenario={saved.pk}")
        status = 400
    inputs = projection_inputs()
    today = None
    if inputs.published:
        try:
            today = engine.project(inputs, until=inputs.last.year + 1, paths=200)
        except (ScenarioError, CalibrationError):
            today = None
    return render(
        request,
        "projections/scenario_form.html",
        {"form": form, "instance": instance, "today": today},
        status=status,
    )


def _index_url() -> str:
    from django.urls import reverse

    return reverse("projections:index")


@require_POST
@role_required(*READERS)
def scenario_remove(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=pk)
    scenario_delete(actor=request.user, scenario=scenario)  # type: ignore[arg-type]
    messages.success(request, _("Scenario “%(name)s” deleted.") % {"name": scenario.name})
    return redirect("projections:index")


@require_http_methods(["GET", "POST"])
@role_required(*READERS)
def target_new(request: HttpRequest) -> HttpResponse:
    form = TargetForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                target = target_create(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            except ScenarioError as error:
                form.add_error("deadline", str(error))
            else:
                messages.success(request, _("Target “%(name)s” added.") % {"name": target.name})
                return redirect("projections:index")
        status = 400
    return render(request, "projections/target_form.html", {"form": form}, status=status)

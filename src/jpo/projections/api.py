"""Read-only projections API (officers and analysts): saved scenarios, a projection, a backtest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from jpo.accounts.access import has_role
from jpo.accounts.models import Role
from jpo.projections import engine
from jpo.projections.model import CalibrationError
from jpo.projections.scenario import Scenario as ScenarioSpec
from jpo.projections.scenario import ScenarioError, parse
from jpo.projections.selectors import projection_inputs, scenario_list

router = Router(tags=["projections"])


class ScenarioOut(Schema):
    id: int
    name: str
    description: str
    parameters: dict[str, Any]
    updated_at: dt.datetime


class YearOut(Schema):
    year: int
    p10: float
    p50: float
    p90: float


class TargetOut(Schema):
    headcount: int
    deadline: dt.date
    probability: float | None


class ParameterOut(Schema):
    key: str
    label: str
    value: str
    basis: str
    method: str


class ProjectionOut(Schema):
    years: list[YearOut]
    targets: list[TargetOut]
    parameters: list[ParameterOut]


class BacktestYearOut(Schema):
    year: int
    forecast: float
    p10: float
    p90: float
    published: int
    error: float


class BaselineOut(Schema):
    mae: float
    mape: float


class BacktestOut(Schema):
    fit_until: int
    years: list[BacktestYearOut]
    mae: float
    mape: float
    baselines: dict[str, BaselineOut]


def _require_reader(request: HttpRequest) -> None:
    if not has_role(request.user, Role.OFFICER, Role.ANALYST):
        raise HttpError(403, "Officers and analysts only.")


@router.get("/projections/scenarios", response=list[ScenarioOut], summary="Saved scenarios (stated levers)")
def scenarios(request: HttpRequest) -> list[Any]:
    _require_reader(request)
    return list(scenario_list())


@router.get(
    "/projections/projection", response=ProjectionOut, summary="Percentiles per year and target probabilities"
)
def projection(request: HttpRequest, until: int, scenario: int | None = None) -> dict[str, Any]:
    _require_reader(request)
    spec = ScenarioSpec()
    if scenario is not None:
        saved = scenario_list().filter(pk=scenario).first()
        if saved is None:
            raise HttpError(404, "No such scenario.")
        spec = parse(saved.parameters)
    try:
        result = engine.project(projection_inputs(), spec, until=until)
    except (ScenarioError, CalibrationError) as error:
        raise HttpError(400, str(error)) from None
    return {**result.as_json(), "parameters": result.parameters}


@router.get("/projections/backtest", response=BacktestOut, summary="Backtest beside two naive baselines")
def backtest(request: HttpRequest, fit_until: int) -> dict[str, object]:
    _require_reader(request)
    try:
        return engine.backtest(projection_inputs(), fit_until=fit_until).as_json()
    except (ScenarioError, CalibrationError) as error:
        raise HttpError(400, str(error)) from None

"""From the app's data (read by the selectors into `Inputs`) and a scenario to a projection or a backtest.

No database here. Every parameter the model uses is listed with its value, whether it was estimated
from data or stated, and how: the page and the command line show that list beside the result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from jpo.programme.labels import published_date_label
from jpo.projections import model
from jpo.projections.model import Calibration, CalibrationError, Flows, Levers, Rate
from jpo.projections.scenario import Scenario, ScenarioError

DEFAULT_PATHS = 10_000
DEFAULT_SEED = 2026
MAX_HORIZON = 2100


@dataclass(frozen=True)
class Published:
    year: int  # the year-end the figure stands for (model.year_of)
    headcount: int
    label: str  # the reference date as published ("end 2024"): stored as such (a target's baseline)
    date: dt.date
    citation: str

    @property
    def shown(self) -> str:
        """The reference date in the reader's language: "end 2024" / "2024年末"."""
        return published_date_label(self.label) or self.date.isoformat()


@dataclass(frozen=True)
class Records:
    """Aggregates of the app's own dispatch and outcome records (no person in them)."""

    years: tuple[int, ...] = ()  # complete calendar years whose dispatches are averaged
    dispatches: int = 0  # dispatches starting in those years
    civil_servants: int = 0  # of which national civil servants
    retained: int = 0  # outcomes known, other than civil servants: a post at an international organization
    not_retained: int = 0
    civil_retained: int = 0
    civil_not_retained: int = 0

    @property
    def dispatches_per_year(self) -> float | None:
        return self.dispatches / len(self.years) if self.years else None

    @property
    def civil_share(self) -> float | None:
        return self.civil_servants / self.dispatches if self.dispatches else None


@dataclass(frozen=True)
class TargetSpec:
    name: str
    headcount: int
    deadline: dt.date
    source: str
    official: bool = True


@dataclass(frozen=True)
class Inputs:
    published: tuple[Published, ...]
    records: Records = field(default_factory=Records)
    targets: tuple[TargetSpec, ...] = ()
    dispatch_years: int | None = None
    dispatch_years_source: str = ""
    track_today: bool = True
    track_source: str = ""
    current_year: int | None = None  # a changed lever applies from this year at the earliest

    @property
    def observations(self) -> list[tuple[int, int]]:
        return [(p.year, p.headcount) for p in self.published]

    @property
    def last(self) -> Published:
        if not self.published:
            raise CalibrationError(
                _("No published figure of Japanese staff is loaded (run jpo load_workforce).")
            )
        return self.published[-1]


@dataclass(frozen=True)
class Parameter:
    key: str
    label: str
    value: str
    basis: str  # "estimated", "stated", "policy" or "not_estimable"
    method: str


@dataclass(frozen=True)
class TargetResult:
    target: TargetSpec
    deadline_year: int
    probability: float | None
    note: str
    year_likely: int | None = None  # first year reached on at least half the paths
    year_very_likely: int | None = None  # ... on at least nine paths in ten

    @property
    def percent(self) -> str:
        return "" if self.probability is None else f"{100 * self.probability:.0f}%"


@dataclass(frozen=True)
class YearRow:
    year: int
    p10: float
    p50: float
    p90: float


@dataclass
class ProjectionResult:
    rows: list[YearRow]
    targets: list[TargetResult]
    parameters: list[Parameter]
    calibration: Calibration
    start: Published
    paths: int
    seed: int

    def as_json(self) -> dict[str, Any]:
        return {
            "years": [{"year": r.year, "p10": r.p10, "p50": r.p50, "p90": r.p90} for r in self.rows],
            "targets": [
                {
                    "headcount": t.target.headcount,
                    "deadline": t.target.deadline.isoformat(),
                    "probability": t.probability,
                }
                for t in self.targets
            ],
        }


def _fmt_rate(value: float) -> str:
    return f"{100 * value:.1f}%"


def _calibrate(inputs: Inputs, scenario: Scenario, *, until_year: int | None = None) -> Calibration:
    observations = inputs.observations
    if scenario.fit_from is not None:
        observations = [(y, n) for y, n in observations if y >= scenario.fit_from]
    if until_year is not None:
        observations = [(y, n) for y, n in observations if y <= until_year]
    try:
        return model.calibrate(observations, separation_rate=scenario.separation_rate or 0.0)
    except CalibrationError:
        raise CalibrationError(
            _("At least three published figures are needed from %(start)s (found %(count)s).")
            % {"start": scenario.fit_from or _("the first year"), "count": len(observations)}
        ) from None


def _rate(stated: float | None, successes: int, failures: int) -> tuple[Rate | None, str]:
    if stated is not None:
        return Rate(value=stated), "stated"
    if successes + failures:
        return Rate.from_counts(successes, failures), "estimated"
    return None, ""


def _levers(inputs: Inputs, scenario: Scenario, start_year: int) -> tuple[Levers | None, list[Parameter]]:
    """Today's flows from the records (or stated), the scenario's flows, and the parameters they rest on."""
    rec = inputs.records
    params: list[Parameter] = []
    today_j = (
        scenario.today_dispatches_per_year
        if scenario.today_dispatches_per_year is not None
        else rec.dispatches_per_year
    )
    today_c = (
        scenario.today_civil_servant_share
        if scenario.today_civil_servant_share is not None
        else rec.civil_share
    )
    if today_j is not None:
        from_records = scenario.today_dispatches_per_year is None
        years = f"{rec.years[0]}–{rec.years[-1]}" if rec.years else ""
        params.append(
            Parameter(
                "today_dispatches_per_year",
                _("Today's JPO dispatches per year"),
                f"{today_j:.1f}",
                "estimated" if from_records else "stated",
                _(
                    "Mean of dispatches starting in each complete year with records (%(years)s): %(n)s dispatches in the app's records."
                )
                % {"years": years, "n": rec.dispatches}
                if from_records
                else _("Stated by the user."),
            )
        )
    if today_c is not None:
        from_records = scenario.today_civil_servant_share is None
        params.append(
            Parameter(
                "today_civil_servant_share",
                _("Today's share of civil servants among dispatches"),
                _fmt_rate(today_c),
                "estimated" if from_records else "stated",
                _("%(cs)s of %(n)s dispatches in the same years were national civil servants.")
                % {"cs": rec.civil_servants, "n": rec.dispatches}
                if from_records
                else _("Stated by the user."),
            )
        )
    r_today, r_basis = _rate(scenario.today_retention_rate, rec.retained, rec.not_retained)
    rc_today, rc_basis = _rate(
        scenario.today_civil_servant_retention_rate, rec.civil_retained, rec.civil_not_retained
    )
    counts_method = _(
        "Posts at an international organization after the dispatch among outcomes known in the app's records "
        "(%(kept)s of %(known)s); drawn per path from a Beta(%(kept)s + ½, %(lost)s + ½) distribution."
    )
    if r_today is not None:
        params.append(
            Parameter(
                "today_retention_rate",
                _("Today's retention after the dispatch (other than civil servants)"),
                _fmt_rate(r_today.value),
                r_basis,
                counts_method
                % {"kept": rec.retained, "lost": rec.not_retained, "known": rec.retained + rec.not_retained}
                if r_basis == "estimated"
                else _("Stated by the user."),
            )
        )
    if rc_today is not None:
        params.append(
            Parameter(
                "today_civil_servant_retention_rate",
                _("Today's retention after the dispatch (civil servants)"),
                _fmt_rate(rc_today.value),
                rc_basis,
                counts_method
                % {
                    "kept": rec.civil_retained,
                    "lost": rec.civil_not_retained,
                    "known": rec.civil_retained + rec.civil_not_retained,
                }
                if rc_basis == "estimated"
                else _("Stated by the user."),
            )
        )
    params.append(
        Parameter(
            "civil_servant_track",
            _("Civil-servant track today"),
            _("on") if inputs.track_today else _("off"),
            "policy",
            inputs.track_source or _("The programme's eligibility rules."),
        )
    )
    lag = scenario.dispatch_years if scenario.dispatch_years is not None else inputs.dispatch_years
    from_year = (
        scenario.from_year
        if scenario.from_year is not None
        else max(start_year + 1, inputs.current_year or 0)
    )
    mid = scenario.mid_career_entries_per_year or 0.0
    changes_jpo = any(
        v is not None
        for v in (
            scenario.dispatches_per_year,
            scenario.civil_servant_share,
            scenario.retention_rate,
            scenario.civil_servant_retention_rate,
        )
    ) or (scenario.civil_servant_track is not None and scenario.civil_servant_track != inputs.track_today)
    if not changes_jpo and not mid:
        return None, params
    if changes_jpo:
        if today_j is None:
            raise ScenarioError(
                _(
                    "The app has no dispatch records for recent years: state today_dispatches_per_year to change the JPO levers."
                )
            )
        if today_c is None:
            raise ScenarioError(
                _("state today_civil_servant_share: the app has no dispatch records to estimate it.")
            )
        if lag is None:
            raise ScenarioError(_("state dispatch_years: the programme's rules give no dispatch length."))
    today = Flows(
        dispatches=today_j or 0.0,
        civil_servant_share=today_c or 0.0,
        track_on=inputs.track_today,
        replaced=True,
    )
    track = scenario.civil_servant_track if scenario.civil_servant_track is not None else inputs.track_today
    refilled = (
        scenario.civil_servant_slots_refilled if scenario.civil_servant_slots_refilled is not None else True
    )
    flows = Flows(
        dispatches=scenario.dispatches_per_year
        if scenario.dispatches_per_year is not None
        else today.dispatches,
        civil_servant_share=scenario.civil_servant_share
        if scenario.civil_servant_share is not None
        else today.civil_servant_share,
        track_on=track,
        replaced=refilled,
    )
    r_scen = Rate(value=scenario.retention_rate) if scenario.retention_rate is not None else None
    rc_scen = (
        Rate(value=scenario.civil_servant_retention_rate)
        if scenario.civil_servant_retention_rate is not None
        else None
    )
    if changes_jpo:
        others_today, civil_today = today.split()
        others, civil = flows.split()
        if r_today is None and (others_today > 0 or (others > 0 and r_scen is None)):
            raise ScenarioError(
                _("state today_retention_rate: no outcome of a dispatch is recorded in the app.")
            )
        if rc_today is None and (civil_today > 0 or (civil > 0 and rc_scen is None)):
            raise ScenarioError(
                _(
                    "state today_civil_servant_retention_rate: no outcome of a civil servant's dispatch is recorded in the app."
                )
            )
    if not track and scenario.civil_servant_slots_refilled is None and today.civil_servant_share:
        params.append(
            Parameter(
                "civil_servant_slots_refilled",
                _("Civil servants' slots refilled"),
                _("yes"),
                "stated",
                _(
                    "Assumed in this scenario (the number of slots is set by the budget); set it to off to drop them."
                ),
            )
        )
    levers = Levers(
        today=today,
        scenario=flows,
        retention_today=r_today or Rate(value=0.0),
        retention_scenario=r_scen,
        civil_retention_today=rc_today or Rate(value=0.0),
        civil_retention_scenario=rc_scen,
        mid_career=mid,
        from_year=from_year,
        lag=lag or 0,
    )
    if scenario.from_year is None:
        params.append(
            Parameter(
                "from_year",
                _("First year the changed levers apply"),
                str(from_year),
                "stated",
                _("Default: the current year, or the year after the last published figure if later."),
            )
        )
    if lag is not None:
        params.append(
            Parameter(
                "dispatch_years",
                _("Years from a changed dispatch to a regular post"),
                str(lag),
                "stated" if scenario.dispatch_years is not None else "policy",
                _("Stated by the user.")
                if scenario.dispatch_years is not None
                else inputs.dispatch_years_source,
            )
        )
    return levers, params


def _calibration_parameters(calibration: Calibration, inputs: Inputs, scenario: Scenario) -> list[Parameter]:
    gaps = ", ".join(str(y) for y in calibration.gap_years) or _("none")
    method = _(
        "Weighted least squares on the %(steps)s steps between consecutive published figures, %(first)s–%(last)s; "
        "a gap of several years is one longer step (years without a figure: %(gaps)s)."
    ) % {
        "steps": calibration.steps,
        "first": calibration.years[0],
        "last": calibration.years[-1],
        "gaps": gaps,
    }
    s = calibration.separation_rate
    return [
        Parameter(
            "separation_rate",
            _("Share of staff leaving each year"),
            _fmt_rate(s),
            "stated" if scenario.separation_rate is not None else "not_estimable",
            _("Stated by the user.")
            if scenario.separation_rate is not None
            else _(
                "Not estimable: the census publishes headcounts, not departures. At 0, leavers are netted inside "
                "the entries per year; state a rate to model them apart."
            ),
        ),
        Parameter(
            "entries",
            _("Entries per year at today's policy"),
            _("%(value)s ± %(se)s (standard error)")
            % {"value": f"{calibration.entries:.1f}", "se": f"{calibration.entries_se:.1f}"},
            "estimated",
            method + " " + _("Drawn per path from a normal distribution with this standard error."),
        ),
        Parameter(
            "sigma",
            _("Year-to-year spread"),
            f"{calibration.sigma:.1f}",
            "estimated",
            _("Standard deviation of the same steps' residuals, per year."),
        ),
    ]


def _parameters_for(
    inputs: Inputs, scenario: Scenario, calibration: Calibration, start_year: int
) -> tuple[Levers | None, list[Parameter]]:
    levers, lever_params = _levers(inputs, scenario, start_year)
    params = _calibration_parameters(calibration, inputs, scenario) + lever_params
    for key, value in scenario.stated().items():
        if key.startswith("today_") or key in ("separation_rate", "dispatch_years"):
            continue
        from jpo.projections.scenario import HELP

        shown = _("on") if value is True else _("off") if value is False else str(value)
        params.append(Parameter(key, str(HELP[key]), shown, "stated", _("Stated in the scenario.")))
    return levers, params


def _target_results(inputs: Inputs, projection: model.Projection, until: int) -> list[TargetResult]:
    out = []
    last = inputs.last
    for target in inputs.targets:
        deadline_year = model.year_of(target.deadline)
        reached = [p for p in inputs.published if p.year <= deadline_year and p.headcount >= target.headcount]
        if reached:
            out.append(
                TargetResult(
                    target,
                    deadline_year,
                    1.0,
                    _("Reached in the published figures (%(label)s: %(n)s).")
                    % {"label": reached[0].shown, "n": reached[0].headcount},
                )
            )
            continue
        if deadline_year <= last.year:
            out.append(
                TargetResult(
                    target,
                    deadline_year,
                    None,
                    _(
                        "The deadline passed before the last published figure; not reached in any published figure."
                    ),
                )
            )
            continue
        by_year = projection.reached_by(target.headcount)
        likely = next((projection.first_year + i for i, p in enumerate(by_year) if p >= 0.5), None)
        very = next((projection.first_year + i for i, p in enumerate(by_year) if p >= 0.9), None)
        out.append(
            TargetResult(
                target,
                deadline_year,
                round(projection.probability_by(target.headcount, deadline_year), 3),
                _("Share of paths reaching the headcount in some year up to the deadline."),
                likely,
                very,
            )
        )
    return out


def project(
    inputs: Inputs,
    scenario: Scenario | None = None,
    *,
    until: int,
    paths: int = DEFAULT_PATHS,
    seed: int = DEFAULT_SEED,
) -> ProjectionResult:
    scenario = scenario or Scenario()
    start = inputs.last
    if not start.year < until <= MAX_HORIZON:
        raise ScenarioError(
            _("--until must come after the last published figure (%(year)s) and not after %(max)s.")
            % {"year": start.year, "max": MAX_HORIZON}
        )
    if scenario.from_year is not None and scenario.from_year <= start.year:
        raise ScenarioError(
            _("from_year must come after the last published figure (%(year)s).") % {"year": start.year}
        )
    calibration = _calibrate(inputs, scenario)
    levers, params = _parameters_for(inputs, scenario, calibration, start.year)
    horizon = max([until, *(min(model.year_of(t.deadline), MAX_HORIZON) for t in inputs.targets)])
    projection = model.project(
        calibration=calibration,
        start_year=start.year,
        start=start.headcount,
        until=max(horizon, until),
        levers=levers,
        paths=paths,
        seed=seed,
    )
    shown = until - start.year
    pct = np.percentile(projection.paths[:, :shown], model.PERCENTILES, axis=0)
    rows = [
        YearRow(year, round(float(pct[0, i]), 1), round(float(pct[1, i]), 1), round(float(pct[2, i]), 1))
        for i, year in enumerate(projection.years[:shown])
    ]
    return ProjectionResult(
        rows=rows,
        targets=_target_results(inputs, projection, until),
        parameters=params,
        calibration=calibration,
        start=start,
        paths=paths,
        seed=seed,
    )


# ---------------------------------------------------------------- backtest


@dataclass(frozen=True)
class BacktestRow:
    year: int
    label: str
    forecast: float
    p10: float
    p90: float
    published: int
    error: float
    last_value: float
    linear_trend: float


@dataclass
class BacktestResult:
    fit_until: int
    rows: list[BacktestRow]
    mae: float
    mape: float
    baselines: dict[str, tuple[float, float]]  # name -> (mae, mape)
    calibration: Calibration

    def as_json(self) -> dict[str, Any]:
        return {
            "fit_until": self.fit_until,
            "years": [
                {
                    "year": r.year,
                    "forecast": r.forecast,
                    "p10": r.p10,
                    "p90": r.p90,
                    "published": r.published,
                    "error": r.error,
                }
                for r in self.rows
            ],
            "mae": self.mae,
            "mape": self.mape,
            "baselines": {name: {"mae": m, "mape": p} for name, (m, p) in self.baselines.items()},
        }


def fit_years(inputs: Inputs) -> list[int]:
    """Years a backtest can fit up to: three published figures or more up to it, one or more after it."""
    years = [p.year for p in inputs.published]
    return years[2:-1]


def backtest(
    inputs: Inputs,
    *,
    fit_until: int,
    scenario: Scenario | None = None,
    paths: int = DEFAULT_PATHS,
    seed: int = DEFAULT_SEED,
) -> BacktestResult:
    """Fit on the published figures up to `fit_until`, forecast each later published year, compare."""
    scenario = replace(scenario or Scenario())
    years = [p.year for p in inputs.published]
    if fit_until not in years:
        raise ScenarioError(
            _("No published figure for %(year)s: fit on a year with one (%(years)s).")
            % {"year": fit_until, "years": ", ".join(str(y) for y in fit_years(inputs)) or _("none")}
        )
    later = [p for p in inputs.published if p.year > fit_until]
    if not later:
        raise ScenarioError(_("No published figure after %(year)s to compare with.") % {"year": fit_until})
    calibration = _calibrate(inputs, scenario, until_year=fit_until)
    fitted = [(y, n) for y, n in zip(calibration.years, calibration.headcounts, strict=True)]
    start = fitted[-1]
    projection = model.project(
        calibration=calibration,
        start_year=start[0],
        start=start[1],
        until=later[-1].year,
        paths=paths,
        seed=seed,
    )
    pct = projection.percentiles()
    index = {year: i for i, year in enumerate(projection.years)}
    later_years = [p.year for p in later]
    last = model.last_value(fitted, later_years)
    trend = model.linear_trend(fitted, later_years)
    rows = []
    for p, lv, lt in zip(later, last, trend, strict=True):
        i = index[p.year]
        forecast = float(pct[1, i])
        rows.append(
            BacktestRow(
                year=p.year,
                label=p.shown,
                forecast=round(forecast, 1),
                p10=round(float(pct[0, i]), 1),
                p90=round(float(pct[2, i]), 1),
                published=p.headcount,
                error=round(forecast - p.headcount, 1),
                last_value=round(lv, 1),
                linear_trend=round(lt, 1),
            )
        )
    published = [p.headcount for p in later]
    mae, mape = model.errors([float(pct[1, index[y]]) for y in later_years], published)
    baselines = {}
    for name, values in (("last_value", last), ("linear_trend", trend)):
        b_mae, b_mape = model.errors(values, published)
        baselines[name] = (round(b_mae, 2), round(b_mape, 2))
    return BacktestResult(
        fit_until=fit_until,
        rows=rows,
        mae=round(mae, 2),
        mape=round(mape, 2),
        baselines=baselines,
        calibration=calibration,
    )

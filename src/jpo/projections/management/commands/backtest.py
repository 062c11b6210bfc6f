"""`jpo backtest --fit-until 2018 [--format json|csv] [--paths N] [--seed N]`

Fits the model on the published figures up to --fit-until, forecasts every later year that has a published
figure (years without one are skipped, never filled), and prints forecast, published figure and error per
year, then the mean absolute error and mean absolute percentage error, beside two naive baselines (the
last value carried forward; a linear trend fitted on the same years). Exit 2 on bad input. Writes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from jpo.projections import engine
from jpo.projections.cli import ProjectionCommand, bad_input, csv_text
from jpo.projections.model import CalibrationError
from jpo.projections.scenario import ScenarioError
from jpo.projections.selectors import projection_inputs


class Command(ProjectionCommand):
    help = "Backtest the projection model on the published series, beside two naive baselines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fit-until", type=int, required=True, dest="fit_until", help="last year fitted")
        parser.add_argument("--format", choices=("json", "csv"), default="json", dest="output_format")
        parser.add_argument(
            "--paths", type=int, default=engine.DEFAULT_PATHS, help="Monte Carlo paths (100-100000)"
        )
        parser.add_argument("--seed", type=int, default=engine.DEFAULT_SEED, help="random seed")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 100 <= options["paths"] <= 100_000:
            raise bad_input(f"--paths must lie between 100 and 100000, not {options['paths']}")
        try:
            result = engine.backtest(
                projection_inputs(),
                fit_until=options["fit_until"],
                paths=options["paths"],
                seed=options["seed"],
            )
        except (ScenarioError, CalibrationError) as error:
            raise bad_input(f"--fit-until: {error}") from None
        if options["output_format"] == "json":
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
            return
        last, trend = result.baselines["last_value"], result.baselines["linear_trend"]
        self.stdout.write(
            csv_text(
                [
                    [
                        ["year", "forecast", "p10", "p90", "published", "error"],
                        *([r.year, r.forecast, r.p10, r.p90, r.published, r.error] for r in result.rows),
                    ],
                    [
                        ["measure", "model", "last_value", "linear_trend"],
                        ["mae", result.mae, last[0], trend[0]],
                        ["mape", result.mape, last[1], trend[1]],
                    ],
                ]
            ),
            ending="",
        )

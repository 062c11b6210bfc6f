"""`jpo project [--scenario FILE.yaml] --until 2035 [--format json|csv] [--paths N] [--seed N]`

Prints the 10th, 50th and 90th percentiles of the projected headcount per year, then the probability of
reaching each active target by its deadline. Without --scenario: today's policy. Exit 2 on bad input,
with one line on stderr naming what is wrong. Writes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from jpo.projections import engine
from jpo.projections.cli import ProjectionCommand, bad_input, csv_text, read_scenario
from jpo.projections.model import CalibrationError
from jpo.projections.scenario import ScenarioError
from jpo.projections.selectors import projection_inputs


class Command(ProjectionCommand):
    help = "Project Japanese staff in professional and higher posts (Monte Carlo percentiles, target probabilities)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scenario", metavar="FILE.yaml", help="levers stated in YAML; without it, today's policy"
        )
        parser.add_argument("--until", type=int, required=True, help="last year projected, e.g. 2035")
        parser.add_argument("--format", choices=("json", "csv"), default="json", dest="output_format")
        parser.add_argument(
            "--paths", type=int, default=engine.DEFAULT_PATHS, help="Monte Carlo paths (100-100000)"
        )
        parser.add_argument(
            "--seed", type=int, default=engine.DEFAULT_SEED, help="random seed (same seed, same result)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scenario = read_scenario(options["scenario"])
        if not 100 <= options["paths"] <= 100_000:
            raise bad_input(f"--paths must lie between 100 and 100000, not {options['paths']}")
        try:
            result = engine.project(
                projection_inputs(),
                scenario,
                until=options["until"],
                paths=options["paths"],
                seed=options["seed"],
            )
        except (ScenarioError, CalibrationError) as error:
            raise bad_input(str(error)) from None
        if options["output_format"] == "json":
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            csv_text(
                [
                    [["year", "p10", "p50", "p90"], *([r.year, r.p10, r.p50, r.p90] for r in result.rows)],
                    [
                        ["target_headcount", "deadline", "probability"],
                        *(
                            [t.target.headcount, t.target.deadline.isoformat(), t.probability]
                            for t in result.targets
                        ),
                    ],
                ]
            ),
            ending="",
        )

"""The decisions' JSON stays byte for byte what it was: every YAML case, and a generated set of profiles
judged under every known cycle (also under each cycle's YAML history given as a rule set), plus the
errors of malformed profiles. Each answer is kept as the SHA-256 of its JSON in `outputs.json`.

Work on speed must leave this file alone. A change of a rule, of its wording or of a parameter file
changes the answers on purpose: then check the difference and write the file again with
    JPO_POLICY_OUTPUTS_WRITE=1 .venv/bin/python -m pytest -q src/jpo/policy/tests/test_outputs_unchanged.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
from pathlib import Path
from typing import Any

from jpo.policy import Overlay, ProfileError, evaluate, history_rules, known_fiscal_years

from .test_cases import CASES, _jsonish

OUTPUTS = Path(__file__).resolve().parent / "outputs.json"


def generated_profiles(count: int, seed: int = 15) -> list[dict[str, Any]]:
    """Profiles with every kind of fact the rules read: several degrees, jobs (overlapping, ongoing,
    government), tests, organizations with deadline exceptions, flags."""
    rng = random.Random(seed)

    def day(first: dt.date, span_days: int) -> str:
        return (first + dt.timedelta(days=rng.randrange(span_days))).isoformat()

    profiles = []
    for i in range(count):
        jobs = []
        for _ in range(rng.randrange(5)):
            start = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(26 * 365))
            end = (
                None
                if rng.random() < 0.4
                else (start + dt.timedelta(days=rng.randrange(1, 1500))).isoformat()
            )
            jobs.append(
                {
                    "start": start.isoformat(),
                    "end": end,
                    "type": rng.choice(["full_time", "full_time", "part_time", "internship"]),
                    "sector": rng.choice(
                        ["private", "national_government", "international_organization", None]
                    ),
                }
            )
        profile: dict[str, Any] = {
            "birth_date": day(dt.date(1965, 1, 1), 40 * 365),
            "nationalities": rng.choice([["JP"], ["JP"], ["jp", "US"], ["US"], []]),
            "degrees": [
                {
                    "level": rng.choice(["bachelor", "master", "master", "doctorate"]),
                    "field": rng.choice(["economics", None]),
                    key: day(dt.date(1995, 1, 1), 32 * 365),
                }
                for key in rng.sample(["awarded", "expected", "awarded", "awarded"], rng.randrange(4))
            ],
            "employment": jobs,
            "language_tests": [
                {
                    "test": rng.choice(["toefl_ibt", "ielts", "other"]),
                    "score": rng.choice([rng.randrange(60, 120), rng.randrange(4, 9) + 0.5, 100.0]),
                    "taken": day(dt.date(2000, 1, 1), 27 * 365),
                }
                for _ in range(rng.randrange(4))
            ],
            "national_civil_servant": rng.random() < 0.2,
            "former_jpo": rng.random() < 0.05,
            "international_organization_staff": rng.random() < 0.05,
        }
        if i % 4 == 0:
            profile["organizations"] = rng.choice([["UNDP"], ["undp", "WFP"], ["WFP"], [" unicef "], []])
        profiles.append(profile)
    return profiles


MALFORMED: list[dict[str, Any]] = [
    {"birth_date": "1990-02-30"},
    {"nationalities": ["JPN"]},
    {"degrees": [{"level": "diploma", "awarded": "2015-03-01"}]},
    {"degrees": [{"level": "master"}]},
    {"employment": [{"start": "2016-04-01", "end": "2015-03-31", "type": "full_time"}]},
    {"employment": [{"start": "2016-04-01", "type": "full_time"}]},
    {"language_tests": [{"test": "toefl_ibt", "score": float("nan"), "taken": "2021-06-01"}]},
    {"language_tests": [{"test": "toeic", "score": 900, "taken": "2021-06-01"}]},
    {"national_civil_servant": None},
    {"organizations": [""]},
]


def answers() -> dict[str, str]:
    """Every answer's SHA-256, by a name that says which profile under which cycle and rules."""
    result: dict[str, str] = {}

    def keep(name: str, profile: Any, cycle: str, rules: Overlay | None = None) -> None:
        try:
            text = json.dumps(evaluate(profile, cycle, rules=rules).as_dict(), ensure_ascii=False)
        except ProfileError as error:
            text = f"ProfileError: {error}"
        result[name] = hashlib.sha256(text.encode()).hexdigest()

    for param in CASES:
        case, profile = param.values
        keep(f"case {param.id}", _jsonish(profile), case["cycle"])
    years = known_fiscal_years()
    generated = generated_profiles(3 * len(years))
    base = generated[0]
    for fy in years:
        overlay = Overlay(history_rules(fy))
        for i, profile in enumerate(generated):
            keep(f"generated {i} FY{fy}", profile, f"FY{fy}")
            if i % 3 == fy % 3:
                keep(f"generated {i} FY{fy} rule set", profile, f"FY{fy}", overlay)
    for i, fields in enumerate(MALFORMED):
        keep(f"malformed {i}", {**base, **fields}, "FY2022")
    return result


def test_every_answer_is_unchanged() -> None:
    actual = answers()
    if os.environ.get("JPO_POLICY_OUTPUTS_WRITE") == "1":
        OUTPUTS.write_text(json.dumps(actual, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(OUTPUTS.read_text(encoding="utf-8"))
    assert len(expected) > 2000, "the set covers every cycle"
    changed = sorted(name for name in expected if actual.get(name) != expected[name])
    assert not changed and set(actual) == set(expected), (
        f"{len(changed)} answers changed, e.g. {changed[:5]} (see this module's docstring)"
    )

"""evaluate() caches what depends only on the cycle (parameters, dates, rule wording); the answers must be
exactly those of an evaluation that starts from empty caches, whatever was evaluated before."""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
from collections.abc import Iterator
from typing import Any

import pytest

from jpo.policy import criteria, dates, decision, evaluate, known_fiscal_years, parameters, rules_version

from .test_cases import CASES, _jsonish
from .test_profile import EXAMPLE

# Loaders that read the YAML files once per process; they were cached before the per-cycle caches and
# are left alone so that a "fresh" evaluation costs milliseconds, not a re-read of every file.
_LOADERS = {"definitions", "cycles", "_cycles_data", "_files_version"}


def _derived_caches() -> Iterator[Any]:
    for module in (dates, parameters, criteria, decision):
        for name, value in vars(module).items():
            if hasattr(value, "cache_clear") and name not in _LOADERS:
                yield value


def _fresh(profile: Any, cycle: str) -> str:
    """The decision's JSON computed with every derived cache empty."""
    caches = list(_derived_caches())
    assert caches, "the per-cycle caches are found (else this test checks nothing)"
    for cached in caches:
        cached.cache_clear()
    return json.dumps(evaluate(copy.deepcopy(profile), cycle).as_dict(), ensure_ascii=False)


def _cached(profile: Any, cycle: str) -> str:
    return json.dumps(evaluate(copy.deepcopy(profile), cycle).as_dict(), ensure_ascii=False)


def _varied_profiles() -> list[tuple[dict[str, Any], str]]:
    """Profiles over every known cycle, with organizations (deadline exceptions), several jobs, tests and
    degrees, so that every branch of every criterion runs for every rule version."""
    rng = random.Random(4)
    result = []
    for i, fy in enumerate(known_fiscal_years() * 4):

        def day(first_year: int, span_days: int) -> str:
            return (dt.date(first_year, 1, 1) + dt.timedelta(days=rng.randrange(span_days))).isoformat()

        jobs = []
        for _ in range(rng.randrange(4)):
            start = dt.date(fy - 8, 1, 1) + dt.timedelta(days=rng.randrange(9 * 365))
            end = None if rng.random() < 0.4 else (start + dt.timedelta(days=rng.randrange(900))).isoformat()
            jobs.append(
                {
                    "start": start.isoformat(),
                    "end": end,
                    "type": rng.choice(["full_time", "part_time", "internship"]),
                    "sector": rng.choice(["private", "national_government", None]),
                }
            )
        profile: dict[str, Any] = {
            "birth_date": day(fy - 40, 12 * 365),
            "nationalities": rng.choice([["JP"], ["JP", "US"], ["US"], []]),
            "degrees": [
                {"level": rng.choice(["bachelor", "master", "doctorate"]), key: day(fy - 6, 8 * 365)}
                for key in rng.sample(["awarded", "expected", "awarded"], rng.randrange(3))
            ],
            "employment": jobs,
            "language_tests": [
                {
                    "test": rng.choice(["toefl_ibt", "ielts", "other"]),
                    "score": 7.5,
                    "taken": day(fy - 3, 4 * 365),
                }
                for _ in range(rng.randrange(3))
            ],
            "national_civil_servant": rng.random() < 0.2,
            "former_jpo": rng.random() < 0.1,
            "international_organization_staff": rng.random() < 0.1,
        }
        if i % 3 == 0:
            profile["organizations"] = rng.choice([["UNDP"], ["undp", "WFP"], ["WFP"]])
        result.append((profile, f"FY{fy}"))
    return result


VARIED = _varied_profiles()
ALL = [(_jsonish(p.values[1]), p.values[0]["cycle"]) for p in CASES] + VARIED


def test_a_cached_evaluation_equals_a_fresh_one_for_every_case_and_cycle() -> None:
    fresh = [_fresh(profile, cycle) for profile, cycle in ALL]
    # Warm every cache in a different order (newest cycle first), then answer again from the caches.
    for profile, cycle in reversed(ALL):
        evaluate(copy.deepcopy(profile), cycle)
    cached = [_cached(profile, cycle) for profile, cycle in ALL]
    differing = [i for i, (a, b) in enumerate(zip(fresh, cached, strict=True)) if a != b]
    assert not differing, f"{len(differing)} decisions differ, first: {ALL[differing[0]]}"
    assert len(ALL) >= 67 + 4 * len(known_fiscal_years())


def test_exception_organizations_are_part_of_the_cached_rule() -> None:
    base = copy.deepcopy(EXAMPLE)
    undp = {**copy.deepcopy(EXAMPLE), "organizations": ["UNDP"]}
    first = evaluate(undp, "FY2022").criterion("degree")
    plain = evaluate(base, "FY2022").criterion("degree")
    again = evaluate(undp, "FY2022").criterion("degree")
    assert first.applied.get("exception") == "UNDP" and "exception" not in plain.applied
    assert first.message == again.message != plain.message


@pytest.mark.parametrize("cycle", ["FY2019", "FY2020", "FY2022"])
def test_results_share_no_mutable_state_with_the_caches(cycle: str) -> None:
    before = evaluate(copy.deepcopy(EXAMPLE), cycle).as_dict()
    spoiled = evaluate(copy.deepcopy(EXAMPLE), cycle)
    for c in spoiled.criteria:
        c.rule["en"] = "spoiled"
        c.message["en"] = "spoiled"
        for value in c.applied.values():
            if isinstance(value, list):
                value.append("spoiled")
        c.applied["spoiled"] = True
    assert evaluate(copy.deepcopy(EXAMPLE), cycle).as_dict() == before


def test_rules_version_is_still_the_hash_of_the_files() -> None:
    decision_ = evaluate(copy.deepcopy(EXAMPLE), "FY2022")
    assert decision_.rules_version == rules_version()
    parameters._files_version.cache_clear()  # recomputed from the files: the same
    assert rules_version() == decision_.rules_version

"""Runs every YAML case in `jpo/policy/cases/`: each criterion's outcome must match the expectation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from jpo.policy import CRITERIA_IDS, OUTCOMES, evaluate

CASES_DIR = Path(__file__).resolve().parent.parent / "cases"


def _load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        defaults = (data.get("defaults") or {}).get("profile") or {}
        for case in data["cases"]:
            profile = {**defaults, **(case.get("profile") or {})}
            params.append(pytest.param(case, profile, id=f"{path.stem}: {case['name']}"))
    return params


CASES = _load_cases()


def _jsonish(value: Any) -> Any:
    """YAML reads unquoted dates as dates; the contract is JSON, where dates are strings."""
    if isinstance(value, dict):
        return {k: _jsonish(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonish(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@pytest.mark.parametrize(("case", "profile"), CASES)
def test_case(case: dict[str, Any], profile: dict[str, Any]) -> None:
    expected = case["expected"]
    assert set(expected) == set(CRITERIA_IDS), "a case states the outcome of every criterion"
    assert set(expected.values()) <= set(OUTCOMES)
    decision = evaluate(_jsonish(profile), case["cycle"])
    actual = {c.id: c.outcome for c in decision.criteria}
    assert actual == expected, "\n".join(
        c.message["en"] for c in decision.criteria if actual[c.id] != expected[c.id]
    )
    assert decision.eligible == all(v == "passed" for v in expected.values())


def test_there_are_cases_on_both_sides_of_every_rule_change() -> None:
    cycles_by_file: dict[str, set[str]] = {}
    for param in CASES:
        case = param.values[0]
        cycles_by_file.setdefault(param.id.split(":")[0], set()).add(case["cycle"])
    assert {"FY2005", "FY2006", "FY2018", "FY2019"} <= cycles_by_file["civil_servants"]
    assert {"FY2021", "FY2022"} <= cycles_by_file["language"]
    assert len(CASES) >= 50

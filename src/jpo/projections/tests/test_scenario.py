from __future__ import annotations

from typing import Any

import pytest

from jpo.projections.scenario import Scenario, ScenarioError, parse


def test_empty_scenario_is_todays_policy() -> None:
    assert parse(None) == Scenario()
    assert parse({"name": "x", "description": "y"}) == Scenario()


def test_values_are_parsed() -> None:
    spec = parse(
        {"dispatches_per_year": 60, "retention_rate": "0.55", "civil_servant_track": "off", "from_year": 2027}
    )
    assert spec.dispatches_per_year == 60.0
    assert spec.retention_rate == 0.55
    assert spec.civil_servant_track is False
    assert spec.from_year == 2027
    assert spec.stated() == {
        "dispatches_per_year": 60.0,
        "retention_rate": 0.55,
        "civil_servant_track": False,
        "from_year": 2027,
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"retension_rate": 0.5}, "Unknown scenario key “retension_rate”"),
        ({"retention_rate": 1.5}, "retention_rate must lie between 0 and 1"),
        ({"separation_rate": 1}, "separation_rate must lie between 0 and 1"),
        ({"dispatches_per_year": -1}, "dispatches_per_year must lie between 0 and 10,000"),
        ({"dispatches_per_year": "many"}, "dispatches_per_year must be a number"),
        ({"retention_rate": float("nan")}, "retention_rate must be a finite number"),
        ({"civil_servant_track": "maybe"}, "civil_servant_track must be on or off"),
        ({"from_year": 2026.5}, "from_year must be a whole number"),
        ({"dispatch_years": 0}, "dispatch_years must be a whole number from 1 to 10"),
        ([1, 2], "A scenario is a mapping"),
    ],
)
def test_bad_values_name_the_key(data: Any, message: str) -> None:
    with pytest.raises(ScenarioError) as excinfo:
        parse(data)
    assert message in str(excinfo.value)

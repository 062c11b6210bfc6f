"""Rule sets as overlays: evaluate(..., rules=...) uses them instead of the YAML history, for any cycle."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest

from jpo.policy import (
    CRITERION_PARAMETERS,
    Overlay,
    RulesError,
    UnknownCycleError,
    evaluate,
    history_rules,
    parameter,
    parameter_names,
    rules_version,
    unknown_criterion_parameters,
    unknown_date_bounds,
    validate_parameter,
)
from jpo.policy.parameters import definitions, resolve_date
from jpo.policy.parameters import known_fiscal_years as policy_years
from jpo.policy.validation import KINDS

from .test_cases import CASES, _jsonish
from .test_profile import EXAMPLE


def _decision_json(profile: Any, cycle: str, **kwargs: Any) -> dict[str, Any]:
    data = evaluate(copy.deepcopy(profile), cycle, **kwargs).as_dict()
    data.pop("rules_version")
    for criterion in data["criteria"]:
        criterion.pop("parameters")  # provenance differs (in force since...), the judgement must not
        criterion.pop("source")
    return data


@pytest.mark.parametrize(("case", "profile"), CASES)
def test_the_history_as_an_overlay_judges_every_case_as_the_yaml_does(
    case: dict[str, Any], profile: dict[str, Any]
) -> None:
    fy = int(case["cycle"][2:])
    overlay = Overlay(history_rules(fy), fiscal_year=fy)
    profile = _jsonish(profile)
    assert _decision_json(profile, case["cycle"], rules=overlay) == _decision_json(profile, case["cycle"])


def test_a_cycle_the_yaml_does_not_know_is_evaluated_under_an_overlay() -> None:
    with pytest.raises(UnknownCycleError, match="unknown cycle FY2027"):
        evaluate(EXAMPLE, "FY2027")
    rules = history_rules(2026)
    rules["experience_months"] = {"value": 24, "source": {"label": "FY2027 call", "url": None}}
    decision = evaluate(
        EXAMPLE, "FY2027", rules=Overlay(rules, applications=(date(2027, 2, 1), date(2027, 3, 3)))
    )
    assert decision.cycle == "FY2027" and decision.fiscal_year == 2027
    assert decision.criterion("experience").outcome == "passed"
    assert "FY2027" in decision.criterion("age").message["en"]
    language = decision.criterion("language")
    assert language.applied["application_window"] == [date(2027, 2, 1), date(2027, 3, 3)]
    assert decision.rules_version != rules_version()


def test_the_overlay_governs_and_never_leaks_into_the_yaml_caches() -> None:
    before = _decision_json(EXAMPLE, "FY2022")
    rules = history_rules(2022)
    rules["age_limit"] = {"value": 30, "source": {"label": "test", "url": None}}
    strict = Overlay(rules)
    assert evaluate(EXAMPLE, "FY2022", rules=strict).criterion("age").outcome == "failed"
    assert "30 or younger" in evaluate(EXAMPLE, "FY2022", rules=strict).criterion("age").message["en"]
    assert _decision_json(EXAMPLE, "FY2022") == before
    assert parameter("age_limit", 2022).value == 35
    assert parameter("age_limit", 2022, rules=strict).value == 30
    # A plain mapping is accepted as well, and an equal overlay is the same rules.
    assert evaluate(EXAMPLE, "FY2022", rules=rules).criterion("age").outcome == "failed"
    assert Overlay(rules) == strict and hash(Overlay(rules)) == hash(strict)


def test_a_parameter_missing_from_the_overlay_is_unknown() -> None:
    rules = history_rules(2022)
    del rules["nationality"]
    decision = evaluate(EXAMPLE, "FY2022", rules=rules)
    assert decision.criterion("nationality").outcome == "needs_review"
    assert decision.outcome == "needs_review"
    assert decision.as_dict()["eligible"] is None  # nothing failed: not "ineligible"
    assert "nationality" in unknown_criterion_parameters(rules)


def test_eligible_is_true_false_or_null() -> None:
    assert evaluate(EXAMPLE, "FY2022").as_dict()["eligible"] is True
    assert evaluate({**EXAMPLE, "nationalities": ["US"]}, "FY2022").as_dict()["eligible"] is False
    assert evaluate(EXAMPLE, "FY2026").outcome == "needs_review"
    assert evaluate(EXAMPLE, "FY2026").as_dict()["eligible"] is None


def test_an_unknown_score_validity_needs_review_rather_than_crashing() -> None:
    rules = history_rules(2022)
    rules["language_score_validity"] = {"value": "unknown"}
    assert evaluate(EXAMPLE, "FY2022", rules=rules).criterion("language").outcome == "needs_review"


def test_minimum_scores() -> None:
    rules = history_rules(2022)
    rules["language_test"] = {
        "value": {
            "mandatory": True,
            "language": "English",
            "accepted_tests": ["toefl_ibt", "ielts"],
            "minimum_scores": {"toefl_ibt": 100},
        }
    }
    assert evaluate(EXAMPLE, "FY2022", rules=rules).criterion("language").outcome == "passed"  # 105
    rules["language_test"]["value"]["minimum_scores"] = {"toefl_ibt": 110}
    language = evaluate(EXAMPLE, "FY2022", rules=rules).criterion("language")
    assert language.outcome == "failed"
    assert "minimum TOEFL iBT 110" in language.message["en"]


def test_an_invalid_overlay_names_the_parameter() -> None:
    rules = history_rules(2026)
    rules["age_limit"] = {"value": 50}
    rules["experience_deadline"] = {"value": {"month": 2, "day": 30}}
    with pytest.raises(RulesError) as error:
        Overlay(rules)
    assert set(error.value.problems) == {"age_limit", "experience_deadline"}
    assert "age_limit: 50 is not a whole number from 18 to 45" in str(error.value)
    assert "day 30 is not 1 to 29 for month 2" in str(error.value)


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("age_limit", 17, "from 18 to 45"),
        ("age_limit", True, "from 18 to 45"),
        ("experience_months", 121, "from 0 to 120"),
        ("language_score_validity", -1, "from 0 to 120"),
        ("age_reference_date", {"month": 13, "day": 1}, "month 13"),
        ("age_reference_date", {"month": 2, "day": 1, "year_offset": 2}, "year_offset 2"),
        ("age_reference_date", "2030-02-01", "not within a year of the exam year 2027"),
        ("age_reference_date", "1 Feb", "not a date"),
        ("degree_deadline", "whenever", "at_application"),
        ("civil_servants", "maybe", "allowed, excluded"),
        ("degree_level", ["master", "licence"], "bachelor, master, doctorate"),
        (
            "language_test",
            {"mandatory": True, "language": "English", "accepted_tests": ["toeic"]},
            "known tests",
        ),
        (
            "language_test",
            {
                "mandatory": True,
                "language": "English",
                "accepted_tests": ["ielts"],
                "minimum_scores": {"ielts": 10},
            },
            "outside its scale 0 to 9",
        ),
        ("nationality", "Japan", "two-letter"),
        ("nationality", None, "cannot be empty"),
        ("danger_levels_refused", [3, 5], "1, 2, 3, 4"),
        ("shoe_size", 42, "not a parameter"),
    ],
)
def test_validate_parameter(name: str, value: Any, fragment: str) -> None:
    problems = validate_parameter(name, value, fiscal_year=2027)
    assert problems and fragment in " ".join(problems)
    assert all(p.startswith(name) for p in problems)


def test_valid_values_have_no_problems() -> None:
    for fy in (2005, 2012, 2019, 2020, 2022, 2026):
        for name, entry in history_rules(fy).items():
            assert (
                validate_parameter(
                    name,
                    entry["value"],
                    exceptions=entry.get("exceptions"),
                    candidates=entry.get("candidates"),
                    fiscal_year=fy,
                )
                == []
            ), (fy, name)
    assert validate_parameter("degree_deadline", "at_application") == []
    assert validate_parameter("age_reference_date", {"month": 2, "day": 29}) == []
    assert validate_parameter("danger_levels_refused", None) == []
    assert validate_parameter("age_limit", "unknown") == []


def test_every_parameter_has_a_validation_rule_and_every_criterion_names_real_parameters() -> None:
    assert set(KINDS) == set(parameter_names())
    assert {n for names in CRITERION_PARAMETERS.values() for n in names} <= set(parameter_names())


def test_history_rules_are_in_the_files_format_without_the_notebook_references() -> None:
    rules = history_rules(2022)
    assert set(rules) == set(parameter_names())
    assert rules["degree_deadline"]["value"] == {"month": 7, "day": 31}
    assert rules["degree_deadline"]["exceptions"] == {"UNDP": {"month": 3, "day": 31}}
    assert rules["age_reference_date"]["source"]["url"].startswith("https://")
    assert all(set(entry.get("source") or {}) <= {"label", "url"} for entry in rules.values())
    # What officers and applicants read cites public sources, never the team's notebook.
    for fy in policy_years():
        text = json.dumps(history_rules(fy), ensure_ascii=False)
        assert "FACTS" not in text and "§" not in text, fy
    assert history_rules(2019)["age_reference_date"]["candidates"] == [
        {"month": 2, "day": 1},
        {"month": 4, "day": 1},
    ]


def _recorded_dates(name: str) -> list[tuple[int, date]]:
    """(fiscal year, date) of every dated value, exception and candidate recorded for a date parameter."""
    found = []
    for entry in definitions()[name].entries:
        fy = entry.since.year
        raw = entry.raw
        for rule in [
            raw.get("value"),
            *(raw.get("exceptions") or {}).values(),
            *(raw.get("candidates") or []),
        ]:
            if isinstance(rule, dict | date):
                found.append((fy, resolve_date(rule, fy)))
    return found


@pytest.mark.parametrize("name", ["age_reference_date", "degree_deadline", "experience_deadline"])
def test_unknown_dates_are_bounded_by_the_dates_recorded_for_the_parameter(name: str) -> None:
    recorded = _recorded_dates(name)
    assert len(recorded) >= 2
    for fy, day in recorded:
        low, high = unknown_date_bounds(fy, name)
        assert low <= day <= high, (name, fy, day)
    # The bounds are the span of what was recorded (plus the notes' additional rounds), not a wider window.
    low, high = unknown_date_bounds(2023, name)
    assert (low, high) != unknown_date_bounds(2023)
    assert any((low.month, low.day) == (d.month, d.day) for _, d in recorded) or name == "degree_deadline"


def test_experience_deadline_bounds_follow_the_recorded_deadlines() -> None:
    assert unknown_date_bounds(2024, "experience_deadline") == (date(2024, 3, 1), date(2024, 12, 31))
    assert unknown_date_bounds(2024) == (date(2024, 2, 1), date(2024, 5, 18))  # the application window

"""Words in the reader's language: fiscal years, Member States and targets."""

from __future__ import annotations

import csv

import pytest
from django.template import Context, Template
from django.utils import translation

from jpo.programme.models import Cycle
from jpo.representation.models import MemberState
from jpo.representation.services import MEMBER_STATES_FILE, japanese_names, member_states_import
from jpo.workforce.models import Target
from jpo.workforce.reference import TARGETS


@pytest.mark.parametrize(("language", "expected"), [("ja", "2027年度"), ("en", "FY2027")])
def test_fiscal_years_read_in_the_language_everywhere(language: str, expected: str) -> None:
    cycle = Cycle(fiscal_year=2027)
    with translation.override(language):
        # The filter is a built-in of the template engine: no {% load %}, so every template and e-mail has it.
        assert Template("{{ year|fy }}").render(Context({"year": 2027})) == expected
        assert cycle.label == expected and str(cycle) == expected
    assert cycle.code == "FY2027"  # the code for machines does not change with the language


def test_every_member_state_has_a_japanese_name_from_the_shipped_list() -> None:
    with MEMBER_STATES_FILE.open(encoding="utf-8-sig", newline="") as f:
        codes = [row["iso3"] for row in csv.DictReader(f)]
    names = japanese_names()
    assert sorted(names) == sorted(codes)
    assert all(names.values()) and len(set(names.values())) == len(names)
    assert names["GBR"] == "英国" and names["JPN"] == "日本"


@pytest.mark.django_db
def test_member_states_show_their_japanese_name_on_japanese_pages() -> None:
    member_states_import()
    japan = MemberState.objects.get(iso3="GBR")
    with translation.override("ja"):
        assert japan.display_name == "英国"
    with translation.override("en"):
        assert japan.display_name == "United Kingdom of Great Britain and Northern Ireland"


def test_shipped_targets_have_japanese_names() -> None:
    for spec in TARGETS:
        target = Target(name=str(spec["name"]), name_ja=str(spec["name_ja"]))
        with translation.override("ja"):
            assert target.display_name == spec["name_ja"]
        with translation.override("en"):
            assert target.display_name == spec["name"]


def test_rule_problems_read_in_both_languages() -> None:
    from jpo.policy.validation import in_language, validate_parameter

    [problem] = validate_parameter("age_limit", 99)
    assert problem == "age_limit: 99 is not a whole number from 18 to 45"  # the command line and the API
    japanese = in_language(problem, "ja")
    assert "age_limit" not in japanese and "99" in japanese and "18〜45の整数ではありません" in japanese
    assert in_language(problem, "en") == problem

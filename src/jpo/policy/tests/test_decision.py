import copy

import pytest

from jpo.policy import CRITERIA_IDS, ProfileError, UnknownCycleError, evaluate, rules_version

from .test_profile import EXAMPLE


def test_example_fy2022_is_eligible_and_explained() -> None:
    decision = evaluate(copy.deepcopy(EXAMPLE), "FY2022")
    assert decision.cycle == "FY2022" and decision.fiscal_year == 2022
    assert [c.id for c in decision.criteria] == list(CRITERIA_IDS)
    assert decision.eligible and decision.outcome == "eligible"
    assert decision.rules_version == rules_version()
    age = decision.criterion("age")
    assert "35 or younger on 1 February 2022" in age.message["en"]
    assert "born on 1 May 1990" in age.message["en"] and "31" in age.message["en"]
    assert "2022年2月1日時点で満35歳以下" in age.message["ja"] and "満31歳" in age.message["ja"]
    data = decision.as_dict()
    assert data["eligible"] is True and data["cycle"] == "FY2022"
    first = data["criteria"][1]
    assert first["id"] == "age" and first["parameter_value"]["reference_date"] == "2022-02-01"
    assert first["source"][0]["url"].startswith("https://www.mofa-irc.go.jp/")
    assert first["parameters"][0]["name"] == "age_limit"


def test_internship_is_named_as_not_counted() -> None:
    experience = evaluate(copy.deepcopy(EXAMPLE), "FY2022").criterion("experience")
    assert "Not counted: internships" in experience.message["en"]
    assert "インターンシップ" in experience.message["ja"]


def test_same_answer_under_every_possible_reference_date_is_said() -> None:
    decision = evaluate(copy.deepcopy(EXAMPLE), "FY2019")
    age = decision.criterion("age")
    assert age.outcome == "passed"
    assert "either 1 February 2019 or 1 April 2019" in age.message["en"]
    assert "on those dates, the same answer whichever the date is." in age.message["en"]
    assert ",," not in age.message["en"] and "どの日付でも判定は同じです" in age.message["ja"]


def test_needs_review_when_it_depends() -> None:
    profile = {**copy.deepcopy(EXAMPLE), "birth_date": "1983-03-01"}
    decision = evaluate(profile, "FY2019")
    assert decision.criterion("age").outcome == "needs_review"
    assert decision.outcome == "needs_review" and not decision.eligible
    assert "on those dates, so the answer depends on the date." in decision.criterion("age").message["en"]


def test_failed_message_names_the_rule_the_value_and_the_applicant() -> None:
    profile = {**copy.deepcopy(EXAMPLE), "national_civil_servant": True}
    civil = evaluate(profile, "FY2010").criterion("civil_servant")
    assert civil.outcome == "failed"
    assert "FY2010" in civil.message["en"] and "You are a national civil servant" in civil.message["en"]
    assert "2010年度" in civil.message["ja"]
    assert civil.as_dict()["parameter_value"] == {"civil_servants": "excluded"}
    assert civil.as_dict()["source"][0]["url"] == "https://jmh.usembassy.gov/20190312120185/"


def test_bad_input_raises_named_errors() -> None:
    with pytest.raises(UnknownCycleError):
        evaluate(copy.deepcopy(EXAMPLE), "FY2040")
    with pytest.raises(ProfileError, match=r"^nationalities: missing"):
        evaluate({k: v for k, v in EXAMPLE.items() if k != "nationalities"}, "FY2022")

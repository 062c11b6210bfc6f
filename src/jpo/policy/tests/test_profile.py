import copy
from datetime import date
from typing import Any

import pytest

from jpo.policy import Profile, ProfileError, parse_profile

EXAMPLE: dict[str, Any] = {
    "birth_date": "1990-05-01",
    "nationalities": ["JP"],
    "degrees": [
        {"level": "master", "field": "development economics", "awarded": "2016-03-24"},
        {"level": "master", "field": "public health", "expected": "2022-07-31"},
    ],
    "employment": [
        {"start": "2016-04-01", "end": "2019-03-31", "type": "full_time", "sector": "private"},
        {
            "start": "2019-04-01",
            "end": None,
            "type": "full_time",
            "sector": "national_government",
            "ministry": "MOFA",
        },
        {
            "start": "2015-06-01",
            "end": "2015-08-31",
            "type": "internship",
            "sector": "international_organization",
        },
    ],
    "language_tests": [{"test": "toefl_ibt", "score": 105, "taken": "2021-06-01"}],
    "national_civil_servant": True,
    "former_jpo": False,
    "international_organization_staff": False,
}


def test_example_parses() -> None:
    profile = Profile.from_dict(EXAMPLE)
    assert profile.birth_date == date(1990, 5, 1)
    assert profile.degrees[1].expected == date(2022, 7, 31) and profile.degrees[1].date == date(2022, 7, 31)
    assert profile.employment[1].end is None and profile.employment[1].ministry == "MOFA"
    assert profile.language_tests[0].score == 105
    assert profile.national_civil_servant is True


def test_extra_fields_are_allowed() -> None:
    data = {**copy.deepcopy(EXAMPLE), "name": "Hanako", "organizations": ["undp"]}
    assert parse_profile(data).organizations == ("UNDP",)


def _broken(path: list[Any], value: Any, base: dict[str, Any] = EXAMPLE) -> dict[str, Any]:
    data = copy.deepcopy(base)
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["birth_date"], KeyError, "birth_date: missing"),
        (["birth_date"], "1990-13-01", "birth_date: not a date (1990-13-01)"),
        (["birth_date"], 19900501, "birth_date: not a date (19900501)"),
        (["degrees", 1, "expected"], "2022-02-30", "degrees[1].expected: not a date (2022-02-30)"),
        (["degrees", 0, "awarded"], KeyError, "degrees[0].awarded: missing"),
        (["degrees", 0, "level"], "diploma", "degrees[0].level: not one of bachelor, master, doctorate"),
        (["degrees"], "master", "degrees: not a list"),
        (["employment", 2, "type"], "volunteer", "employment[2].type: not one of full_time"),
        (["employment", 0, "end"], KeyError, "employment[0].end: missing"),
        (["employment", 0, "end"], "2015-01-01", "employment[0].end: before the start"),
        (["employment", 1], "job", "employment[1]: not an object"),
        (["language_tests", 0, "score"], "high", "language_tests[0].score: not a number from 0 to 10,000"),
        # NaN and infinity passed the language criterion and printed invalid JSON
        (["language_tests", 0, "score"], float("nan"), "language_tests[0].score: not a number from 0"),
        (["language_tests", 0, "score"], float("inf"), "language_tests[0].score: not a number from 0"),
        (["language_tests", 0, "score"], 1e300, "language_tests[0].score: not a number from 0"),
        (
            ["language_tests", 0, "test"],
            "toeic",
            "language_tests[0].test: not one of toefl_ibt, ielts, other",
        ),
        (["language_tests", 0, "taken"], None, "language_tests[0].taken: missing"),
        (["nationalities", 0], "Japan", "nationalities[0]: not a two-letter country code"),
        (["national_civil_servant"], "yes", "national_civil_servant: not true or false"),
        (["former_jpo"], KeyError, "former_jpo: missing"),
        (["international_organization_staff"], 0, "international_organization_staff: not true or false"),
    ],
)
def test_errors_name_the_field(path: list[Any], value: Any, message: str) -> None:
    with pytest.raises(ProfileError) as info:
        parse_profile(_broken(path, value))
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)
    assert info.value.field == message.split(":")[0]


def test_not_an_object() -> None:
    with pytest.raises(ProfileError, match=r"^profile: not an object"):
        parse_profile(["JP"])


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path inside a profile (dict keys and list indexes)."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


class _Text(str):
    pass


ODD_VALUES: list[Any] = [
    KeyError, None, "", "JP", "jp", "JPN", "1990-05-01", "2016-03-24", "1990-02-30", "19900501",
    _Text("master"), _Text("2016-03-24"), "master", "ielts", "other", "internship", "full_time",
    0, -1, 7.5, float("nan"), True, False, 105, [], ["JP"], {}, {"level": "master"}, ("JP",),
]  # fmt: skip


def _parsed_or_named(data: Any) -> Profile | None:
    """A profile, or a ProfileError whose field is a place in the data (never any other exception)."""
    try:
        return parse_profile(data)
    except ProfileError as error:
        from jpo.policy.profile import REQUIRED_FIELDS

        top = error.field.split("[")[0].split(".")[0]
        assert top == "profile" or top in REQUIRED_FIELDS or top == "organizations", error
        assert "\n" not in str(error)
        return None


def test_every_case_of_the_rules_parses() -> None:
    from jpo.policy.tests.test_cases import CASES, _jsonish

    for data in [EXAMPLE] + [_jsonish(param.values[1]) for param in CASES]:
        assert _parsed_or_named(data) is not None, data


def test_odd_values_anywhere_give_a_profile_or_an_error_naming_the_field() -> None:
    import random

    rng = random.Random(2026)
    refused = 0
    for path in _paths(EXAMPLE):
        for value in ODD_VALUES:
            refused += _parsed_or_named(_broken(list(path), value)) is None
    assert refused > 100  # the odd values are refused where they do not belong
    for _ in range(3000):  # several odd values at once
        data = copy.deepcopy(EXAMPLE)
        for _ in range(rng.randrange(1, 4)):
            data = _broken(list(rng.choice(_paths(data))), rng.choice(ODD_VALUES), data)
        _parsed_or_named(data)
    assert parse_profile({**EXAMPLE, "organizations": ["undp"]}).organizations == ("UNDP",)
    no_field = parse_profile(
        dict(EXAMPLE, degrees=[{"level": "master", "field": None, "awarded": "2016-03-24"}])
    )
    assert no_field.degrees[0].field is None

"""The applicant profile of the eligibility contract, parsed and checked field by field.

Every problem raises `ProfileError(field, message)`; `str(error)` is one line naming the field, e.g.
"degrees[1].awarded: not a date (2022-02-30)". Extra fields are allowed and ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from jpo.policy.dates import parse_iso_date

DEGREE_LEVELS = ("bachelor", "master", "doctorate")
EMPLOYMENT_TYPES = ("full_time", "part_time", "internship")
LANGUAGE_TESTS = ("toefl_ibt", "ielts", "other")
# No language test scores above this; the bound keeps infinity, NaN and absurd values out of results.
MAX_SCORE = 10_000
REQUIRED_FIELDS = (
    "birth_date",
    "nationalities",
    "degrees",
    "employment",
    "language_tests",
    "national_civil_servant",
    "former_jpo",
    "international_organization_staff",
)


class ProfileError(ValueError):
    """A missing or malformed field of a profile."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Degree:
    level: str
    field: str | None
    awarded: date | None
    expected: date | None

    @property
    def date(self) -> date:
        """Date the degree was (or is expected to be) obtained."""
        result = self.awarded or self.expected
        assert result is not None
        return result


@dataclass(frozen=True, slots=True)
class Employment:
    start: date
    end: date | None  # None: ongoing
    type: str
    sector: str | None = None
    ministry: str | None = None


@dataclass(frozen=True, slots=True)
class LanguageTest:
    test: str
    score: float
    taken: date


@dataclass(frozen=True, slots=True)
class Profile:
    birth_date: date
    nationalities: tuple[str, ...]
    degrees: tuple[Degree, ...]
    employment: tuple[Employment, ...]
    language_tests: tuple[LanguageTest, ...]
    national_civil_servant: bool
    former_jpo: bool
    international_organization_staff: bool
    organizations: tuple[str, ...] = ()  # optional: organizations applied to (e.g. UNDP deadlines)

    @classmethod
    def from_dict(cls, data: Any) -> Profile:
        return parse_profile(data)


def parse_profile(data: Any) -> Profile:
    """Check and convert the JSON object of the contract (see docs/applicant.md).

    The first problem raises ProfileError naming the field, e.g. "degrees[1].awarded"; fields are
    checked in the order of the contract, so the same profile always names the same first problem.
    """
    root = _object(data, "profile")
    for key in REQUIRED_FIELDS:
        if key not in root:
            raise ProfileError(key, "missing")
    birth_date = _date(root["birth_date"], "birth_date")
    nationalities = [
        _country(code, i) for i, code in enumerate(_list(root["nationalities"], "nationalities"))
    ]
    degrees = [_degree(item, i) for i, item in enumerate(_list(root["degrees"], "degrees"))]
    employment = [_employment(item, i) for i, item in enumerate(_list(root["employment"], "employment"))]
    tests = [
        _language_test(item, i) for i, item in enumerate(_list(root["language_tests"], "language_tests"))
    ]
    organizations = []
    if root.get("organizations") is not None:
        organizations = [
            _organization(code, i) for i, code in enumerate(_list(root["organizations"], "organizations"))
        ]
    return Profile(
        birth_date=birth_date,
        nationalities=tuple(nationalities),
        degrees=tuple(degrees),
        employment=tuple(employment),
        language_tests=tuple(tests),
        national_civil_servant=_bool(root["national_civil_servant"], "national_civil_servant"),
        former_jpo=_bool(root["former_jpo"], "former_jpo"),
        international_organization_staff=_bool(
            root["international_organization_staff"], "international_organization_staff"
        ),
        organizations=tuple(organizations),
    )


def _degree(raw: Any, i: int) -> Degree:
    """A degree counts from the day it was awarded or, not awarded yet, from the day it is expected."""
    item = _object(raw, "degrees", i)
    level = _choice(_require(item, "level", "degrees", i), DEGREE_LEVELS, "degrees", i, "level")
    awarded = _optional_date(item.get("awarded"), "degrees", i, "awarded")
    expected = _optional_date(item.get("expected"), "degrees", i, "expected")
    if awarded is None and expected is None:
        raise ProfileError(_where("degrees", i, "awarded"), "missing: give 'awarded' or 'expected'")
    field = _optional_text(item.get("field"), "degrees", i, "field")
    return Degree(level=level, field=field, awarded=awarded, expected=expected)


def _employment(raw: Any, i: int) -> Employment:
    """A period of work. `end` must be there, null for work still going on: an end left out is more
    likely forgotten than ongoing, and ongoing work counts up to each rule's deadline."""
    item = _object(raw, "employment", i)
    start = _date(_require(item, "start", "employment", i), "employment", i, "start")
    if "end" not in item:
        raise ProfileError(_where("employment", i, "end"), "missing (use null for ongoing work)")
    end = _optional_date(item["end"], "employment", i, "end")
    if end is not None and end < start:
        raise ProfileError(
            _where("employment", i, "end"), f"before the start ({end.isoformat()} < {start.isoformat()})"
        )
    kind = _choice(_require(item, "type", "employment", i), EMPLOYMENT_TYPES, "employment", i, "type")
    return Employment(
        start=start,
        end=end,
        type=kind,
        sector=_optional_text(item.get("sector"), "employment", i, "sector"),
        ministry=_optional_text(item.get("ministry"), "employment", i, "ministry"),
    )


def _language_test(raw: Any, i: int) -> LanguageTest:
    item = _object(raw, "language_tests", i)
    test = _choice(_require(item, "test", "language_tests", i), LANGUAGE_TESTS, "language_tests", i, "test")
    score = _require(item, "score", "language_tests", i)
    # A score is a number (not true/false) within the scales; NaN (which compares false) and infinity
    # are refused too: they would pass the language rule and print invalid JSON in the results.
    if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= MAX_SCORE:
        raise ProfileError(
            _where("language_tests", i, "score"), f"not a number from 0 to {MAX_SCORE:,} ({score!r})"
        )
    taken = _date(_require(item, "taken", "language_tests", i), "language_tests", i, "taken")
    return LanguageTest(test=test, score=float(score), taken=taken)


def _country(code: Any, i: int) -> str:
    if not isinstance(code, str) or len(code) != 2 or not code.isalpha():
        raise ProfileError(_where("nationalities", i), f"not a two-letter country code ({code!r})")
    return code.upper()


def _organization(code: Any, i: int) -> str:
    if not isinstance(code, str) or not code.strip():
        raise ProfileError(_where("organizations", i), f"not an organization code ({code!r})")
    return code.strip().upper()


# The checks below are given the field's place as (field, index, key), e.g. ("degrees", 1, "awarded"),
# and spell it out only in an error ("degrees[1].awarded").


def _where(field: str, index: int | None = None, key: str | None = None) -> str:
    """The field's name in an error: `birth_date`, `nationalities[0]`, `degrees[1].awarded`."""
    name = field if index is None else f"{field}[{index}]"
    return name if key is None else f"{name}.{key}"


def _require(item: dict[str, Any], key: str, field: str, index: int) -> Any:
    if key not in item:
        raise ProfileError(_where(field, index, key), "missing")
    return item[key]


def _date(value: Any, field: str, index: int | None = None, key: str | None = None) -> date:
    if value is None:
        raise ProfileError(_where(field, index, key), "missing (null)")
    return _parsed_date(value, field, index, key)


def _optional_date(value: Any, field: str, index: int, key: str) -> date | None:
    return None if value is None else _parsed_date(value, field, index, key)


def _parsed_date(value: Any, field: str, index: int | None, key: str | None) -> date:
    try:
        return parse_iso_date(value)
    except (TypeError, ValueError):
        raise ProfileError(_where(field, index, key), f"not a date ({value}); expected YYYY-MM-DD") from None


def _bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise ProfileError(field, f"not true or false ({value!r})")
    return value


def _list(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise ProfileError(field, "not a list")
    return value


def _object(value: Any, field: str, index: int | None = None) -> dict[str, Any]:
    """A JSON object (a dict)."""
    if not isinstance(value, dict):
        raise ProfileError(_where(field, index), "not an object")
    return value


def _choice(value: Any, choices: tuple[str, ...], field: str, index: int, key: str) -> str:
    if value not in choices:
        raise ProfileError(_where(field, index, key), f"not one of {', '.join(choices)} ({value!r})")
    return str(value)


def _optional_text(value: Any, field: str, index: int, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ProfileError(_where(field, index, key), "not a string")
    return value

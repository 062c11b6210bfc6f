"""The applicant profile of the eligibility contract, parsed and checked field by field.

Every problem raises `ProfileError(field, message)`; `str(error)` is one line naming the field, e.g.
"degrees[1].awarded: not a date (2022-02-30)". Extra fields are allowed and ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from jpo.policy.dates import parse_iso_date

DEGREE_LEVELS = ("bachelor", "master", "doctorate")
EMPLOYMENT_TYPES = ("full_time", "part_time", "internship")
LANGUAGE_TESTS = ("toefl_ibt", "ielts", "other")
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Employment:
    start: date
    end: date | None  # None: ongoing
    type: str
    sector: str | None = None
    ministry: str | None = None


@dataclass(frozen=True)
class LanguageTest:
    test: str
    score: float
    taken: date


@dataclass(frozen=True)
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


def _require(data: Mapping[str, Any], key: str, path: str) -> Any:
    if key not in data:
        raise ProfileError(path, "missing")
    return data[key]


def _date(value: Any, path: str, *, allow_null: bool = False) -> date | None:
    if value is None:
        if allow_null:
            return None
        raise ProfileError(path, "missing (null)")
    try:
        return parse_iso_date(value)
    except (TypeError, ValueError):
        raise ProfileError(path, f"not a date ({value}); expected YYYY-MM-DD") from None


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise ProfileError(path, f"not true or false ({value!r})")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise ProfileError(path, "not a list")
    return value


def _object(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ProfileError(path, "not an object")
    return value


def _choice(value: Any, choices: tuple[str, ...], path: str) -> str:
    if value not in choices:
        raise ProfileError(path, f"not one of {', '.join(choices)} ({value!r})")
    return str(value)


def _optional_text(value: Any, path: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ProfileError(path, "not a string")
    return value


def parse_profile(data: Any) -> Profile:
    """Check and convert the JSON object of the contract (see docs/applicant.md)."""
    root = _object(data, "profile")
    for key in REQUIRED_FIELDS:
        _require(root, key, key)

    birth_date = _date(root["birth_date"], "birth_date")
    assert birth_date is not None

    nationalities = []
    for i, code in enumerate(_list(root["nationalities"], "nationalities")):
        if not isinstance(code, str) or len(code) != 2 or not code.isalpha():
            raise ProfileError(f"nationalities[{i}]", f"not a two-letter country code ({code!r})")
        nationalities.append(code.upper())

    degrees = []
    for i, raw in enumerate(_list(root["degrees"], "degrees")):
        path = f"degrees[{i}]"
        item = _object(raw, path)
        level = _choice(_require(item, "level", f"{path}.level"), DEGREE_LEVELS, f"{path}.level")
        awarded = _date(item.get("awarded"), f"{path}.awarded", allow_null=True)
        expected = _date(item.get("expected"), f"{path}.expected", allow_null=True)
        if awarded is None and expected is None:
            raise ProfileError(f"{path}.awarded", "missing: give 'awarded' or 'expected'")
        degrees.append(Degree(level, _optional_text(item.get("field"), f"{path}.field"), awarded, expected))

    employment = []
    for i, raw in enumerate(_list(root["employment"], "employment")):
        path = f"employment[{i}]"
        item = _object(raw, path)
        start = _date(_require(item, "start", f"{path}.start"), f"{path}.start")
        assert start is not None
        if "end" not in item:
            raise ProfileError(f"{path}.end", "missing (use null for ongoing work)")
        end = _date(item["end"], f"{path}.end", allow_null=True)
        if end is not None and end < start:
            raise ProfileError(f"{path}.end", f"before the start ({end.isoformat()} < {start.isoformat()})")
        kind = _choice(_require(item, "type", f"{path}.type"), EMPLOYMENT_TYPES, f"{path}.type")
        employment.append(
            Employment(
                start=start,
                end=end,
                type=kind,
                sector=_optional_text(item.get("sector"), f"{path}.sector"),
                ministry=_optional_text(item.get("ministry"), f"{path}.ministry"),
            )
        )

    tests = []
    for i, raw in enumerate(_list(root["language_tests"], "language_tests")):
        path = f"language_tests[{i}]"
        item = _object(raw, path)
        test = _choice(_require(item, "test", f"{path}.test"), LANGUAGE_TESTS, f"{path}.test")
        score = _require(item, "score", f"{path}.score")
        if isinstance(score, bool) or not isinstance(score, int | float) or score < 0:
            raise ProfileError(f"{path}.score", f"not a non-negative number ({score!r})")
        taken = _date(_require(item, "taken", f"{path}.taken"), f"{path}.taken")
        assert taken is not None
        tests.append(LanguageTest(test, float(score), taken))

    organizations: list[str] = []
    if root.get("organizations") is not None:
        for i, org in enumerate(_list(root["organizations"], "organizations")):
            if not isinstance(org, str) or not org.strip():
                raise ProfileError(f"organizations[{i}]", f"not an organization code ({org!r})")
            organizations.append(org.strip().upper())

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

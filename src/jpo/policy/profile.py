"""The applicant profile of the eligibility contract, parsed and checked field by field.

Every problem raises `ProfileError(field, message)`; `str(error)` is one line naming the field, e.g.
"degrees[1].awarded: not a date (2022-02-30)". Extra fields are allowed and ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from jpo.policy.dates import _parse_iso_text, parse_iso_date

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
    profile = _parse_plain(data)
    if profile is not None:
        return profile
    return _parse_checked(data)


# The quick path sets the fields of its frozen dataclasses without their generic __init__ (the same
# objects, every field given; the dataclasses have no __post_init__), which costs more than the parsing.
_new_object = object.__new__


def _parse_plain(data: Any) -> Profile | None:
    """The common case, quickly: plain dicts, lists and strings, every field well formed.

    Returns None at the first thing out of the ordinary (a missing or malformed field, another type,
    `organizations`); `_parse_checked` then parses that profile field by field and names the field in
    its error. Whatever this returns equals what `_parse_checked` returns for the same data (tested).
    Bulk screening parses 100,000 profiles, where the per-field helpers and error paths built for
    every field cost more than the rules themselves.
    """
    if type(data) is not dict or data.get("organizations") is not None:
        return None
    try:
        birth = data["birth_date"]
        codes = data["nationalities"]
        raw_degrees = data["degrees"]
        raw_employment = data["employment"]
        raw_tests = data["language_tests"]
        civil_servant = data["national_civil_servant"]
        former_jpo = data["former_jpo"]
        io_staff = data["international_organization_staff"]
    except KeyError:
        return None
    if (
        type(birth) is not str
        or type(codes) is not list
        or type(raw_degrees) is not list
        or type(raw_employment) is not list
        or type(raw_tests) is not list
        or type(civil_servant) is not bool
        or type(former_jpo) is not bool
        or type(io_staff) is not bool
    ):
        return None
    try:
        birth_date = _parse_iso_text(birth)
        nationalities = []
        for code in codes:
            if type(code) is not str or len(code) != 2 or not code.isalpha():
                return None
            nationalities.append(code.upper())

        degrees = []
        for item in raw_degrees:
            if type(item) is not dict:
                return None
            level, field = item.get("level"), item.get("field")
            awarded, expected = item.get("awarded"), item.get("expected")
            if (
                type(level) is not str
                or level not in DEGREE_LEVELS
                or (field is not None and type(field) is not str)
            ):
                return None
            if awarded is not None:
                if type(awarded) is not str:
                    return None
                awarded = _parse_iso_text(awarded)
            if expected is not None:
                if type(expected) is not str:
                    return None
                expected = _parse_iso_text(expected)
            if awarded is None and expected is None:
                return None
            degree = _new_object(Degree)
            degree.__dict__.update(level=level, field=field, awarded=awarded, expected=expected)
            degrees.append(degree)

        employment = []
        for item in raw_employment:
            if type(item) is not dict or "end" not in item:
                return None
            start, end, kind = item.get("start"), item["end"], item.get("type")
            sector, ministry = item.get("sector"), item.get("ministry")
            if (
                type(start) is not str
                or type(kind) is not str
                or kind not in EMPLOYMENT_TYPES
                or (sector is not None and type(sector) is not str)
                or (ministry is not None and type(ministry) is not str)
            ):
                return None
            start = _parse_iso_text(start)
            if end is not None:
                if type(end) is not str:
                    return None
                end = _parse_iso_text(end)
                if end < start:
                    return None
            job = _new_object(Employment)
            job.__dict__.update(start=start, end=end, type=kind, sector=sector, ministry=ministry)
            employment.append(job)

        tests = []
        for item in raw_tests:
            if type(item) is not dict or "score" not in item:
                return None
            test, score, taken = item.get("test"), item["score"], item.get("taken")
            if (
                type(test) is not str
                or test not in LANGUAGE_TESTS
                or (type(score) is not int and type(score) is not float)
                or not 0 <= score <= MAX_SCORE  # also refuses NaN, which compares false
                or type(taken) is not str
            ):
                return None
            language_test = _new_object(LanguageTest)
            language_test.__dict__.update(test=test, score=float(score), taken=_parse_iso_text(taken))
            tests.append(language_test)
    except ValueError:  # a malformed date
        return None

    profile = _new_object(Profile)
    profile.__dict__.update(
        birth_date=birth_date,
        nationalities=tuple(nationalities),
        degrees=tuple(degrees),
        employment=tuple(employment),
        language_tests=tuple(tests),
        national_civil_servant=civil_servant,
        former_jpo=former_jpo,
        international_organization_staff=io_staff,
        organizations=(),
    )
    return profile


def _parse_checked(data: Any) -> Profile:
    """Parse field by field; the first problem raises ProfileError naming the field."""
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
        if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= MAX_SCORE:
            raise ProfileError(f"{path}.score", f"not a number from 0 to {MAX_SCORE:,} ({score!r})")
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

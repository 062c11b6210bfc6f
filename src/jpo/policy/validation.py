"""Validation of one parameter value in the YAML files' format (pure Python).

    validate_parameter(name, value, *, exceptions=None, candidates=None, fiscal_year=None) -> [problem]
    validate_entry(name, entry, *, fiscal_year=None) -> [problem]     entry: {value, source, note, ...}

Each problem is a `Problem`: one English sentence naming what is wrong ("age_limit: 50 is not a whole
number from 18 to 45"), which is its text for the command line and the API, with the same sentence in
Japanese (`.ja`, naming the rule as people call it) for the officer's pages; an empty list means the value
is acceptable. The bounds are sanity checks against typing mistakes, not
rules of the programme: dates within a year either side of the exam year, the age limit 18 to 45,
month counts 0 to 120, the tests the evaluation knows, scores inside each test's scale.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date
from typing import Any

from jpo.policy.dates import parse_iso_date
from jpo.policy.profile import DEGREE_LEVELS, EMPLOYMENT_TYPES

# The published scales of the accepted tests (TOEFL iBT total 0-120; IELTS overall band 0-9).
TEST_SCALES: dict[str, tuple[float, float]] = {"toefl_ibt": (0, 120), "ielts": (0, 9)}
PRIOR_SERVICE_FLAGS = ("former_jpo", "international_organization_staff")
DANGER_LEVELS = (1, 2, 3, 4)  # MOFA's travel-safety levels (0 is "no advisory")

# name -> (kind, options). Every parameter file must have an entry (a test checks it).
KINDS: dict[str, tuple[str, Any]] = {
    "age_limit": ("int", (18, 45)),
    "age_reference_date": ("date", None),
    "civil_servants": ("choice", ("allowed", "excluded")),
    "danger_levels_refused": ("int_subset", DANGER_LEVELS),
    "degree_deadline": ("date", ("at_application",)),
    "degree_level": ("subset", DEGREE_LEVELS),
    "dispatch_years": ("int", (1, 10)),
    "dispatch_years_maximum": ("int", (1, 10)),
    "experience_deadline": ("date", None),
    "experience_months": ("int", (0, 120)),
    "experience_types": ("subset", EMPLOYMENT_TYPES),
    "language_score_validity": ("int", (0, 120)),
    "language_test": ("language", None),
    "max_organizations": ("int", (1, 10)),
    "nationality": ("country", None),
    "organization_track": ("codes", None),
    "prior_service": ("subset", PRIOR_SERVICE_FLAGS),
    "service_start_deadline": ("date", None),
}

# Parameters that are not eligibility criteria may be `null`: the rule does not apply in that cycle.
NULLABLE = frozenset(
    {
        "danger_levels_refused",
        "dispatch_years",
        "dispatch_years_maximum",
        "max_organizations",
        "organization_track",
        "service_start_deadline",
    }
)

ENTRY_KEYS = frozenset({"value", "source", "note", "exceptions", "candidates", "uncertain"})


class Problem(str):
    """What is wrong, in English (the string itself) and in Japanese (`ja`)."""

    ja: str

    def __new__(cls, en: str, ja: str) -> Problem:
        problem = super().__new__(cls, en)
        problem.ja = ja
        return problem


def in_language(problem: str, language: str) -> str:
    """The problem in `language` ("ja" or "en"); plain strings stay as they are."""
    return getattr(problem, "ja", problem) if language == "ja" else str(problem)


def _label(name: str) -> str:
    """The rule as Japanese readers call it: its description, not its identifier ("age_limit (UNDP)" keeps
    the organization after the label)."""
    from jpo.policy.parameters import definitions

    base, _sep, rest = name.partition(" (")
    definition = definitions().get(base)
    label = str(definition.description["ja"]).rstrip("。") if definition is not None else base
    if rest:
        label += "（" + rest.rstrip(")").replace("candidate", "候補") + "）"
    return f"「{label}」"


def _p(name: str, en: str, ja: str) -> Problem:
    return Problem(f"{name}: {en}", f"{_label(name)}：{ja}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _date_problems(name: str, value: Any, fiscal_year: int | None) -> list[str]:
    """A date as `{month, day, year_offset}` (relative to the exam year) or an ISO date."""
    if isinstance(value, date | str):
        try:
            day = value if isinstance(value, date) else parse_iso_date(value)
        except ValueError:
            return [
                _p(
                    name,
                    f"{value!r} is not a date (YYYY-MM-DD or {{month, day, year_offset}})",
                    f"{value!r} は日付ではありません（YYYY-MM-DD または {{month, day, year_offset}}）",
                )
            ]
        if fiscal_year is not None and not fiscal_year - 1 <= day.year <= fiscal_year + 1:
            return [
                _p(
                    name,
                    f"{day.isoformat()} is not within a year of the exam year {fiscal_year} "
                    f"({fiscal_year - 1} to {fiscal_year + 1})",
                    f"{day.isoformat()} は選考年 {fiscal_year} の前後1年（{fiscal_year - 1}〜{fiscal_year + 1}年）の範囲外です",
                )
            ]
        return []
    if not isinstance(value, Mapping):
        return [
            _p(
                name,
                f"{value!r} is not a date (YYYY-MM-DD or {{month, day, year_offset}})",
                f"{value!r} は日付ではありません（YYYY-MM-DD または {{month, day, year_offset}}）",
            )
        ]
    extra = sorted(set(value) - {"month", "day", "year_offset"})
    if extra:
        return [
            _p(
                name,
                f"unexpected keys {', '.join(map(str, extra))} (a date has month, day, year_offset)",
                f"不明なキー {', '.join(map(str, extra))}（日付は month, day, year_offset で指定します）",
            )
        ]
    month: Any = value.get("month")
    day_: Any = value.get("day")
    offset: Any = value.get("year_offset", 0)
    if not _is_int(month) or not 1 <= month <= 12:
        return [_p(name, f"month {month!r} is not 1 to 12", f"月 {month!r} は1〜12ではありません")]
    if not _is_int(offset) or not -1 <= offset <= 1:
        return [
            _p(
                name,
                f"year_offset {offset!r} is not -1, 0 or 1 (a year either side of the exam year)",
                f"year_offset {offset!r} は -1、0、1 のいずれでもありません（選考年の前後1年）",
            )
        ]
    year = fiscal_year + offset if fiscal_year is not None else 2000  # 2000: a leap year admits 29 February
    last = calendar.monthrange(year, month)[1]
    if not _is_int(day_) or not 1 <= day_ <= last:
        return [
            _p(
                name,
                f"day {day_!r} is not 1 to {last} for month {month}",
                f"日 {day_!r} は{month}月の1〜{last}日ではありません",
            )
        ]
    return []


def _language_problems(name: str, value: Any) -> list[str]:
    if not isinstance(value, Mapping):
        return [
            _p(
                name,
                "expected a mapping with mandatory, language and accepted_tests",
                "mandatory、language、accepted_tests を指定してください",
            )
        ]
    problems: list[str] = []
    extra = sorted(set(value) - {"mandatory", "language", "accepted_tests", "minimum_scores"})
    if extra:
        problems.append(
            _p(
                name,
                f"unexpected keys {', '.join(map(str, extra))}",
                f"不明なキー {', '.join(map(str, extra))}",
            )
        )
    if not isinstance(value.get("mandatory"), bool):
        problems.append(_p(name, "mandatory must be true or false", "mandatory は true か false です"))
    language = value.get("language")
    if not isinstance(language, str) or not language.strip():
        problems.append(
            _p(name, "language must be named (e.g. English)", "言語を指定してください（例：English）")
        )
    tests = value.get("accepted_tests", [])
    if not isinstance(tests, list) or any(t not in TEST_SCALES for t in tests):
        problems.append(
            _p(
                name,
                f"accepted_tests must be a list of known tests ({', '.join(TEST_SCALES)})",
                f"accepted_tests は既知の試験の一覧です（{', '.join(TEST_SCALES)}）",
            )
        )
        tests = []
    elif value.get("mandatory") is True and not tests:
        problems.append(
            _p(
                name,
                "a mandatory score needs at least one accepted test",
                "スコアを必須とするには、認める試験を一つ以上指定してください",
            )
        )
    minimums = value.get("minimum_scores") or {}
    if not isinstance(minimums, Mapping):
        problems.append(
            _p(
                name,
                "minimum_scores must map a test to a score",
                "minimum_scores は試験ごとのスコアで指定します",
            )
        )
        minimums = {}
    for test, score in minimums.items():
        if test not in tests:
            problems.append(
                _p(
                    name,
                    f"minimum_scores names {test!r}, which is not an accepted test",
                    f"minimum_scores の {test!r} は認める試験にありません",
                )
            )
            continue
        low, high = TEST_SCALES[test]
        if isinstance(score, bool) or not isinstance(score, int | float) or not low <= score <= high:
            problems.append(
                _p(
                    name,
                    f"minimum score {score!r} for {test} is outside its scale {low:g} to {high:g}",
                    f"{test} の最低スコア {score!r} は尺度 {low:g}〜{high:g} の範囲外です",
                )
            )
    return problems


def validate_parameter(
    name: str,
    value: Any,
    *,
    exceptions: Mapping[str, Any] | None = None,
    candidates: list[Any] | tuple[Any, ...] | None = None,
    fiscal_year: int | None = None,
) -> list[str]:
    """Problems with `value` for parameter `name` ([] if none). `fiscal_year` checks ISO dates' years."""
    if name not in KINDS:
        return [Problem(f"{name}: not a parameter the policy knows", f"{name}：制度にない規則です")]
    kind, options = KINDS[name]
    problems: list[str] = []
    if value == "unknown":
        pass
    elif value is None:
        if name not in NULLABLE:
            problems.append(
                _p(
                    name,
                    "an eligibility rule cannot be empty; use unknown if it is not known",
                    "応募資格の規則は空にできません。不明な場合は unknown としてください",
                )
            )
    elif kind == "int":
        low, high = options
        if not _is_int(value) or not low <= value <= high:
            problems.append(
                _p(
                    name,
                    f"{value!r} is not a whole number from {low} to {high}",
                    f"{value!r} は{low}〜{high}の整数ではありません",
                )
            )
    elif kind == "date":
        if not (options and value in options):
            problems.extend(_date_problems(name, value, fiscal_year))
            if problems and options:
                last = problems[-1]
                problems[-1] = Problem(
                    f"{last}, or {' or '.join(options)}",
                    f"{in_language(last, 'ja')}（または {' / '.join(options)}）",
                )
    elif kind == "choice":
        if value not in options:
            problems.append(
                _p(
                    name,
                    f"{value!r} is not one of {', '.join(options)}",
                    f"{value!r} は {', '.join(options)} のいずれでもありません",
                )
            )
    elif kind in ("subset", "int_subset"):
        if (
            not isinstance(value, list)
            or any(x not in options or (kind == "int_subset" and not _is_int(x)) for x in value)
            or len(set(value)) != len(value)
        ):
            problems.append(
                _p(
                    name,
                    f"expected a list of distinct items from {', '.join(map(str, options))}",
                    f"{', '.join(map(str, options))} から重複なく選んでください",
                )
            )
        elif not value and kind == "subset":
            problems.append(_p(name, "the list is empty", "一つも選ばれていません"))
    elif kind == "language":
        problems.extend(_language_problems(name, value))
    elif kind == "country":
        if not isinstance(value, str) or len(value) != 2 or not value.isascii() or not value.isupper():
            problems.append(
                _p(
                    name,
                    f"{value!r} is not a two-letter country code (e.g. JP)",
                    f"{value!r} は2文字の国コードではありません（例：JP）",
                )
            )
    elif kind == "codes":
        if not isinstance(value, list) or not all(
            isinstance(x, str) and x.strip() and x == x.strip() and len(x) <= 20 for x in value
        ):
            problems.append(
                _p(
                    name,
                    "expected a list of organization codes (e.g. [UNDP, WFP])",
                    "国際機関の略称の一覧を指定してください（例：[UNDP, WFP]）",
                )
            )
        elif len(set(value)) != len(value):
            problems.append(_p(name, "an organization is listed twice", "同じ国際機関が二度あります"))
    if exceptions:
        if kind != "date" or not isinstance(exceptions, Mapping):
            problems.append(
                _p(
                    name,
                    "exceptions are dates by organization, for a deadline only",
                    "例外は期限の規則にだけ、国際機関ごとの日付で指定できます",
                )
            )
        else:
            for org, rule in exceptions.items():
                if not isinstance(org, str) or not org.strip():
                    problems.append(
                        _p(
                            name,
                            "an exception must name an organization",
                            "例外には国際機関を指定してください",
                        )
                    )
                    continue
                problems.extend(_date_problems(f"{name} ({org})", rule, fiscal_year))
    if candidates:
        if value != "unknown":
            problems.append(
                _p(
                    name,
                    "candidates are only for a value that is unknown",
                    "候補は値が unknown の場合だけ指定できます",
                )
            )
        elif kind != "date" or not isinstance(candidates, list | tuple):
            problems.append(
                _p(
                    name,
                    "candidates are possible dates, for a date parameter only",
                    "候補は日付の規則にだけ、ありうる日付で指定できます",
                )
            )
        else:
            for candidate in candidates:
                problems.extend(_date_problems(f"{name} (candidate)", candidate, fiscal_year))
    return problems


def validate_entry(name: str, entry: Any, *, fiscal_year: int | None = None) -> list[str]:
    """Problems with one rule-set entry `{value, source: {label, url}, note, exceptions, candidates}`."""
    if not isinstance(entry, Mapping) or "value" not in entry:
        return [
            _p(
                name,
                "expected a mapping with a value (and source, note)",
                "value（と source、note）を指定してください",
            )
        ]
    problems: list[str] = []
    extra = sorted(set(entry) - ENTRY_KEYS)
    if extra:
        problems.append(
            _p(
                name,
                f"unexpected keys {', '.join(map(str, extra))}",
                f"不明なキー {', '.join(map(str, extra))}",
            )
        )
    source = entry.get("source")
    if source is not None:
        if not isinstance(source, Mapping) or set(source) - {"label", "url"}:
            problems.append(
                _p(name, "source must be a mapping with label and url", "出典は label と url で指定します")
            )
        else:
            label, url = source.get("label"), source.get("url")
            if label is not None and not isinstance(label, str):
                problems.append(_p(name, "source label must be text", "出典の名前は文字列です"))
            if url not in (None, "") and (
                not isinstance(url, str) or not url.startswith(("https://", "http://")) or " " in url
            ):
                problems.append(
                    _p(
                        name,
                        f"source url {url!r} is not a web address (http:// or https://)",
                        f"出典のURL {url!r} はウェブアドレスではありません（http:// または https://）",
                    )
                )
    note = entry.get("note")
    if note is not None and not isinstance(note, str):
        problems.append(_p(name, "note must be text", "注記は文字列です"))
    if not isinstance(entry.get("uncertain", False), bool):
        problems.append(_p(name, "uncertain must be true or false", "uncertain は true か false です"))
    exceptions = entry.get("exceptions")
    if exceptions is not None and not isinstance(exceptions, Mapping):
        problems.append(
            _p(name, "exceptions must map an organization to a date", "例外は国際機関ごとの日付で指定します")
        )
        exceptions = None
    candidates = entry.get("candidates")
    if candidates is not None and not isinstance(candidates, list | tuple):
        problems.append(_p(name, "candidates must be a list", "候補は一覧で指定します"))
        candidates = None
    problems.extend(
        validate_parameter(
            name, entry["value"], exceptions=exceptions, candidates=candidates, fiscal_year=fiscal_year
        )
    )
    return problems

"""One function per eligibility criterion. Each reads the parameters in force for the cycle, compares
the applicant's profile, and returns a CriterionResult: passed, failed, or needs_review when a fact
the rule needs is unknown for that cycle and the answer would differ between its possible values.

A rule is the same for every applicant of a cycle: what depends only on the cycle (the parameters in
force, the dates they resolve to, the rule's wording) is worked out once per fiscal year, rule set and
exception organization by the `_*_rule` functions below and shared by every applicant of that cycle;
each check then adds what depends on the applicant. The rules are kept as immutable values (strings,
dates, tuples): every dict or list in a CriterionResult is the applicant's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from jpo.policy import text as t
from jpo.policy.dates import add_months, age_on, born_on_or_after_for_limit, whole_months_and_days
from jpo.policy.overlay import Overlay
from jpo.policy.parameters import (
    UNKNOWN,
    CycleInfo,
    ParameterValue,
    _resolved,
    definitions,
    resolve_date,
    to_jsonable,
    unknown_date_bounds,
)
from jpo.policy.profile import Employment, Profile

PASSED = "passed"
FAILED = "failed"
NEEDS_REVIEW = "needs_review"
OUTCOMES = (PASSED, FAILED, NEEDS_REVIEW)
CRITERIA_IDS = ("nationality", "age", "degree", "experience", "language", "prior_service", "civil_servant")


# Per-cycle caches hold one entry per fiscal year and rule set (and exception organization): a few dozen
# in practice. An overlay (rule set) is part of every key: it hashes and compares by its content, so an
# evaluation under one rule set never reads what was cached for the YAML history or for another.
_RULES_CACHE = 512


@lru_cache(maxsize=_RULES_CACHE)
def _params(fy: int, rules: Overlay | None) -> dict[str, ParameterValue]:
    """Every parameter in force for the cycle: from the overlay if given, else the YAML history."""
    if rules is None:
        return {name: _resolved(name, fy) for name in definitions()}
    return rules.resolved(fy)


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """The result of one criterion for one applicant in one cycle."""

    id: str
    outcome: str
    rule: dict[str, str]
    parameters: tuple[ParameterValue, ...]
    applied: dict[str, Any]
    applicant_value: Any
    message: dict[str, str]

    @property
    def passed(self) -> bool:
        return self.outcome == PASSED

    @property
    def sources(self) -> list[dict[str, Any]]:
        result = []
        for p in self.parameters:
            for s in (p.source, *p.see_also):
                if s is not None and s.as_dict() not in result:
                    result.append(s.as_dict())
        return result

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "outcome": self.outcome,
            "message": dict(self.message),
            "rule": dict(self.rule),
            "parameter_value": to_jsonable(self.applied),
            "source": self.sources,
            "parameters": [p.as_dict() for p in self.parameters],
            "applicant_value": to_jsonable(self.applicant_value),
        }


def _result(
    cid: str,
    outcome: str,
    *,
    rule: tuple[str, str],
    detail: tuple[str, str],
    parameters: tuple[ParameterValue, ...],
    applied: dict[str, Any],
    applicant_value: Any,
) -> CriterionResult:
    """The result with its message to the applicant: the criterion, the rule of the cycle, the applicant's
    facts (`detail`), the verdict, and a caveat when a rule rests on a weak or unofficial source."""
    title, verdict, caveat = t.CRITERION_TITLES[cid], t.VERDICT[outcome], _caveat(parameters)
    message_en = f"{title['en']}: {rule[0]} {detail[0]} {verdict['en']}{caveat[0]}"
    message_ja = f"{title['ja']}：{rule[1]}{detail[1]}{verdict['ja']}{caveat[1]}"
    return CriterionResult(
        id=cid,
        outcome=outcome,
        rule={"en": rule[0], "ja": rule[1]},
        parameters=parameters,
        applied=applied,
        applicant_value=applicant_value,
        message={"en": message_en.replace("  ", " ").strip(), "ja": message_ja.strip()},
    )


def _caveat(parameters: tuple[ParameterValue, ...]) -> tuple[str, str]:
    """A warning that the rule rests on a source that is weak (uncertain) or outside the official record."""
    return _caveat_text(tuple(p.name for p in parameters if p.uncertain or p.external))


@lru_cache(maxsize=_RULES_CACHE)
def _caveat_text(weak: tuple[str, ...]) -> tuple[str, str]:
    """The caveat naming these parameters: worded once, then shared by every applicant of the cycle."""
    if not weak:
        return "", ""
    names_en = "; ".join(_parameter_label(name, "en") for name in weak)
    names_ja = "、".join(f"「{_parameter_label(name, 'ja')}」" for name in weak)
    return (
        f" (The source of the rule on {names_en} is weak or outside the official record; see the rule's note.)",
        f"（{names_ja}の出典は確度が低いか公式資料外です。規則の注記を参照してください。）",
    )


def _parameter_label(name: str, language: str) -> str:
    """A parameter as people call it (its description without the final stop), never its identifier."""
    definition = definitions().get(name)
    if definition is None:
        return name.replace("_", " ")
    return str(definition.description[language]).strip().rstrip(".。")


@lru_cache(maxsize=_RULES_CACHE)
def _unknown_rule_text(name: str, fy: int, why: str) -> tuple[str, str]:
    # The note (`why`) is the source's own English; the Japanese text points to it instead of quoting it.
    return (
        f"The rule on {_parameter_label(name, 'en')} for {t.fy_en(fy)} is not known ({why}).",
        f"{t.fy_ja(fy)}の「{_parameter_label(name, 'ja')}」の条件は資料で確認できません（規則の注記を参照）。",
    )


def _unknown_rule(cid: str, p: ParameterValue, fy: int, applicant_value: Any) -> CriterionResult:
    why = p.note or (p.source.label if p.source else "")
    return _result(
        cid,
        NEEDS_REVIEW,
        rule=_unknown_rule_text(p.name, fy, why),
        detail=("It cannot be decided automatically.", "自動では判定できません。"),
        parameters=(p,),
        applied={p.name: UNKNOWN},
        applicant_value=applicant_value,
    )


def _possible_dates(p: ParameterValue, fy: int) -> tuple[list[date], bool]:
    """The dates a date parameter may take this cycle: ([date], True) if known; else candidates or bounds."""
    if p.known:
        return [resolve_date(p.value, fy)], True
    if p.candidates:
        return sorted(resolve_date(c, fy) for c in p.candidates), False
    low, high = unknown_date_bounds(fy, p.name)
    return [low, high], False


def _dates_phrase(dates: list[date], p: ParameterValue, fy: int) -> tuple[str, str]:
    if p.candidates and not p.known:
        return (
            f"either {t.join_en([t.d_en(d) for d in dates])} (not confirmed for {t.fy_en(fy)})",
            f"{t.join_ja([t.d_ja(d) for d in dates])}のいずれか（{t.fy_ja(fy)}は未確認）",
        )
    return (
        f"a date not known for {t.fy_en(fy)} (at the earliest {t.d_en(dates[0])}, at the latest "
        f"{t.d_en(dates[-1])})",
        f"{t.fy_ja(fy)}は不明の日付（早くとも{t.d_ja(dates[0])}、遅くとも{t.d_ja(dates[-1])}）",
    )


# --- nationality --------------------------------------------------------------------------------------


@lru_cache(maxsize=_RULES_CACHE)
def _nationality_rule(fy: int, rules: Overlay | None) -> tuple[str, str]:
    p = _params(fy, rules)["nationality"]
    return (
        f"Japanese nationality ({p.value}) is required ({t.fy_en(fy)} rule).",
        f"日本国籍（{p.value}）が必要です（{t.fy_ja(fy)}の条件）。",
    )


def check_nationality(profile: Profile, fy: int, info: CycleInfo, rules: Overlay | None) -> CriterionResult:
    p = _params(fy, rules)["nationality"]
    if not p.known:
        return _unknown_rule("nationality", p, fy, list(profile.nationalities))
    held = list(profile.nationalities)
    outcome = PASSED if p.value in held else FAILED
    yours_en = ", ".join(held) if held else "none given"
    yours_ja = "、".join(held) if held else "記載なし"
    return _result(
        "nationality",
        outcome,
        rule=_nationality_rule(fy, rules),
        detail=(f"Your nationalities: {yours_en}.", f"あなたの国籍：{yours_ja}。"),
        parameters=(p,),
        applied={"nationality": p.value},
        applicant_value=held,
    )


# --- age ----------------------------------------------------------------------------------------------


def _age(birth: date, on: date) -> int:
    return age_on(birth, on) if on >= birth else 0


@dataclass(frozen=True)
class _AgeRule:
    """The age rule of one cycle (known age limit), with everything that does not depend on the applicant."""

    limit: int
    dates: tuple[date, ...]  # the possible reference dates (one if known)
    known: bool
    boundary: date | None  # born on or after (known reference date only)
    rule: tuple[str, str]


@lru_cache(maxsize=_RULES_CACHE)
def _age_rule(fy: int, rules: Overlay | None) -> _AgeRule:
    ps = _params(fy, rules)
    limit = int(ps["age_limit"].value)
    ref_p = ps["age_reference_date"]
    dates, known = _possible_dates(ref_p, fy)
    low = dates[0]
    if known:
        boundary = born_on_or_after_for_limit(limit, low)
        rule = (
            f"{limit} or younger on {t.d_en(low)} ({t.fy_en(fy)} rule), i.e. born on or after {t.d_en(boundary)}.",
            f"{t.d_ja(low)}時点で満{limit}歳以下（{t.fy_ja(fy)}の条件）、すなわち{t.d_ja(boundary)}以降の生まれ。",
        )
        return _AgeRule(limit, tuple(dates), True, boundary, rule)
    phrase = _dates_phrase(dates, ref_p, fy)
    rule = (
        f"{limit} or younger on the reference date of {t.fy_en(fy)}: {phrase[0]}.",
        f"{t.fy_ja(fy)}の基準日時点で満{limit}歳以下。基準日は{phrase[1]}です。",
    )
    return _AgeRule(limit, tuple(dates), False, None, rule)


def check_age(profile: Profile, fy: int, info: CycleInfo, rules: Overlay | None) -> CriterionResult:
    ps = _params(fy, rules)
    limit_p = ps["age_limit"]
    ref_p = ps["age_reference_date"]
    birth = profile.birth_date
    if not limit_p.known:
        return _unknown_rule("age", limit_p, fy, birth)
    cached = _age_rule(fy, rules)
    limit, rule = cached.limit, cached.rule
    low, high = cached.dates[0], cached.dates[-1]
    age_low, age_high = _age(birth, low), _age(birth, high)
    if age_high <= limit:
        outcome = PASSED
    elif age_low > limit:
        outcome = FAILED
    else:
        outcome = NEEDS_REVIEW
    params = (limit_p, ref_p)
    if cached.known:
        detail = (
            f"You were born on {t.d_en(birth)} and are {age_low} on that date.",
            f"あなたは{t.d_ja(birth)}生まれで、その日に満{age_low}歳です。",
        )
        applied: dict[str, Any] = {
            "age_limit": limit,
            "reference_date": low,
            "born_on_or_after": cached.boundary,
        }
    else:
        ages_en = f"{age_low}" if age_low == age_high else f"{age_low} to {age_high}"
        ages_ja = f"満{age_low}歳" if age_low == age_high else f"満{age_low}歳から満{age_high}歳"
        if outcome == NEEDS_REVIEW:
            tail_en, tail_ja = " so the answer depends on the date.", "。判定は基準日によって変わります。"
        else:
            tail_en = " the same answer whichever the date is."
            tail_ja = "。どの日付でも判定は同じです。"
        detail = (
            f"You were born on {t.d_en(birth)} and are {ages_en} on those dates,{tail_en}",
            f"あなたは{t.d_ja(birth)}生まれで、これらの日には{ages_ja}です{tail_ja}",
        )
        applied = {
            "age_limit": limit,
            "reference_date": UNKNOWN,
            "possible_reference_dates": list(cached.dates),
        }
    return _result(
        "age", outcome, rule=rule, detail=detail, parameters=params, applied=applied, applicant_value=birth
    )


# --- degree -------------------------------------------------------------------------------------------


def _exception_for(p: ParameterValue, profile: Profile) -> tuple[str | None, Any]:
    if not profile.organizations:  # the common case: no organization named, so no exception applies
        return None, p.value
    for org, value in p.exceptions.items():
        if org.upper() in profile.organizations:
            return org, value
    return None, p.value


def _exceptions_note(p: ParameterValue, used: str | None, fy: int) -> tuple[str, str]:
    others = {k: v for k, v in p.exceptions.items() if k != used}
    if not others:
        return "", ""
    en = "; ".join(f"{org} applicants: by {t.d_en(resolve_date(v, fy))}" for org, v in others.items())
    ja = "、".join(f"{org}志望者は{t.d_ja(resolve_date(v, fy))}まで" for org, v in others.items())
    return f" ({en})", f"（{ja}）"


@dataclass(frozen=True)
class _DegreeRule:
    """The degree rule of one cycle for one exception organization (or none), applicant-independent."""

    levels: tuple[str, ...]
    kind: str  # "at_application", "unknown" or "date"
    low: date
    high: date
    rule: tuple[str, str]


@lru_cache(maxsize=_RULES_CACHE)
def _degree_rule(
    fy: int, rules: Overlay | None, used_org: str | None, window: tuple[date, date] | None
) -> _DegreeRule:
    """`window` is the cycle's application dates, given only when the deadline is 'at_application'."""
    ps = _params(fy, rules)
    level_p = ps["degree_level"]
    deadline_p = ps["degree_deadline"]
    levels = tuple(level_p.value)
    lowest = t.DEGREE_NAMES[levels[0]]
    levels_en = f"{lowest['en']} degree or higher" if len(levels) > 1 else f"{lowest['en']} degree"
    levels_ja = f"{lowest['ja']}以上" if len(levels) > 1 else lowest["ja"]
    rule_value = deadline_p.value if used_org is None else deadline_p.exceptions[used_org]
    exc_en, exc_ja = _exceptions_note(deadline_p, used_org, fy)
    who_en = f" for {used_org} applicants" if used_org else ""
    who_ja = f"（{used_org}志望者）" if used_org else ""

    if rule_value == "at_application":
        assert window is not None
        low, high = window
        deadline_en = f"completed when applying (applications {t.d_en(low)} to {t.d_en(high)})"
        deadline_ja = f"応募時に取得済み（応募期間 {t.d_ja(low)}〜{t.d_ja(high)}）"
        kind = "at_application"
    elif rule_value is UNKNOWN:
        dates, _ = _possible_dates(deadline_p, fy)
        low, high = dates[0], dates[-1]
        phrase = _dates_phrase(dates, deadline_p, fy)
        deadline_en, deadline_ja = f"by {phrase[0]}", f"期限（{phrase[1]}）までに"
        kind = "unknown"
    else:
        low = high = resolve_date(rule_value, fy)
        deadline_en, deadline_ja = f"by {t.d_en(low)}", f"{t.d_ja(low)}までに"
        kind = "date"
    rule = (
        f"A {levels_en}, obtained or expected {deadline_en}{who_en} ({t.fy_en(fy)} rule){exc_en}.",
        f"{levels_ja}の学位を{deadline_ja}取得済みまたは取得見込み{who_ja}（{t.fy_ja(fy)}の条件）{exc_ja}。",
    )
    return _DegreeRule(levels, kind, low, high, rule)


def check_degree(profile: Profile, fy: int, info: CycleInfo, rules: Overlay | None) -> CriterionResult:
    ps = _params(fy, rules)
    level_p = ps["degree_level"]
    deadline_p = ps["degree_deadline"]
    applicant = [
        {"level": d.level, "date": d.date, "status": "awarded" if d.awarded else "expected"}
        for d in profile.degrees
    ]
    if not level_p.known:
        return _unknown_rule("degree", level_p, fy, applicant)
    used_org, rule_value = _exception_for(deadline_p, profile)
    cached = _degree_rule(
        fy, rules, used_org, info.application_dates() if rule_value == "at_application" else None
    )
    levels, low, high, rule = cached.levels, cached.low, cached.high, cached.rule
    applied: dict[str, Any]
    if cached.kind == "at_application":
        applied = {"levels": list(levels), "deadline": "at_application", "application_window": [low, high]}
    elif cached.kind == "unknown":
        applied = {"levels": list(levels), "deadline": UNKNOWN, "possible_deadlines": [low, high]}
    else:
        applied = {"levels": list(levels), "deadline": low}
    if used_org:
        applied["exception"] = used_org
    qualifying = [d for d in profile.degrees if d.level in levels]
    if not qualifying:
        listed_en = t.join_en([t.DEGREE_NAMES[d.level]["en"] for d in profile.degrees], "and") or "none"
        listed_ja = "、".join(t.DEGREE_NAMES[d.level]["ja"] for d in profile.degrees) or "なし"
        detail = (f"Your degrees: {listed_en}.", f"あなたの学位：{listed_ja}。")
        outcome = FAILED
    else:
        best = min(qualifying, key=lambda d: d.date)  # the earliest qualifying degree decides
        status_en = "awarded" if best.awarded else "expected"
        status_ja = "取得" if best.awarded else "取得見込み"
        name = t.DEGREE_NAMES[best.level]
        detail = (
            f"Your earliest {name['en']} degree: {status_en} on {t.d_en(best.date)}.",
            f"あなたの{name['ja']}の学位：{t.d_ja(best.date)}{status_ja}。",
        )
        if best.date <= low:
            outcome = PASSED
        elif best.date > high:
            outcome = FAILED
        else:
            outcome = NEEDS_REVIEW
    return _result(
        "degree",
        outcome,
        rule=rule,
        detail=detail,
        parameters=(level_p, deadline_p),
        applied=applied,
        applicant_value=applicant,
    )


# --- experience ---------------------------------------------------------------------------------------


def _merged_periods(jobs: list[Employment], until: date) -> list[tuple[date, date]]:
    """Periods of the jobs up to `until` (inclusive), overlapping or adjacent periods merged."""
    spans = sorted((job.start, min(job.end or until, until)) for job in jobs if job.start <= until)
    merged: list[tuple[date, date]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1] + timedelta(days=1):
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def experience_months(jobs: list[Employment], until: date) -> tuple[int, int]:
    """(lower, upper) bound of the months of experience by `until`, overlapping periods counted once.

    Whole calendar months of each continuous period are exact (one period: lower == upper). The days
    left over from several separate periods are added as months of 31 days (lower bound) and of 28 days
    (upper bound): whether they make up a month is not decided here.
    """
    periods = _merged_periods(jobs, until)
    whole = days = 0
    for start, end in periods:
        months, rest = whole_months_and_days(start, end)
        whole += months
        days += rest
    if len(periods) <= 1:
        return whole, whole
    return whole + days // 31, whole + days // 28


@dataclass(frozen=True)
class _ExperienceRule:
    """The experience rule of one cycle for one exception organization (or none), applicant-independent."""

    types: tuple[str, ...]
    low: date
    high: date
    required: int | None  # None: the number of months is not known for the cycle
    rule: tuple[str, str]  # empty strings when `required` is None


@lru_cache(maxsize=_RULES_CACHE)
def _experience_rule(fy: int, rules: Overlay | None, used_org: str | None) -> _ExperienceRule:
    ps = _params(fy, rules)
    months_p = ps["experience_months"]
    types_p = ps["experience_types"]
    deadline_p = ps["experience_deadline"]
    types = tuple(types_p.value) if types_p.known else ("full_time",)
    rule_value = deadline_p.value if used_org is None else deadline_p.exceptions[used_org]
    if rule_value is UNKNOWN:
        dates, _ = _possible_dates(deadline_p, fy)
        low, high = dates[0], dates[-1]
        phrase = _dates_phrase(dates, deadline_p, fy)
        by_en, by_ja = f"by {phrase[0]}", f"基準日（{phrase[1]}）までに"
    else:
        low = high = resolve_date(rule_value, fy)
        by_en, by_ja = f"by {t.d_en(low)}", f"{t.d_ja(low)}までに"
    exc_en, exc_ja = _exceptions_note(deadline_p, used_org, fy)
    if not months_p.known:
        return _ExperienceRule(types, low, high, None, ("", ""))
    required = int(months_p.value)
    types_en = t.join_en([t.EMPLOYMENT_NAMES[x]["en"] for x in types])
    types_ja = "、".join(t.EMPLOYMENT_NAMES[x]["ja"] for x in types)
    rule = (
        f"At least {required} months ({required // 12} years) of {types_en} {by_en} ({t.fy_en(fy)} rule); "
        f"part-time work and internships do not count, overlapping periods count once{exc_en}.",
        f"{by_ja}{types_ja}の職務経験が{required}か月（{required // 12}年）以上（{t.fy_ja(fy)}の条件）。"
        f"パートタイム・アルバイトとインターンシップは算入せず、重複する期間は一度だけ数えます{exc_ja}。",
    )
    return _ExperienceRule(types, low, high, required, rule)


def check_experience(profile: Profile, fy: int, info: CycleInfo, rules: Overlay | None) -> CriterionResult:
    ps = _params(fy, rules)
    months_p = ps["experience_months"]
    types_p = ps["experience_types"]
    deadline_p = ps["experience_deadline"]
    params = (months_p, types_p, deadline_p)
    used_org, _ = _exception_for(deadline_p, profile)
    cached = _experience_rule(fy, rules, used_org)
    types, low, high = cached.types, cached.low, cached.high
    counted = [job for job in profile.employment if job.type in types]
    excluded = sorted({job.type for job in profile.employment if job.type not in types})
    # The least experience counted by the earliest possible deadline, the most by the latest.
    lower, _ = experience_months(counted, low)
    _, upper = experience_months(counted, high)
    applicant = {"months_lower_bound": lower, "months_upper_bound": upper, "not_counted": excluded}

    if cached.required is None:
        result = _unknown_rule("experience", months_p, fy, applicant)
        return replace(result, parameters=params, applied={"months": UNKNOWN})
    required, rule = cached.required, cached.rule
    if low == high:
        have_en = f"{lower} months" if lower == upper else f"{lower} to {upper} months"
        have_ja = f"{lower}か月" if lower == upper else f"{lower}〜{upper}か月"
        detail_en, detail_ja = f"You have {have_en} by that date.", f"あなたはその日までに{have_ja}です。"
    else:
        detail_en = f"You have {lower} months by the earliest and {upper} by the latest possible date."
        detail_ja = f"あなたは最も早い日付で{lower}か月、最も遅い日付で{upper}か月です。"
    if excluded:
        names_en = t.join_en([t.EMPLOYMENT_NAMES[x]["en"] for x in excluded], "and")
        names_ja = "、".join(t.EMPLOYMENT_NAMES[x]["ja"] for x in excluded)
        detail_en += f" Not counted: {names_en}."
        detail_ja += f"算入しないもの：{names_ja}。"
    if lower >= required:
        outcome = PASSED
    elif upper < required:
        outcome = FAILED
    else:
        outcome = NEEDS_REVIEW
    applied: dict[str, Any] = {
        "months": required,
        "types": list(types),
        "deadline": low if low == high else UNKNOWN,
    }
    if low != high:
        applied["possible_deadlines"] = [low, high]
    if used_org:
        applied["exception"] = used_org
    return _result(
        "experience", outcome, rule=rule, detail=(detail_en, detail_ja), parameters=params,
        applied=applied, applicant_value=applicant,
    )  # fmt: skip


# --- language -----------------------------------------------------------------------------------------


@lru_cache(maxsize=_RULES_CACHE)
def _optional_language_rule(fy: int, rules: Overlay | None) -> tuple[str, str]:
    rule_value = _params(fy, rules)["language_test"].value
    return (
        f"{rule_value.get('language', 'English')} is required and assessed in the selection; "
        f"no test score is required to apply ({t.fy_en(fy)} rule).",
        f"{'英語' if rule_value.get('language') == 'English' else rule_value.get('language')}が必要で、"
        f"選考の中で評価されます。応募に語学試験のスコアは必須ではありません（{t.fy_ja(fy)}の条件）。",
    )


@dataclass(frozen=True)
class _MandatoryLanguageRule:
    accepted: tuple[str, ...]
    months: int
    names: tuple[str, str]
    rule: tuple[str, str]
    minimums: dict[str, float]  # read-only; empty when the rules name no minimum score


@lru_cache(maxsize=_RULES_CACHE)
def _mandatory_language_rule(
    fy: int, rules: Overlay | None, window: tuple[date, date]
) -> _MandatoryLanguageRule:
    ps = _params(fy, rules)
    rule_value = ps["language_test"].value
    accepted = tuple(rule_value.get("accepted_tests") or [])
    months = int(ps["language_score_validity"].value)
    minimums = {str(k): float(v) for k, v in (rule_value.get("minimum_scores") or {}).items()}
    opens, closes = window
    names_en = t.join_en([t.TEST_NAMES[x]["en"] for x in accepted])
    names_ja = t.join_ja([t.TEST_NAMES[x]["ja"] for x in accepted])
    min_en = min_ja = ""
    if minimums:
        min_en = " (minimum " + ", ".join(f"{t.TEST_NAMES[k]['en']} {v:g}" for k, v in minimums.items()) + ")"
        min_ja = "（最低 " + "、".join(f"{t.TEST_NAMES[k]['ja']} {v:g}" for k, v in minimums.items()) + "）"
    rule = (
        f"A {names_en} score{min_en} valid at the time of application is mandatory, with no waiver or late "
        f"submission ({t.fy_en(fy)} rule; applications {t.d_en(opens)} to {t.d_en(closes)}; scores count as "
        f"valid for {months} months from the test date, the test owners' period).",
        f"応募時点で有効な{names_ja}のスコア{min_ja}が必須で、免除や後日提出は認められません（{t.fy_ja(fy)}の条件。"
        f"応募期間 {t.d_ja(opens)}〜{t.d_ja(closes)}。スコアは受験日から{months}か月有効（試験実施団体の定め）として判定）。",
    )
    return _MandatoryLanguageRule(accepted, months, (names_en, names_ja), rule, minimums)


def _scores_listed(profile: Profile) -> tuple[str, str]:
    """The applicant's test scores as the messages name them (English, Japanese)."""
    tests = profile.language_tests
    return (
        ", ".join(f"{t.TEST_NAMES[x.test]['en']} {x.score:g} ({t.d_en(x.taken)})" for x in tests) or "none",
        "、".join(f"{t.TEST_NAMES[x.test]['ja']} {x.score:g}（{t.d_ja(x.taken)}）" for x in tests) or "なし",
    )


def check_language(profile: Profile, fy: int, info: CycleInfo, rules: Overlay | None) -> CriterionResult:
    ps = _params(fy, rules)
    test_p = ps["language_test"]
    validity_p = ps["language_score_validity"]
    tests = [{"test": x.test, "score": x.score, "taken": x.taken} for x in profile.language_tests]
    if not test_p.known:
        return _unknown_rule("language", test_p, fy, tests)
    rule_value = test_p.value
    if not rule_value.get("mandatory"):
        listed_en, listed_ja = _scores_listed(profile)
        return _result(
            "language",
            PASSED,
            rule=_optional_language_rule(fy, rules),
            detail=(f"Your scores: {listed_en}.", f"あなたのスコア：{listed_ja}。"),
            parameters=(test_p,),
            applied={"score_mandatory": False},
            applicant_value=tests,
        )
    if not validity_p.known:
        return _unknown_rule("language", validity_p, fy, tests)
    window = info.application_dates()
    cached = _mandatory_language_rule(fy, rules, window)
    accepted, months, rule, minimums = cached.accepted, cached.months, cached.rule, cached.minimums
    names_en, names_ja = cached.names
    opens, closes = window
    usable = [x for x in profile.language_tests if x.test in accepted and x.score >= minimums.get(x.test, 0)]
    valid_throughout = [x for x in usable if x.taken <= opens and add_months(x.taken, months) > closes]
    if valid_throughout:
        outcome = PASSED
        best = max(valid_throughout, key=lambda x: x.taken)  # the most recent valid score is shown
        detail = (
            f"Your {t.TEST_NAMES[best.test]['en']} score {best.score:g} of {t.d_en(best.taken)} is valid "
            "throughout the application window.",
            f"あなたの{t.TEST_NAMES[best.test]['ja']}のスコア {best.score:g}（{t.d_ja(best.taken)}受験）は"
            "応募期間を通じて有効です。",
        )
    elif not usable or all(x.taken > closes for x in usable):
        outcome = FAILED
        listed_en, listed_ja = _scores_listed(profile)
        detail = (
            f"Your scores: {listed_en}; none is a {names_en} score{' at the minimum' if minimums else ''} "
            f"taken by {t.d_en(closes)}.",
            f"あなたのスコア：{listed_ja}。{t.d_ja(closes)}までに受験した{names_ja}のスコア"
            f"{'（最低点以上）' if minimums else ''}がありません。",
        )
    else:
        outcome = NEEDS_REVIEW
        listed_en, listed_ja = _scores_listed(profile)
        detail = (
            f"Your scores: {listed_en}. None is valid throughout the window under a {months}-month validity "
            "(taken during the window, or older than that at some point of it); whether it counts as valid "
            "is for the programme to confirm.",
            f"あなたのスコア：{listed_ja}。{months}か月の有効期間では応募期間を通じて有効なものがありません"
            "（期間中の受験、または期間中に有効期間が切れる）。有効と認められるかは事務局の確認が必要です。",
        )
    return _result(
        "language",
        outcome,
        rule=rule,
        detail=detail,
        parameters=(test_p, validity_p),
        applied={"score_mandatory": True, "accepted_tests": list(accepted), "validity_months": months,
                 "application_window": [opens, closes]},
        applicant_value=tests,
    )  # fmt: skip


# --- prior service ------------------------------------------------------------------------------------


_PRIOR_SERVICE_EN = {
    "former_jpo": "former JPO",
    "international_organization_staff": "current or former regular professional staff of an international "
    "organization",
}
_PRIOR_SERVICE_JA = {
    "former_jpo": "JPO経験者",
    "international_organization_staff": "国際機関の正規専門職員（現職・経験者）",
}


@lru_cache(maxsize=_RULES_CACHE)
def _prior_service_rule(fy: int) -> tuple[str, str]:
    return (
        f"Former JPOs and current or former regular professional staff of an international organization may "
        f"not apply ({t.fy_en(fy)} rule).",
        f"JPO経験者、および国際機関の正規専門職員（現職・経験者）は応募できません（{t.fy_ja(fy)}の条件）。",
    )


def check_prior_service(profile: Profile, fy: int, info: CycleInfo, rules: Overlay | None) -> CriterionResult:
    p = _params(fy, rules)["prior_service"]
    applicant = {
        "former_jpo": profile.former_jpo,
        "international_organization_staff": profile.international_organization_staff,
    }
    if not p.known:
        return _unknown_rule("prior_service", p, fy, applicant)
    barred = [flag for flag in p.value if applicant.get(flag)]
    if barred:
        detail = (
            f"You declared: {t.join_en([_PRIOR_SERVICE_EN[b] for b in barred], 'and')}.",
            f"あなたの申告：{'、'.join(_PRIOR_SERVICE_JA[b] for b in barred)}。",
        )
    else:
        detail = ("You declared neither.", "あなたはいずれにも該当しないと申告しています。")
    return _result(
        "prior_service",
        FAILED if barred else PASSED,
        rule=_prior_service_rule(fy),
        detail=detail,
        parameters=(p,),
        applied={"barred": list(p.value)},
        applicant_value=applicant,
    )


# --- national civil servants --------------------------------------------------------------------------


@lru_cache(maxsize=_RULES_CACHE)
def _civil_servant_rule(fy: int, allowed: bool) -> tuple[str, str]:
    if allowed:
        since = " while keeping their status (from FY2019)" if fy >= 2019 else ""
        since_ja = "（2019年度から、身分を保ったまま派遣）" if fy >= 2019 else ""
        return (
            f"Serving national civil servants may apply{since} ({t.fy_en(fy)} rule).",
            f"現職の国家公務員も応募できます{since_ja}（{t.fy_ja(fy)}の条件）。",
        )
    return (
        f"Serving national civil servants may not apply (excluded FY2006 to FY2018; {t.fy_en(fy)} rule).",
        f"現職の国家公務員は応募できません（2006年度から2018年度まで対象外。{t.fy_ja(fy)}の条件）。",
    )


def check_civil_servant(profile: Profile, fy: int, info: CycleInfo, rules: Overlay | None) -> CriterionResult:
    p = _params(fy, rules)["civil_servants"]
    applicant = {"national_civil_servant": profile.national_civil_servant}
    if not p.known:
        return _unknown_rule("civil_servant", p, fy, applicant)
    you_en = (
        "You are a national civil servant."
        if profile.national_civil_servant
        else ("You are not a national civil servant.")
    )
    you_ja = (
        "あなたは国家公務員です。" if profile.national_civil_servant else "あなたは国家公務員ではありません。"
    )
    if p.value == "allowed":
        rule = _civil_servant_rule(fy, True)
        outcome = PASSED
    else:
        rule = _civil_servant_rule(fy, False)
        opens, _ = info.application_dates()
        government = [
            job for job in profile.employment
            if job.sector == "national_government" and job.type == "full_time" and (job.end is None or job.end >= opens)
        ]  # fmt: skip
        if profile.national_civil_servant:
            outcome = FAILED
        elif government:
            outcome = NEEDS_REVIEW
            you_en += " But your employment lists current full-time national government work."
            you_ja += "ただし、職歴に現在の国の機関での常勤勤務があります。"
        else:
            outcome = PASSED
    return _result(
        "civil_servant", outcome, rule=rule, detail=(you_en, you_ja), parameters=(p,),
        applied={"civil_servants": p.value}, applicant_value=applicant,
    )  # fmt: skip


CHECKS: dict[str, Callable[[Profile, int, CycleInfo, Overlay | None], CriterionResult]] = {
    "nationality": check_nationality,
    "age": check_age,
    "degree": check_degree,
    "experience": check_experience,
    "language": check_language,
    "prior_service": check_prior_service,
    "civil_servant": check_civil_servant,
}

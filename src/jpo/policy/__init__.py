"""The JPO programme's eligibility rules as dated, sourced data (pure Python: no Django import).

Public API (stable; other apps and tools call these):

    evaluate(profile, cycle) -> Decision           profile: Profile or the contract's JSON dict;
                                                   cycle: "FY2022" or 2022
    Decision(cycle, fiscal_year, criteria, rules_version); .eligible, .outcome, .as_dict(), .criterion(id)
    CriterionResult(id, outcome, rule, parameters, applied, applicant_value, message); .as_dict()
    Profile.from_dict(data) / parse_profile(data) -> Profile       raises ProfileError(field, message)
    parameter(name, fiscal_year) -> ParameterValue(value, since, source, note, ...)   value may be UNKNOWN
    parameter_names(), resolve_date(rule, fiscal_year)
    cycles(), cycle_info(cycle) -> CycleInfo, known_fiscal_years(), parse_cycle(code), cycle_code(fy)
    rules_version() -> str                          hash of the parameter files
    fiscal_year_of(date), fiscal_year_start(fy), fiscal_year_end(fy)
    age_on(birth_date, on), date_age_reached(birth_date, age), born_on_or_after_for_limit(limit, on)

Age follows Japanese law (see `jpo.policy.dates`): a year of age is complete at the end of the day
before the birthday, so on the birthday one already has the new age; "35 or younger on 1 April 2012"
means born on or after 2 April 1976. People born on 29 February take the new age on 1 March in common
years.

Parameters live in `parameters/*.yaml`, keyed by the start of the fiscal year from which each value
applies; the value in force for a cycle is the newest dated on or before 1 April of its fiscal year.
Unknown facts are `UNKNOWN`, and a criterion that needs one answers `needs_review` unless the answer is
the same for every possible value.
"""

from jpo.policy.criteria import CRITERIA_IDS, FAILED, NEEDS_REVIEW, OUTCOMES, PASSED, CriterionResult
from jpo.policy.dates import (
    age_on,
    born_on_or_after_for_limit,
    date_age_reached,
    fiscal_year_end,
    fiscal_year_of,
    fiscal_year_start,
)
from jpo.policy.decision import Decision, evaluate
from jpo.policy.parameters import (
    UNKNOWN,
    CycleFormatError,
    CycleInfo,
    ParameterValue,
    Source,
    UnknownCycleError,
    UnknownParameterError,
    cycle_code,
    cycle_info,
    cycles,
    known_fiscal_years,
    parameter,
    parameter_names,
    parse_cycle,
    resolve_date,
    rules_version,
)
from jpo.policy.profile import Profile, ProfileError, parse_profile
from jpo.policy.text import CRITERION_TITLES, DECISION_LABELS, OUTCOME_LABELS

__all__ = [
    "CRITERIA_IDS",
    "CRITERION_TITLES",
    "DECISION_LABELS",
    "FAILED",
    "NEEDS_REVIEW",
    "OUTCOMES",
    "OUTCOME_LABELS",
    "PASSED",
    "UNKNOWN",
    "CriterionResult",
    "CycleFormatError",
    "CycleInfo",
    "Decision",
    "ParameterValue",
    "Profile",
    "ProfileError",
    "Source",
    "UnknownCycleError",
    "UnknownParameterError",
    "age_on",
    "born_on_or_after_for_limit",
    "cycle_code",
    "cycle_info",
    "cycles",
    "date_age_reached",
    "evaluate",
    "fiscal_year_end",
    "fiscal_year_of",
    "fiscal_year_start",
    "known_fiscal_years",
    "parameter",
    "parameter_names",
    "parse_cycle",
    "parse_profile",
    "resolve_date",
    "rules_version",
]

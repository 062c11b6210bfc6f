"""The JPO programme's eligibility rules as dated, sourced data (pure Python: no Django import).

Public API (stable; other apps and tools call these):

    evaluate(profile, cycle, *, rules=None) -> Decision
                                                   profile: Profile or the contract's JSON dict;
                                                   cycle: "FY2022" or 2022; rules: an Overlay (a rule
                                                   set as data) or the mapping Overlay() takes
    Decision(cycle, fiscal_year, criteria, rules_version); .eligible, .outcome, .as_dict(), .criterion(id)
        .as_dict()["eligible"] is true, false, or null when the outcome is needs_review
    CriterionResult(id, outcome, rule, parameters, applied, applicant_value, message); .as_dict()
    Profile.from_dict(data) / parse_profile(data) -> Profile       raises ProfileError(field, message)
    parameter(name, fiscal_year, *, rules=None) -> ParameterValue(value, since, source, note, ...)
                                                   value may be UNKNOWN; rules: an Overlay
    parameter_names(), resolve_date(rule, fiscal_year), unknown_date_bounds(fiscal_year, name=None)
    cycles(), cycle_info(cycle) -> CycleInfo, known_fiscal_years(), cycle_code(fy)
    parse_cycle(code, *, known=True)                with known=False any FY1974-FY2100 (a rule set's cycle)
    rules_version(rules=None) -> str                hash of the parameter files (and of the overlay)

Rule sets (the officer's rules of a cycle, stored by the Django app `jpo.programme`, handed over as data):

    Overlay(parameters, *, applications=(opens, closes) | None, label=None, fiscal_year=None)
        parameters: {name: {"value": ..., "source": {"label", "url"}, "note", "exceptions",
        "candidates", "uncertain"}} in the YAML files' format; raises RulesError (.problems: {name:
        [message]}) when a value is invalid. See `jpo.policy.overlay` for the details.
    history_rules(fiscal_year) -> {name: entry}     the YAML history of a cycle in the overlay's format
    normalize_entry(raw) -> entry                   canonical form of one entry (dates as ISO text)
    validate_parameter(name, value, *, exceptions=None, candidates=None, fiscal_year=None) -> [problem]
    validate_entry(name, entry, *, fiscal_year=None) -> [problem]
    CRITERION_PARAMETERS {criterion: (names)}, unknown_criterion_parameters(rules) -> [name]
    TEST_SCALES {test: (lowest, highest)}
    fiscal_year_of(date), fiscal_year_start(fy), fiscal_year_end(fy)
    age_on(birth_date, on), date_age_reached(birth_date, age), born_on_or_after_for_limit(limit, on)

Age follows Japanese law (see `jpo.policy.dates`): a year of age is complete at the end of the day
before the birthday, so on the birthday one already has the new age; "35 or younger on 1 April 2012"
means born on or after 2 April 1976. People born on 29 February take the new age on 1 March in common
years.

Placement rules are parameters too: `danger_levels_refused` (posts at these MOFA danger levels are
refused) and `service_start_deadline` (start of service by this date); both are unknown (not enforced)
where no source gives them.

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
from jpo.policy.overlay import (
    CRITERION_PARAMETERS,
    Overlay,
    RulesError,
    history_rules,
    normalize_entry,
    unknown_criterion_parameters,
)
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
    unknown_date_bounds,
)
from jpo.policy.profile import Profile, ProfileError, parse_profile
from jpo.policy.text import CRITERION_TITLES, DECISION_LABELS, OUTCOME_LABELS
from jpo.policy.validation import TEST_SCALES, validate_entry, validate_parameter

__all__ = [
    "CRITERIA_IDS",
    "CRITERION_PARAMETERS",
    "CRITERION_TITLES",
    "DECISION_LABELS",
    "FAILED",
    "NEEDS_REVIEW",
    "OUTCOMES",
    "OUTCOME_LABELS",
    "PASSED",
    "TEST_SCALES",
    "UNKNOWN",
    "CriterionResult",
    "CycleFormatError",
    "CycleInfo",
    "Decision",
    "Overlay",
    "ParameterValue",
    "Profile",
    "ProfileError",
    "RulesError",
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
    "history_rules",
    "known_fiscal_years",
    "normalize_entry",
    "parameter",
    "parameter_names",
    "parse_cycle",
    "parse_profile",
    "resolve_date",
    "rules_version",
    "unknown_criterion_parameters",
    "unknown_date_bounds",
    "validate_entry",
    "validate_parameter",
]

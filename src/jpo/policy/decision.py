"""`evaluate(profile, cycle) -> Decision`: every criterion, never stopping at the first failure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jpo.policy.criteria import CHECKS, FAILED, NEEDS_REVIEW, CriterionResult
from jpo.policy.parameters import CycleInfo, cycle_code, cycles, parse_cycle, rules_version
from jpo.policy.profile import Profile, parse_profile


@dataclass(frozen=True)
class Decision:
    cycle: str
    fiscal_year: int
    criteria: tuple[CriterionResult, ...]
    rules_version: str

    @property
    def eligible(self) -> bool:
        """True only if every criterion passed."""
        return all(c.passed for c in self.criteria)

    @property
    def outcome(self) -> str:
        """'eligible', 'not_eligible' (some criterion failed) or 'needs_review' (none failed, some unsure)."""
        if any(c.outcome == FAILED for c in self.criteria):
            return "not_eligible"
        if any(c.outcome == NEEDS_REVIEW for c in self.criteria):
            return "needs_review"
        return "eligible"

    def criterion(self, criterion_id: str) -> CriterionResult:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)

    def as_dict(self) -> dict[str, Any]:
        """The JSON of the CLI and the API contract."""
        return {
            "cycle": self.cycle,
            "eligible": self.eligible,
            "outcome": self.outcome,
            "rules_version": self.rules_version,
            "criteria": [c.as_dict() for c in self.criteria],
        }


def evaluate(profile: Profile | Mapping[str, Any], cycle: str | int) -> Decision:
    """Judge a profile against the rules of a cycle ("FY2022" or 2022).

    Raises ProfileError (bad profile), CycleFormatError or UnknownCycleError (bad cycle).
    """
    if type(cycle) is str or type(cycle) is int:
        fiscal_year, code, info = _cycle(cycle)
    else:  # anything else (possibly unhashable) takes the plain path, with its errors
        fiscal_year, code, info = _cycle.__wrapped__(cycle)
    if not isinstance(profile, Profile):
        profile = parse_profile(profile)
    results = tuple([check(profile, fiscal_year, info) for check in _CHECKS])
    decision = _new_object(Decision)  # the frozen dataclass's fields, set without its generic __init__
    decision.__dict__.update(
        cycle=code, fiscal_year=fiscal_year, criteria=results, rules_version=rules_version()
    )
    return decision


_new_object = object.__new__


_CHECKS = tuple(CHECKS.values())


@lru_cache(maxsize=64, typed=True)
def _cycle(cycle: str | int) -> tuple[int, str, CycleInfo]:
    """The fiscal year, code and CycleInfo of a cycle as given (typed: 2022 and "FY2022" are separate
    entries); a bad cycle raises and is not cached."""
    fiscal_year = parse_cycle(cycle)
    return fiscal_year, cycle_code(fiscal_year), cycles()[fiscal_year]

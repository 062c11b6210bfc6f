"""`evaluate(profile, cycle) -> Decision`: every criterion, never stopping at the first failure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jpo.policy.criteria import CHECKS, FAILED, NEEDS_REVIEW, CriterionResult
from jpo.policy.parameters import cycle_code, cycles, parse_cycle, rules_version
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
    fiscal_year = parse_cycle(cycle)
    if not isinstance(profile, Profile):
        profile = parse_profile(profile)
    info = cycles()[fiscal_year]
    results = tuple(check(profile, fiscal_year, info) for check in CHECKS.values())
    return Decision(
        cycle=cycle_code(fiscal_year),
        fiscal_year=fiscal_year,
        criteria=results,
        rules_version=rules_version(),
    )

"""`evaluate(profile, cycle, *, rules=None) -> Decision`: every criterion, never stopping at the first
failure. `rules` is an overlay (a rule set as data, see `jpo.policy.overlay`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jpo.policy.criteria import CHECKS, FAILED, NEEDS_REVIEW, CriterionResult
from jpo.policy.overlay import Overlay
from jpo.policy.parameters import CycleInfo, Window, _files_version, cycle_code, cycles, parse_cycle
from jpo.policy.profile import Profile, parse_profile


@dataclass(frozen=True, slots=True)
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
        """The JSON of the CLI and the API contract. `eligible` is true, false, or null when the outcome is
        needs_review (nothing failed: the person is not found ineligible, but not found eligible either)."""
        return {
            "cycle": self.cycle,
            "eligible": None if self.outcome == "needs_review" else self.eligible,
            "outcome": self.outcome,
            "rules_version": self.rules_version,
            "criteria": [c.as_dict() for c in self.criteria],
        }


def evaluate(
    profile: Profile | Mapping[str, Any],
    cycle: str | int,
    *,
    rules: Overlay | Mapping[str, Any] | None = None,
) -> Decision:
    """Judge a profile against the rules of a cycle ("FY2022" or 2022).

    `rules`: the cycle's rule set as an overlay (an `Overlay`, or the mapping of parameters that
    `Overlay(...)` takes); when given, its values govern that cycle instead of the YAML history, its
    application window (if any) replaces `cycles.yaml`'s, and the cycle may be one the YAML does not
    know (FY2027). Build the `Overlay` once when evaluating many profiles.

    Raises ProfileError (bad profile), CycleFormatError or UnknownCycleError (bad cycle), RulesError
    (an invalid mapping given as `rules`).
    """
    overlay = rules if rules is None or isinstance(rules, Overlay) else Overlay(rules)
    if overlay is None:
        fiscal_year = parse_cycle(cycle)
        info = cycles()[fiscal_year]
        version = _files_version()
    else:
        fiscal_year = parse_cycle(cycle, known=False)
        info = _cycle_under(fiscal_year, overlay)
        version = overlay.version
    if not isinstance(profile, Profile):
        profile = parse_profile(profile)
    return Decision(
        cycle=cycle_code(fiscal_year),
        fiscal_year=fiscal_year,
        criteria=tuple(check(profile, fiscal_year, info, overlay) for check in CHECKS.values()),
        rules_version=version,
    )


@lru_cache(maxsize=64)
def _cycle_under(fiscal_year: int, overlay: Overlay) -> CycleInfo:
    """The cycle as a rule set governs it: any fiscal year, its application window (when the rule set
    has one) replacing the one in `cycles.yaml` (an unknown end keeps the YAML's, if any)."""
    info = cycles().get(fiscal_year) or CycleInfo(
        fiscal_year=fiscal_year,
        applications=Window(None, None),
        pre_registration=None,
        published=None,
        source=None,
        note=None,
    )
    if overlay.applications is None:
        return info
    opens, closes = overlay.applications
    window = info.applications
    return CycleInfo(
        fiscal_year=fiscal_year,
        applications=Window(opens or window.opens, closes or window.closes),
        pre_registration=info.pre_registration,
        published=info.published,
        source=info.source,
        note=info.note,
    )

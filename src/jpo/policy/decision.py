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
    if rules is None:
        if type(cycle) is str or type(cycle) is int:
            fiscal_year, code, info = _cycle(cycle)
        else:  # anything else (possibly unhashable) takes the plain path, with its errors
            fiscal_year, code, info = _cycle.__wrapped__(cycle)
        version = _files_version()
        overlay = None
    else:
        overlay = rules if isinstance(rules, Overlay) else Overlay(rules)
        if type(cycle) is str or type(cycle) is int:
            fiscal_year, code, info = _overlay_cycle(cycle, overlay)
        else:
            fiscal_year, code, info = _overlay_cycle.__wrapped__(cycle, overlay)
        version = overlay.version
    if not isinstance(profile, Profile):
        profile = parse_profile(profile)
    results = tuple([check(profile, fiscal_year, info, overlay) for check in _CHECKS])
    decision = _new_object(Decision)  # the frozen dataclass's fields, set without its generic __init__
    decision.__dict__.update(cycle=code, fiscal_year=fiscal_year, criteria=results, rules_version=version)
    return decision


_new_object = object.__new__


_CHECKS = tuple(CHECKS.values())


@lru_cache(maxsize=64, typed=True)
def _cycle(cycle: str | int) -> tuple[int, str, CycleInfo]:
    """The fiscal year, code and CycleInfo of a cycle as given (typed: 2022 and "FY2022" are separate
    entries); a bad cycle raises and is not cached."""
    fiscal_year = parse_cycle(cycle)
    return fiscal_year, cycle_code(fiscal_year), cycles()[fiscal_year]


@lru_cache(maxsize=64, typed=True)
def _overlay_cycle(cycle: str | int, overlay: Overlay) -> tuple[int, str, CycleInfo]:
    """As `_cycle`, for any fiscal year: the overlay governs it, and its application window (when it
    has one) replaces the one in `cycles.yaml` (an unknown end keeps the YAML's, if any)."""
    fiscal_year = parse_cycle(cycle, known=False)
    info = cycles().get(fiscal_year) or CycleInfo(
        fiscal_year=fiscal_year,
        applications=Window(None, None),
        pre_registration=None,
        published=None,
        source=None,
        note=None,
    )
    if overlay.applications is not None:
        opens, closes = overlay.applications
        window = info.applications
        info = CycleInfo(
            fiscal_year=fiscal_year,
            applications=Window(opens or window.opens, closes or window.closes),
            pre_registration=info.pre_registration,
            published=info.published,
            source=info.source,
            note=info.note,
        )
    return fiscal_year, cycle_code(fiscal_year), info

"""Impact preview: how the outcomes of real applications would change under a draft rule set (a page
of the programme officer's rules, here because it judges applications with the screening's loader).

The applications of a chosen cycle (an earlier one, or the cycle itself) are judged twice by the same
engine that screens them, in the cycle being edited: under the draft, and under the rules it would
replace (the cycle's published rule set, else the rules its draft started from). Profiles are read in
bulk with the screening's loader; nothing is written. The preview is bounded to `PREVIEW_LIMIT`
applications (the page says how many it judged), so that it answers within a page load.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from jpo import policy
from jpo.applications.models import Application
from jpo.applications.selectors import application_profiles
from jpo.applications.workflow import Status
from jpo.programme.models import Cycle, RuleSet
from jpo.programme.rules.selectors import rule_set_entries, starting_rules

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
PREVIEW_LIMIT = 5000
EXAMPLES = 5
CHUNK = 1000
NOT_JUDGED = (Status.DRAFT, Status.WITHDRAWN)


@dataclass
class CriterionImpact:
    id: str
    changed: int = 0
    moves: Counter[tuple[str, str]] = field(default_factory=Counter)
    examples: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Impact:
    cycle: Cycle
    source: Cycle
    baseline_label: str
    total: int
    judged: int
    outcome_changed: int
    outcome_moves: Counter[tuple[str, str]]
    criteria: list[CriterionImpact]


def baseline_rules(cycle: Cycle) -> tuple[str, dict[str, dict[str, Any]]]:
    """(what they are, {name: entry}) of the rules a draft of `cycle` would replace: the cycle's published
    rule set, else the rules its draft started from (the policy files, or an earlier year's carried)."""
    return starting_rules(cycle)


def _window(cycle: Cycle) -> tuple[dt.date | None, dt.date | None] | None:
    dates = tuple(
        v.astimezone(TOKYO).date() if v is not None else None
        for v in (cycle.applications_open, cycle.applications_close)
    )
    return dates if any(dates) else None  # type: ignore[return-value]


def impact_preview(*, draft: RuleSet, source: Cycle, limit: int = PREVIEW_LIMIT) -> Impact:
    """Judge the applications of `source` under the draft and the current rules of the draft's cycle."""
    cycle = draft.cycle
    label, baseline_entries = baseline_rules(cycle)
    window = _window(cycle)
    draft_rules = policy.Overlay(rule_set_entries(draft), applications=window, label="draft")
    baseline = policy.Overlay(baseline_entries, applications=window, label=label)
    applications = Application.objects.filter(cycle=source).exclude(status__in=NOT_JUDGED)
    total = applications.count()
    ids = list(applications.order_by("pk").values_list("pk", flat=True)[:limit])
    criteria = {cid: CriterionImpact(cid) for cid in policy.CRITERIA_IDS}
    outcome_moves: Counter[tuple[str, str]] = Counter()
    outcome_changed = 0
    code = cycle.code
    for start in range(0, len(ids), CHUNK):
        for app_id, profile in application_profiles(ids[start : start + CHUNK]).items():
            try:
                before = policy.evaluate(profile, code, rules=baseline)
                after = policy.evaluate(profile, code, rules=draft_rules)
            except (policy.ProfileError, ValueError):
                continue  # a profile the rules cannot judge is judged neither way
            if before.outcome != after.outcome:
                outcome_changed += 1
                outcome_moves[(before.outcome, after.outcome)] += 1
            for old, new in zip(before.criteria, after.criteria, strict=True):
                if old.outcome == new.outcome:
                    continue
                impact = criteria[old.id]
                impact.changed += 1
                impact.moves[(old.outcome, new.outcome)] += 1
                if len(impact.examples) < EXAMPLES:
                    impact.examples.append(
                        {"application": app_id, "before": dict(old.message), "after": dict(new.message)}
                    )
    return Impact(
        cycle=cycle,
        source=source,
        baseline_label=label,
        total=total,
        judged=len(ids),
        outcome_changed=outcome_changed,
        outcome_moves=outcome_moves,
        criteria=list(criteria.values()),
    )

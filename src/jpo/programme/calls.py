"""The public call for applications (募集要項) of a cycle, and the public self-check, built from the
cycle's rules with the same engine that screens applications (`jpo.policy.evaluate`).

The eligibility section quotes each criterion's rule as the engine words it for the cycle (the words
screening and the self-check use), so the call and the judgement can never say different things.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from jpo import policy
from jpo.programme.models import Cycle, Organization, Post, PostStatus, RuleSet, RuleSetStatus, Track
from jpo.programme.rules.selectors import effective_rules
from jpo.programme.vocabulary import DocumentKind

# A profile that every criterion can judge: only the rule each criterion states is read from it.
_REFERENCE_PROFILE: dict[str, Any] = {
    "birth_date": "2000-01-01",
    "nationalities": ["JP"],
    "degrees": [],
    "employment": [],
    "language_tests": [],
    "national_civil_servant": False,
    "former_jpo": False,
    "international_organization_staff": False,
}


@dataclass
class Call:
    cycle: Cycle
    eligibility: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    max_organizations: int | None
    documents: list[Any]
    posts: list[Post] = field(default_factory=list)
    refused_danger_levels: list[int] = field(default_factory=list)


def cycle_decision(profile: dict[str, Any], cycle: Cycle) -> policy.Decision:
    """The engine's judgement of `profile` under the rules that govern `cycle` (its published rule set,
    else the policy files), as screening, the portal, the API and the CLI judge it (raises ProfileError)."""
    return policy.evaluate(profile, cycle.code, rules=effective_rules(cycle))


def call_cycles() -> QuerySet[Cycle]:
    """The cycles whose rules are public, newest first, with their tracks and organizations: those with a
    published rule set, and past cycles the policy files (the cited history) cover without a draft
    or published rule set of their own."""
    published = RuleSet.objects.filter(cycle=OuterRef("pk"), status=RuleSetStatus.PUBLISHED)
    any_rule_set = RuleSet.objects.filter(cycle=OuterRef("pk"))
    return (
        Cycle.objects.annotate(published=Exists(published), has_rule_set=Exists(any_rule_set))
        .filter(Q(published=True) | Q(has_rule_set=False, fiscal_year__in=policy.known_fiscal_years()))
        .prefetch_related(
            Prefetch(
                "tracks",
                queryset=Track.objects.order_by("kind").prefetch_related(
                    Prefetch("organizations", queryset=Organization.objects.order_by("code"))
                ),
            )
        )
        .order_by("-fiscal_year")
    )


def call_for(cycle: Cycle, *, lang: str) -> Call:
    """The call of `cycle` in `lang` ("ja" or "en")."""
    decision = cycle_decision(_REFERENCE_PROFILE, cycle)  # the rule each criterion states
    eligibility = []
    sources: list[dict[str, Any]] = []
    for criterion in decision.criteria:
        eligibility.append(
            {
                "id": criterion.id,
                "title": policy.CRITERION_TITLES[criterion.id][lang],
                "rule": criterion.rule[lang],
            }
        )
        for source in criterion.sources:
            if source not in sources:
                sources.append(source)
    rules = effective_rules(cycle)
    if rules is not None:
        resolved = rules.resolved(cycle.fiscal_year)
        max_organizations = resolved["max_organizations"].value
        refused = resolved["danger_levels_refused"].value
    else:
        max_organizations = policy.parameter("max_organizations", cycle.fiscal_year).value
        refused = policy.parameter("danger_levels_refused", cycle.fiscal_year).value
    refused_levels = sorted(refused) if isinstance(refused, list | tuple) else []
    # Posts in duty stations at a danger level the year's rules refuse are not open to applicants.
    posts = list(
        Post.objects.filter(cycle=cycle, status=PostStatus.APPROVED)
        .exclude(danger_level__in=refused_levels)
        .select_related("organization")
        .order_by("organization__code", "title")
    )
    return Call(
        cycle=cycle,
        eligibility=eligibility,
        sources=sources,
        max_organizations=None if max_organizations in (policy.UNKNOWN, None) else int(max_organizations),
        documents=[label for _value, label in DocumentKind.choices],
        posts=posts,
        refused_danger_levels=refused_levels,
    )

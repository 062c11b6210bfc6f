"""The public call for applications (募集要項) of a cycle, and the public self-check, built from the
cycle's rules with the same engine that screens applications (`jpo.policy.evaluate`).

The eligibility section quotes each criterion's rule as the engine words it for the cycle (the words
screening and the self-check use), so the call and the judgement can never say different things.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet

from jpo import policy
from jpo.applications.models import DocumentKind
from jpo.programme.models import Cycle, Organization, Post, PostStatus, Track

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


def cycle_decision(profile: dict[str, Any], cycle: Cycle) -> policy.Decision:
    """The engine's judgement of `profile` under the rules that govern `cycle` (raises ProfileError)."""
    return policy.evaluate(profile, cycle.code)


def call_cycles() -> QuerySet[Cycle]:
    """The cycles whose call is public, newest first, with their tracks and organizations."""
    return Cycle.objects.prefetch_related(
        Prefetch(
            "tracks",
            queryset=Track.objects.order_by("kind").prefetch_related(
                Prefetch("organizations", queryset=Organization.objects.order_by("code"))
            ),
        )
    ).order_by("-fiscal_year")


def call_for(cycle: Cycle, *, lang: str) -> Call:
    """The call of `cycle` in `lang` ("ja" or "en")."""
    decision = cycle_decision(_REFERENCE_PROFILE, cycle)
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
    max_organizations = policy.parameter("max_organizations", cycle.fiscal_year).value
    posts = list(
        Post.objects.filter(cycle=cycle, status=PostStatus.APPROVED)
        .select_related("organization")
        .order_by("organization__code", "title")
    )
    return Call(
        cycle=cycle,
        eligibility=eligibility,
        sources=sources,
        max_organizations=None if max_organizations is policy.UNKNOWN else int(max_organizations),
        documents=[label for _value, label in DocumentKind.choices],
        posts=posts,
    )


def throttle_hit(*, key: str, limit: int, seconds: int) -> bool:
    """Count one request for `key`; True when it is over `limit` in the current `seconds` window."""
    cache_key = f"jpo:throttle:{key}"
    if cache.add(cache_key, 1, timeout=seconds):
        return False
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=seconds)
        return False
    return count > limit

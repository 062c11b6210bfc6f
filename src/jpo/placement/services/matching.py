"""Ratings, the matching recommendation, the officer's adjustments and sending it as offers
(the offers themselves: `jpo.placement.services.offers`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jpo.accounts import access
from jpo.accounts.models import User
from jpo.accounts.services import audit_record
from jpo.applications.models import Application
from jpo.placement import solver
from jpo.placement.models import (
    OPEN_OFFER_STATUSES,
    CandidateRating,
    MatchPair,
    MatchRun,
    MatchRunStatus,
    Offer,
    PairKind,
)
from jpo.placement.services.costs import rates
from jpo.placement.services.dates import today_in_tokyo
from jpo.placement.services.offers import (
    CANDIDATE_STATUSES,
    OfferTerms,
    offer_make,
    offer_terms_check,
    offer_terms_default,
)
from jpo.placement.services.posts import post_cost_estimate
from jpo.placement.terms import max_organizations
from jpo.programme.models import Cycle, Organization, Post, PostStatus
from jpo.programme.rules.selectors import effective_rules

RESERVE_DEPTH = 3

NOT_A_CANDIDATE = gettext_lazy("This application was not recommended or forwarded to your organization.")


def rating_record(
    *, actor: User, organization: Organization, application: Application, score: int, note: str = ""
) -> CandidateRating:
    """An organization's rating of a candidate (its focal point, or an officer on its behalf)."""
    if not (
        access.is_officer(actor)
        or (access.is_focal_point(actor) and actor.organization_id == organization.pk)
    ):
        raise PermissionDenied
    if not 1 <= score <= 5:
        raise ValidationError({"score": [_("A rating runs from 1 to 5.")]})
    named = (
        application.preferences.filter(organization=organization).exists()
        or application.forwarded_to_id == organization.pk
    )
    if not named or application.status not in CANDIDATE_STATUSES:
        raise ValidationError(NOT_A_CANDIDATE)
    with transaction.atomic():
        rating, _created = CandidateRating.objects.update_or_create(
            organization=organization,
            application=application,
            defaults={"score": score, "note": note, "rated_by": actor},
        )
        audit_record(actor=actor, action="placement.rating", target=rating, data={"score": score})
    return rating


def ratings_record(
    *,
    actor: User,
    organization: Organization,
    applications: Sequence[Application],
    score: int,
    note: str = "",
) -> list[CandidateRating]:
    """The same rating of several candidates by one organization, all or none (`rating_record` each)."""
    with transaction.atomic():
        return [
            rating_record(actor=actor, organization=organization, application=a, score=score, note=note)
            for a in applications
        ]


def open_candidates(cycle: Cycle):
    """Recommended or forwarded applications of the cycle with no open offer and no dispatch yet."""
    open_offer = Offer.objects.filter(application=OuterRef("pk"), status__in=OPEN_OFFER_STATUSES)
    return (
        Application.objects.filter(cycle=cycle, status__in=CANDIDATE_STATUSES, dispatch__isnull=True)
        .exclude(Exists(open_offer))
        .select_related("applicant", "track")
        .prefetch_related("preferences", "ratings")
        .order_by("pk")
    )


def open_posts(cycle: Cycle):
    open_offer = Offer.objects.filter(post=OuterRef("pk"), status__in=OPEN_OFFER_STATUSES)
    return (
        Post.objects.filter(cycle=cycle, status=PostStatus.APPROVED)
        .exclude(Exists(open_offer))
        .select_related("organization", "cycle")
        .order_by("pk")
    )


@dataclass
class Problem:
    applications: list[Application]
    posts: list[Post]
    ranks: np.ndarray  # preference rank (0 = not preferred)
    ratings: np.ndarray  # organization's rating (0 = not rated)
    costs: np.ndarray  # estimated cost per post (nan = unknown)
    fit: np.ndarray
    allowed: np.ndarray


def build_problem(*, cycle: Cycle, preference_weight: float) -> Problem:
    applications = list(open_candidates(cycle))
    posts = list(open_posts(cycle))
    n, m = len(applications), len(posts)
    rules = effective_rules(cycle)
    limit = max_organizations(cycle.fiscal_year, rules)
    ranks = np.zeros((n, m), dtype=int)
    ratings = np.zeros((n, m), dtype=int)
    post_org = np.array([p.organization_id for p in posts], dtype=int)
    post_index = {p.pk: j for j, p in enumerate(posts)}
    for i, application in enumerate(applications):
        for pref in application.preferences.all():
            if limit is not None and pref.rank > limit:
                continue
            specific = getattr(pref, "post_id", None)
            if specific is not None:
                j = post_index.get(specific)
                if j is not None:
                    ranks[i, j] = pref.rank
            else:
                ranks[i, post_org == pref.organization_id] = pref.rank
        if application.forwarded_to_id is not None:
            # Organization track: only the organization running stage two; its place in the list, else first.
            own = post_org == application.forwarded_to_id
            ranks[i, ~own] = 0
            ranks[i, own & (ranks[i] == 0)] = 1
        for rating in application.ratings.all():
            ratings[i, post_org == rating.organization_id] = rating.score
    max_rank = limit or int(ranks.max(initial=1)) or 1
    allowed = ranks > 0
    pref_score = np.where(allowed, (max_rank - ranks + 1) / max_rank, 0.0)
    fit = np.where(allowed, preference_weight * pref_score + (1 - preference_weight) * ratings / 5, 0.0)
    loaded = rates()
    costs = np.array(
        [
            np.nan if (t := post_cost_estimate(post=p, loaded=loaded, rules=rules).total) is None else t
            for p in posts
        ],
        dtype=float,
    )
    return Problem(applications, posts, ranks, ratings, costs, fit, allowed)


def match_run_create(
    *, actor: User, cycle: Cycle, preference_weight: int = 50, budget_yen: int | None = None
) -> MatchRun:
    """Compute the recommendation that maximises total fit, with a reserve list per post."""
    if not access.is_officer(actor):
        raise PermissionDenied
    if not 0 <= preference_weight <= 100:
        raise ValidationError({"preference_weight": [_("The weight is a percentage from 0 to 100.")]})
    problem = build_problem(cycle=cycle, preference_weight=preference_weight / 100)
    if not problem.applications:
        raise ValidationError(
            _("%(cycle)s has no recommended or forwarded candidate without an offer.") % {"cycle": cycle}
        )
    if not problem.posts:
        raise ValidationError(_("%(cycle)s has no approved post without an offer.") % {"cycle": cycle})
    if budget_yen is not None:
        unknown = [str(p) for p, c in zip(problem.posts, problem.costs, strict=True) if np.isnan(c)]
        if unknown:
            raise ValidationError(
                {
                    "budget_yen": [
                        _(
                            "Costs are unknown for %(posts)s: complete the cost table or match without a budget."
                        )
                        % {"posts": ", ".join(unknown[:5])}
                    ]
                }
            )
    solution = solver.solve(
        problem.fit,
        problem.allowed,
        cost=problem.costs if budget_yen is not None else None,
        budget=budget_yen,
    )
    with transaction.atomic():
        run = MatchRun.objects.create(
            cycle=cycle,
            preference_weight=preference_weight,
            budget_yen=budget_yen,
            solver=solution.solver,
            objective=solution.objective,
            optimal=solution.optimal,
            created_by=actor,
        )
        rows = []
        holder = {j: i for i, j in solution.pairs}
        for i, j in solution.pairs:
            rows.append(_pair(run, problem, i, j, PairKind.RECOMMENDED))
        # Reserve list per post: the next best candidates for it (those recommended elsewhere included:
        # they are skipped when the reserve is used if they hold an offer by then).
        for j in range(len(problem.posts)):
            options = [int(i) for i in np.flatnonzero(problem.allowed[:, j]) if i != holder.get(j)]
            options.sort(key=lambda i: (-problem.fit[i, j], problem.ranks[i, j], i))
            for depth, i in enumerate(options[:RESERVE_DEPTH], start=1):
                pair = _pair(run, problem, i, j, PairKind.RESERVE)
                pair.reserve_rank = depth
                rows.append(pair)
        MatchPair.objects.bulk_create(rows)
        audit_record(
            actor=actor,
            action="placement.match_run",
            target=run,
            data={
                "pairs": len(solution.pairs),
                "objective": solution.objective,
                "solver": solution.solver,
                "messages": solution.messages,
            },
        )
    return run


def _pair(run: MatchRun, problem: Problem, i: int, j: int, kind: str) -> MatchPair:
    cost = problem.costs[j]
    return MatchPair(
        run=run,
        application=problem.applications[i],
        post=problem.posts[j],
        kind=kind,
        preference_rank=int(problem.ranks[i, j]) or None,
        rating=int(problem.ratings[i, j]) or None,
        cost_yen=None if np.isnan(cost) else int(cost),
        fit=float(problem.fit[i, j]),
    )


def _recompute_objective(run: MatchRun) -> None:
    pairs = run.pairs.filter(kind=PairKind.RECOMMENDED)
    run.objective = float(sum(p.fit for p in pairs))
    run.optimal = False
    run.save(update_fields=["objective", "optimal"])


def match_pair_set(*, actor: User, run: MatchRun, application: Application, post: Post | None) -> MatchRun:
    """The officer's adjustment: recommend `application` for `post` (or for nothing when post is None)."""
    if not access.is_officer(actor):
        raise PermissionDenied
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run.pk)
        if run.status != MatchRunStatus.DRAFT:
            raise ValidationError(_("This recommendation was already sent; start a new run to change it."))
        current = run.pairs.filter(kind=PairKind.RECOMMENDED)
        current.filter(application=application).delete()
        if post is not None:
            if post.cycle_id != run.cycle_id or post.status != PostStatus.APPROVED:
                raise ValidationError({"post": [_("Only an approved post of this cycle can be chosen.")]})
            holder = current.filter(post=post).select_related("application__applicant").first()
            if holder is not None:
                raise ValidationError(
                    {
                        "post": [
                            _("%(post)s is already recommended for %(who)s: change that pair first.")
                            % {"post": post, "who": holder.application.applicant}
                        ]
                    }
                )
            problem_pair = run.pairs.filter(application=application, post=post).first()
            loaded = rates()
            cost = post_cost_estimate(post=post, loaded=loaded).total
            pref = application.preferences.filter(organization_id=post.organization_id).first()
            rating = application.ratings.filter(organization_id=post.organization_id).first()
            limit = max_organizations(run.cycle.fiscal_year, effective_rules(run.cycle)) or max(
                [p.rank for p in application.preferences.all()] or [1]
            )
            weight = run.preference_weight / 100
            fit = (
                problem_pair.fit
                if problem_pair
                else solver.fit_value(
                    preference=solver.preference_score(pref.rank if pref else None, limit),
                    rating=solver.rating_score(rating.score if rating else None),
                    preference_weight=weight,
                )
            )
            MatchPair.objects.create(
                run=run,
                application=application,
                post=post,
                kind=PairKind.RECOMMENDED,
                preference_rank=pref.rank if pref else None,
                rating=rating.score if rating else None,
                cost_yen=cost,
                fit=fit,
                adjusted=True,
            )
            if run.budget_yen is not None:
                spent = [p.cost_yen for p in run.pairs.filter(kind=PairKind.RECOMMENDED)]
                if any(c is None for c in spent) or sum(c or 0 for c in spent) > run.budget_yen:
                    raise ValidationError(
                        {
                            "post": [
                                _("With this pair the recommendation exceeds the budget of ¥%(budget)s.")
                                % {"budget": f"{run.budget_yen:,}"}
                            ]
                        }
                    )
        _recompute_objective(run)
        audit_record(
            actor=actor,
            action="placement.match_adjust",
            target=run,
            data={"application": application.pk, "post": post.pk if post else None},
        )
    return run


def match_run_send(*, actor: User, run: MatchRun, terms: OfferTerms | None = None) -> list[Offer]:
    """Send the (adjusted) recommendation: one offer per recommended pair, each a letter with `terms`
    (by default the policy's start and length and a deadline two weeks away)."""
    if not access.is_officer(actor):
        raise PermissionDenied
    today = today_in_tokyo()
    terms = terms or offer_terms_default(cycle=run.cycle, today=today)
    offer_terms_check(terms, today=today)
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run.pk)
        if run.status != MatchRunStatus.DRAFT:
            raise ValidationError(_("This recommendation was already sent."))
        pairs = list(
            run.pairs.filter(kind=PairKind.RECOMMENDED).select_related(
                "application__applicant__user", "post__organization"
            )
        )
        if not pairs:
            raise ValidationError(_("The recommendation is empty: nothing to send."))
        clash = (
            Offer.objects.filter(
                Q(post__in=[p.post for p in pairs]) | Q(application__in=[p.application for p in pairs]),
                status__in=OPEN_OFFER_STATUSES,
            )
            .select_related("application__applicant", "post")
            .first()
        )
        if clash is not None:
            raise ValidationError(
                _("%(who)s or %(post)s already has an open offer; adjust the recommendation.")
                % {"who": clash.application.applicant, "post": clash.post}
            )
        offers = [
            offer_make(actor=actor, application=p.application, post=p.post, terms=terms, run=run)
            for p in pairs
        ]
        run.status = MatchRunStatus.SENT
        run.sent_at = timezone.now()
        run.save(update_fields=["status", "sent_at"])
        audit_record(
            actor=actor,
            action="placement.match_send",
            target=run,
            data={
                "offers": len(offers),
                "respond_by": terms.respond_by.isoformat(),
                "start_date": terms.start_date.isoformat() if terms.start_date else None,
                "length_months": terms.length_months,
            },
        )
    return offers

"""Posts: proposal by an organization (or an officer on its behalf), approval within the cycle's budget
and slots, refusal, withdrawal. Post statuses change only here, through one table of allowed moves."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from jpo.accounts import access
from jpo.accounts.models import User
from jpo.accounts.services import audit_record
from jpo.placement.services.costs import CostEstimate, estimate, rates
from jpo.placement.terms import danger_rule, dispatch_terms, end_after_years, planning_start
from jpo.policy import Overlay
from jpo.programme.models import Agreement, Cycle, Organization, Post, PostStatus
from jpo.programme.rules.selectors import effective_rules

P = PostStatus
POST_TRANSITIONS: dict[str, frozenset[str]] = {
    P.PROPOSED: frozenset({P.APPROVED, P.REFUSED, P.WITHDRAWN}),
    P.APPROVED: frozenset({P.FILLED, P.WITHDRAWN}),
    P.REFUSED: frozenset(),
    # A filled post reopens when the programme office withdraws the confirmed offer that filled it.
    P.FILLED: frozenset({P.APPROVED}),
    P.WITHDRAWN: frozenset(),
}


def _danger_refusal(*, cycle: Cycle, level: int | None, rules: Overlay | None) -> str | None:
    """Why a post at `level` is refused in `cycle` (the cycle's rules, with their source), or None."""
    rule = danger_rule(cycle.fiscal_year, rules)
    if level is None or rule.value is None or level not in rule.value:
        return None
    return _(
        "A post in a duty station at MOFA danger level %(level)s cannot be accepted in %(cycle)s (%(source)s)."
    ) % {"level": level, "cycle": cycle.code, "source": rule.source}


_LOOK_UP: Any = object()  # post_cost_estimate: read the cycle's rules (callers with many posts pass them)


def post_cost_estimate(*, post: Post, loaded: Any = None, rules: Overlay | None = _LOOK_UP) -> CostEstimate:
    """Estimated cost of a post over the planned dispatch length, assuming a start on the cycle's start
    deadline (see `planning_start`); missing rates are listed, never guessed. `rules`: the cycle's
    `effective_rules`, looked up when not given."""
    if rules is _LOOK_UP:
        rules = effective_rules(post.cycle)
    terms = dispatch_terms(post.cycle.fiscal_year, rules)
    if terms.years is None:
        return CostEstimate(missing=[_("The policy gives no dispatch length for this cycle.")])
    start = planning_start(post.cycle.fiscal_year, rules)
    return estimate(
        grade=post.grade,
        duty_station=post.duty_station,
        start=start,
        last_day=end_after_years(start, terms.years),
        loaded=loaded,
    )


def _transition(*, post: Post, to: str, actor: User | None, reason: str = "") -> Post:
    current = Post.objects.select_for_update().get(pk=post.pk)
    if to not in POST_TRANSITIONS[current.status]:
        raise ValidationError(
            _("A post cannot move from “%(from)s” to “%(to)s”.")
            % {"from": PostStatus(current.status).label, "to": PostStatus(to).label}
        )
    previous = current.status
    current.status = to
    current.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="placement.post_status",
        target=current,
        data={"from": previous, "to": to, "reason": reason},
    )
    post.status = to
    return current


def post_propose(
    *,
    actor: User,
    cycle: Cycle,
    organization: Organization,
    title: str,
    duty_station: str,
    grade: str,
    field: str = "",
    terms_of_reference: str = "",
    danger_level: int | None = None,
    country_iso3: str = "",
) -> Post:
    if not (
        access.is_officer(actor)
        or (access.is_focal_point(actor) and actor.organization_id == organization.pk)
    ):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors.setdefault("title", []).append(_("A post needs a title."))
    if not duty_station.strip():
        errors.setdefault("duty_station", []).append(_("A post needs a duty station."))
    refusal = _danger_refusal(cycle=cycle, level=danger_level, rules=effective_rules(cycle))
    if refusal:
        errors.setdefault("danger_level", []).append(refusal)
    covered = Agreement.objects.filter(
        Q(ends_fiscal_year__isnull=True) | Q(ends_fiscal_year__gte=cycle.fiscal_year),
        organization=organization,
        starts_fiscal_year__lte=cycle.fiscal_year,
    ).exists()
    if not covered:
        errors.setdefault("organization", []).append(
            _("%(org)s has no agreement to accept Japanese JPOs in %(cycle)s.")
            % {"org": organization, "cycle": cycle}
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        post = Post(
            cycle=cycle,
            organization=organization,
            title=title.strip(),
            duty_station=duty_station.strip(),
            grade=grade,
            field=field,
            terms_of_reference=terms_of_reference,
            danger_level=danger_level,
            country_iso3=country_iso3,
            status=PostStatus.PROPOSED,
        )
        post.full_clean()
        post.save()
        audit_record(actor=actor, action="placement.post_propose", target=post, data={"title": post.title})
    return post


def post_approve(*, actor: User, post: Post) -> Post:
    """Approve a proposed post if the cycle's slots and budget allow it (the budget counts the estimated
    cost of every approved or filled post of the cycle over the planned dispatch length)."""
    if not access.is_officer(actor):
        raise PermissionDenied
    original = post
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=post.cycle_id)
        post = Post.objects.select_related("cycle").get(pk=post.pk)
        rules = effective_rules(cycle)
        refusal = _danger_refusal(cycle=cycle, level=post.danger_level, rules=rules)
        if refusal:
            raise ValidationError(refusal)
        taken = list(
            Post.objects.filter(cycle=cycle, status__in=[P.APPROVED, P.FILLED]).select_related("cycle")
        )
        if cycle.slots is not None and len(taken) >= cycle.slots:
            raise ValidationError(
                _("All %(slots)s slots of %(cycle)s are taken by approved posts.")
                % {"slots": cycle.slots, "cycle": cycle}
            )
        if cycle.budget_yen is not None:
            loaded = rates()
            total = 0
            for other in [*taken, post]:
                cost = post_cost_estimate(post=other, loaded=loaded, rules=rules)
                if cost.total is None:
                    raise ValidationError(
                        _(
                            "The cost of %(post)s cannot be estimated (%(missing)s): complete the cost table first."
                        )
                        % {"post": other, "missing": "; ".join(cost.missing)}
                    )
                total += cost.total
            if total > cycle.budget_yen:
                raise ValidationError(
                    _(
                        "Approving this post would commit ¥%(total)s, over the budget of %(cycle)s (¥%(budget)s)."
                    )
                    % {"total": f"{total:,}", "cycle": cycle, "budget": f"{cycle.budget_yen:,}"}
                )
        approved = _transition(post=post, to=P.APPROVED, actor=actor)
    original.status = approved.status
    return approved


def post_refuse(*, actor: User, post: Post, reason: str) -> Post:
    if not access.is_officer(actor):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for refusing the post.")]})
    with transaction.atomic():
        return _transition(post=post, to=P.REFUSED, actor=actor, reason=reason)


def post_withdraw(*, actor: User, post: Post, reason: str = "") -> Post:
    access.require_post_scope(actor, post)
    with transaction.atomic():
        return _transition(post=post, to=P.WITHDRAWN, actor=actor, reason=reason)


def post_fill(*, actor: User | None, post: Post) -> Post:
    """Called when an offer for the post is accepted."""
    return _transition(post=post, to=P.FILLED, actor=actor)


def post_reopen(*, actor: User | None, post: Post, reason: str) -> Post:
    """Called when the confirmed offer that filled the post is withdrawn: the post is approved again."""
    return _transition(post=post, to=P.APPROVED, actor=actor, reason=reason)

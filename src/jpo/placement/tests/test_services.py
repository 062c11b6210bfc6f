"""Placement services through the real database: posts, matching, offers, dispatches, secondments,
outcomes. Every refusal also asserts that nothing was written."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jpo.accounts.models import Role
from jpo.applications.workflow import Status
from jpo.placement.models import (
    Dispatch,
    DispatchCost,
    Extension,
    MatchPair,
    MatchRunStatus,
    Milestone,
    MilestoneKind,
    Offer,
    OfferStatus,
    Outcome,
    OutcomeKind,
    PairKind,
    Secondment,
)
from jpo.placement.services import dispatches as dispatch_services
from jpo.placement.services.dispatches import dispatch_create, dispatch_end, dispatch_extend
from jpo.placement.services.matching import (
    match_pair_set,
    match_run_create,
    match_run_send,
    rating_record,
)
from jpo.placement.services.offers import offer_from_reserve, offer_transition
from jpo.placement.services.outcomes import follow_up_record, outcome_record
from jpo.placement.services.posts import post_approve, post_cost_estimate, post_propose, post_refuse
from jpo.placement.services.secondments import (
    needs_npa_consultation,
    secondment_plan,
    secondment_record_return,
)
from jpo.placement.tests import factories as f
from jpo.policy import history_rules
from jpo.programme.models import Post, PostStatus
from jpo.programme.rules.services import rule_set_load, rule_set_publish

pytestmark = pytest.mark.django_db


# -- posts -----------------------------------------------------------------------------------


def _publish_rules(fiscal_year: int, **changes: Any) -> None:
    parameters = copy.deepcopy(history_rules(fiscal_year))
    parameters.update(changes)
    document = {"cycle": f"FY{fiscal_year}", "parameters": parameters}
    rule_set_publish(rule_set=rule_set_load(data=document, actor=None), actor=None, confirm_unknown=True)


def test_danger_level_3_or_4_refused_in_fy2026_as_sourced_not_before() -> None:
    officer = f.officer()
    org = f.organization()
    with pytest.raises(ValidationError) as caught:
        post_propose(
            actor=officer,
            cycle=f.cycle(2026),
            organization=org,
            title="T",
            duty_station="Kabul",
            grade="P-2",
            danger_level=4,
        )
    assert "danger_level" in caught.value.message_dict
    assert "FY2026" in caught.value.message_dict["danger_level"][0]
    assert "career.erythree.com" in caught.value.message_dict["danger_level"][0]  # the rule's source
    assert not Post.objects.exists()
    # FY2025: no source states the rule for that cycle, so it is not applied.
    post = post_propose(
        actor=officer,
        cycle=f.cycle(2025),
        organization=org,
        title="T",
        duty_station="Kabul",
        grade="P-2",
        danger_level=4,
    )
    assert post.status == PostStatus.PROPOSED
    assert post_propose(
        actor=officer,
        cycle=f.cycle(2026),
        organization=org,
        title="T2",
        duty_station="Nairobi",
        grade="P-2",
        danger_level=2,
    )


def test_the_danger_rule_follows_the_cycles_published_rule_set() -> None:
    officer = f.officer()
    org = f.organization()
    _publish_rules(
        2025, danger_levels_refused={"value": [4], "source": {"label": "FY2025 call", "url": None}}
    )
    with pytest.raises(ValidationError, match="FY2025 call"):
        post_propose(
            actor=officer, cycle=f.cycle(2025), organization=org, title="T", duty_station="Kabul",
            grade="P-2", danger_level=4,
        )  # fmt: skip
    assert post_propose(
        actor=officer, cycle=f.cycle(2025), organization=org, title="T", duty_station="Juba",
        grade="P-2", danger_level=3,
    )  # fmt: skip


def test_focal_point_proposes_only_for_own_organization(make_user) -> None:
    undp, wfp = f.organization("UNDP"), f.organization("WFP")
    focal = make_user(Role.FOCAL_POINT, organization=undp)
    post = post_propose(
        actor=focal, cycle=f.cycle(2024), organization=undp, title="T", duty_station="New York", grade="P-2"
    )
    assert post.organization == undp
    with pytest.raises(PermissionDenied):
        post_propose(
            actor=focal, cycle=f.cycle(2024), organization=wfp, title="T", duty_station="Rome", grade="P-2"
        )
    with pytest.raises(PermissionDenied):
        post_approve(actor=focal, post=post)


def test_post_needs_an_agreement_for_the_year() -> None:
    org = f.organization("OPCW", since=2030)
    with pytest.raises(ValidationError) as caught:
        post_propose(
            actor=f.officer(),
            cycle=f.cycle(2024),
            organization=org,
            title="T",
            duty_station="The Hague",
            grade="P-2",
        )
    assert "organization" in caught.value.message_dict


def test_approval_within_slots_and_budget() -> None:
    officer = f.officer()
    f.cost_table(2020)
    org = f.organization()
    one_post = post_cost_estimate(
        post=f.post(actor=officer, cycle_row=f.cycle(2023), org=org, approve=False)
    ).total
    assert one_post is not None
    cycle = f.cycle(2024, slots=2, budget_yen=one_post * 2)
    first = f.post(actor=officer, cycle_row=cycle, org=org, title="A")
    second = f.post(actor=officer, cycle_row=cycle, org=org, title="B")
    third = f.post(actor=officer, cycle_row=cycle, org=org, title="C", approve=False)
    assert first.status == second.status == PostStatus.APPROVED
    with pytest.raises(ValidationError, match="slots"):
        post_approve(actor=officer, post=third)
    cycle.slots = 5
    cycle.save()
    with pytest.raises(ValidationError, match="over the budget"):
        post_approve(actor=officer, post=third)
    third.refresh_from_db()
    assert third.status == PostStatus.PROPOSED
    post_refuse(actor=officer, post=third, reason="budget")
    third.refresh_from_db()
    assert third.status == PostStatus.REFUSED


def test_approval_with_a_budget_needs_the_cost_table() -> None:
    officer = f.officer()
    cycle = f.cycle(2024, budget_yen=10**9)
    post = f.post(actor=officer, cycle_row=cycle, org=f.organization(), approve=False)
    with pytest.raises(ValidationError, match="cost table"):
        post_approve(actor=officer, post=post)


def test_cost_estimate_step_one_then_step_two_split_by_fiscal_year() -> None:
    f.cost_table(2020, p2=(1_000_000, 2_000_000), stations={"Geneva": 0})
    post = f.post(
        actor=f.officer(), cycle_row=f.cycle(2024), org=f.organization(), duty_station="Geneva", approve=False
    )
    estimate = post_cost_estimate(post=post)
    # Start on 31 Jan 2025: year one (step I) runs to 30 Jan 2026, year two (step II) to 30 Jan 2027.
    assert estimate.complete and estimate.illustrative
    assert sorted(estimate.by_fiscal_year) == [2024, 2025, 2026]
    assert estimate.total == pytest.approx(3_000_000, abs=2)
    assert estimate.by_fiscal_year[2024] == round(1_000_000 * 60 / 365)  # 31 Jan – 31 Mar 2025


# -- matching ----------------------------------------------------------------------------------


def _matching_setup():
    officer = f.officer()
    cycle = f.cycle(2025)
    undp, wfp = f.organization("UNDP"), f.organization("WFP")
    p_undp = f.post(actor=officer, cycle_row=cycle, org=undp, title="UNDP post")
    p_wfp = f.post(actor=officer, cycle_row=cycle, org=wfp, title="WFP post", duty_station="Geneva")
    a = f.candidate(cycle_row=cycle, preferences=[undp, wfp], actor=officer)
    b = f.candidate(cycle_row=cycle, preferences=[undp], actor=officer)
    c = f.candidate(cycle_row=cycle, preferences=[wfp], actor=officer)
    return officer, cycle, undp, wfp, p_undp, p_wfp, a, b, c


def test_match_run_maximises_total_fit_and_explains_pairs() -> None:
    officer, cycle, undp, wfp, p_undp, p_wfp, a, b, c = _matching_setup()
    rating_record(actor=officer, organization=undp, application=b, score=5)
    rating_record(actor=officer, organization=wfp, application=a, score=5)
    run = match_run_create(actor=officer, cycle=cycle, preference_weight=50)
    pairs = {p.application_id: p for p in run.pairs.filter(kind=PairKind.RECOMMENDED)}
    assert pairs[b.pk].post == p_undp
    assert pairs[a.pk].post == p_wfp
    assert pairs[a.pk].preference_rank == 2 and pairs[a.pk].rating == 5
    assert c.pk not in pairs
    assert run.optimal and run.solver == "linear_sum_assignment"
    reserve = run.pairs.get(kind=PairKind.RESERVE, post=p_wfp)
    assert reserve.application == c and reserve.reserve_rank == 1


def test_focal_point_rates_only_candidates_of_own_organization(make_user) -> None:
    _officer, _cycle, undp, wfp, *_rest, _a, b, c = _matching_setup()
    focal = make_user(Role.FOCAL_POINT, organization=undp)
    rating_record(actor=focal, organization=undp, application=b, score=4)
    with pytest.raises(ValidationError):
        rating_record(actor=focal, organization=undp, application=c, score=4)
    with pytest.raises(PermissionDenied):
        rating_record(actor=focal, organization=wfp, application=c, score=4)
    with pytest.raises(ValidationError):
        rating_record(actor=focal, organization=undp, application=b, score=6)


def test_officer_adjusts_then_sends_and_offers_follow() -> None:
    officer, cycle, undp, _wfp, p_undp, _p_wfp, a, b, _c = _matching_setup()
    d = f.candidate(cycle_row=cycle, preferences=[undp], actor=officer)
    run = match_run_create(actor=officer, cycle=cycle)
    holder = run.pairs.get(kind=PairKind.RECOMMENDED, post=p_undp).application
    other = b if holder == a else a
    with pytest.raises(ValidationError, match="already recommended"):
        match_pair_set(actor=officer, run=run, application=other, post=p_undp)
    match_pair_set(actor=officer, run=run, application=holder, post=None)
    match_pair_set(actor=officer, run=run, application=other, post=p_undp)
    adjusted = run.pairs.get(kind=PairKind.RECOMMENDED, post=p_undp)
    assert adjusted.application == other and adjusted.adjusted
    offers = match_run_send(actor=officer, run=run)
    run.refresh_from_db()
    assert run.status == MatchRunStatus.SENT
    assert {o.application_id for o in offers} >= {other.pk}
    with pytest.raises(ValidationError):
        match_pair_set(actor=officer, run=run, application=holder, post=p_undp)
    offer = Offer.objects.get(post=p_undp)
    offer_transition(actor=officer, offer=offer, to=OfferStatus.DECLINED, reason="personal")
    replacement = offer_from_reserve(actor=officer, previous=offer)
    assert replacement.from_reserve and replacement.application not in (other,)
    assert replacement.application in (d, holder)
    offer_transition(actor=officer, offer=replacement, to=OfferStatus.ACCEPTED)
    offer_transition(actor=officer, offer=replacement, to=OfferStatus.CONFIRMED)
    replacement.application.refresh_from_db()
    p_undp.refresh_from_db()
    assert replacement.application.status == Status.SELECTED
    assert p_undp.status == PostStatus.FILLED


def test_budget_constraint_in_matching() -> None:
    officer, cycle, _undp, _wfp, _p_undp, p_wfp, _a, _b, _c = _matching_setup()
    f.cost_table(2020)
    with_budget = post_cost_estimate(post=p_wfp).total
    assert with_budget is not None
    run = match_run_create(actor=officer, cycle=cycle, budget_yen=with_budget)
    recommended = list(run.pairs.filter(kind=PairKind.RECOMMENDED))
    assert len(recommended) == 1
    assert sum(p.cost_yen or 0 for p in recommended) <= with_budget


def test_applicant_answers_own_offer_and_focal_point_refuses(make_user) -> None:
    officer = f.officer()
    cycle = f.cycle(2024)
    undp = f.organization()
    post = f.post(actor=officer, cycle_row=cycle, org=undp)
    user = make_user(Role.APPLICANT)
    mine = f.candidate(cycle_row=cycle, preferences=[undp], actor=officer, user=user)
    offer = Offer.objects.create(application=mine, post=post)
    stranger = make_user(Role.APPLICANT)
    with pytest.raises(PermissionDenied):
        offer_transition(actor=stranger, offer=offer, to=OfferStatus.ACCEPTED)
    with pytest.raises(PermissionDenied):
        offer_transition(actor=user, offer=offer, to=OfferStatus.REFUSED)
    focal = make_user(Role.FOCAL_POINT, organization=undp)
    offer_transition(actor=focal, offer=offer, to=OfferStatus.REFUSED, reason="profile")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.REFUSED
    with pytest.raises(ValidationError, match="cannot move"):
        offer_transition(actor=user, offer=offer, to=OfferStatus.ACCEPTED)


# -- dispatch ----------------------------------------------------------------------------------


def test_dispatch_takes_length_from_policy_with_milestones_and_costs() -> None:
    officer = f.officer()
    f.cost_table(2020)
    dispatch = f.dispatched(actor=officer, start=dt.date(2025, 1, 6))
    assert dispatch.planned_end_date == dt.date(2027, 1, 5)  # 2 years (policy dispatch_years, FY2024)
    kinds = dict(dispatch.milestones.values_list("kind", "due_on"))
    assert kinds[MilestoneKind.RETENTION_OUTLOOK] == dt.date(2026, 7, 5)
    assert kinds[MilestoneKind.OUTCOME] == dt.date(2027, 1, 5)
    assert set(DispatchCost.objects.filter(dispatch=dispatch).values_list("fiscal_year", flat=True)) == {
        2024,
        2025,
        2026,
    }


def _accepted(officer, civil_servant=False, ministry=None):
    cycle = f.cycle(2024)
    org = f.organization()
    post = f.post(actor=officer, cycle_row=cycle, org=org, title=f"P{Post.objects.count()}")
    application = f.candidate(
        cycle_row=cycle, preferences=[org], actor=officer, civil_servant=civil_servant, ministry_row=ministry
    )
    return f.accepted_offer(actor=officer, application=application, post_row=post)


def test_start_after_the_deadline_refused_where_a_source_gives_one() -> None:
    officer = f.officer()
    offer = _accepted(officer)
    # The start-by-31-January rule is documented for the FY2022 cycle only; FY2024's rule set states it.
    _publish_rules(
        2024,
        service_start_deadline={
            "value": {"month": 1, "day": 31, "year_offset": 1},
            "source": {"label": "FY2024 calendar", "url": "https://example.org/fy2024"},
        },
    )
    with pytest.raises(ValidationError) as caught:
        dispatch_create(actor=officer, offer=offer, start_date=dt.date(2025, 2, 1))
    assert "start_date" in caught.value.message_dict
    assert "2025-01-31" in str(caught.value.message_dict["start_date"][0])
    assert "FY2024 calendar" in caught.value.message_dict["start_date"][0]
    assert not Dispatch.objects.exists() and not Milestone.objects.exists()


def test_no_start_deadline_is_enforced_where_no_source_gives_one() -> None:
    officer = f.officer()
    offer = _accepted(officer)  # FY2024: the FY2022 calendar's deadline is not documented for it
    dispatch = dispatch_create(actor=officer, offer=offer, start_date=dt.date(2025, 2, 1))
    assert dispatch.start_date == dt.date(2025, 2, 1)


def test_end_before_start_and_past_maximum_refused() -> None:
    officer = f.officer()
    offer = _accepted(officer)
    with pytest.raises(ValidationError) as caught:
        dispatch_create(
            actor=officer, offer=offer, start_date=dt.date(2025, 1, 6), planned_end_date=dt.date(2024, 12, 1)
        )
    assert caught.value.message_dict["planned_end_date"] == [str(dispatch_services.END_BEFORE_START)]
    with pytest.raises(ValidationError, match="at most 3 years"):
        dispatch_create(
            actor=officer, offer=offer, start_date=dt.date(2025, 1, 6), planned_end_date=dt.date(2028, 1, 6)
        )
    assert not Dispatch.objects.exists()


def test_civil_servant_needs_consent_and_ministry() -> None:
    officer = f.officer()
    offer = _accepted(officer, civil_servant=True, ministry=f.ministry())
    with pytest.raises(ValidationError) as caught:
        dispatch_create(actor=officer, offer=offer, start_date=dt.date(2025, 1, 6))
    assert "Art. 2(2)" in caught.value.message_dict["consent_recorded_on"][0]
    assert not Dispatch.objects.exists() and not Secondment.objects.exists()
    dispatch = dispatch_create(
        actor=officer, offer=offer, start_date=dt.date(2025, 1, 6), consent_recorded_on=dt.date(2024, 11, 1)
    )
    assert dispatch.secondment.ministry.code == "mhlw"
    assert dispatch.secondment.planned_return_date == dt.date(2027, 1, 6)
    assert dispatch.secondment.status_kept


def test_civil_servant_without_ministry_refused() -> None:
    officer = f.officer()
    offer = _accepted(officer)
    application = offer.application
    # An application that claims civil-servant status with no ministry cannot even be stored: the
    # database refuses it; the service message covers rows created before that constraint.
    application.is_civil_servant = True
    application.ministry = None
    with pytest.raises(ValidationError):
        application.full_clean()


def test_overlapping_dispatch_for_one_person_refused() -> None:
    officer = f.officer()
    first = f.dispatched(actor=officer, start=dt.date(2025, 1, 6))
    applicant = first.application.applicant
    cycle = f.cycle(2026)
    org = f.organization("WFP")
    post = f.post(actor=officer, cycle_row=cycle, org=org)
    from jpo.applications.models import Application, Preference
    from jpo.applications.services import application_transition
    from jpo.programme.models import Track

    second_application = Application.objects.create(
        applicant=applicant, cycle=cycle, track=Track.objects.get(cycle=cycle, kind="mofa")
    )
    Preference.objects.create(application=second_application, organization=org, rank=1)
    for step in [
        Status.SUBMITTED,
        Status.ELIGIBLE,
        Status.UNDER_REVIEW,
        Status.SHORTLISTED,
        Status.INTERVIEW,
        Status.PASSED,
        Status.RECOMMENDED,
    ]:
        application_transition(application=second_application, to=step, actor=officer)
    offer = f.accepted_offer(actor=officer, application=second_application, post_row=post)
    with pytest.raises(ValidationError, match="overlaps"):
        dispatch_create(actor=officer, offer=offer, start_date=dt.date(2026, 6, 1))
    assert Dispatch.objects.count() == 1
    assert dispatch_create(actor=officer, offer=offer, start_date=dt.date(2027, 1, 10))


def test_extension_up_to_policy_maximum_with_reason() -> None:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer, start=dt.date(2025, 1, 6))
    with pytest.raises(ValidationError) as caught:
        dispatch_extend(actor=officer, dispatch=dispatch, new_planned_end=dt.date(2027, 6, 30), reason=" ")
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError, match="at most 3 years"):
        dispatch_extend(
            actor=officer, dispatch=dispatch, new_planned_end=dt.date(2028, 1, 6), reason="post pending"
        )
    assert not Extension.objects.exists()
    dispatch.refresh_from_db()
    assert dispatch.planned_end_date == dt.date(2027, 1, 5)
    dispatch_extend(
        actor=officer, dispatch=dispatch, new_planned_end=dt.date(2028, 1, 5), reason="regular post pending"
    )
    dispatch.refresh_from_db()
    assert dispatch.planned_end_date == dt.date(2028, 1, 5)
    assert dispatch.milestones.get(kind=MilestoneKind.OUTCOME).due_on == dt.date(2028, 1, 5)
    assert dispatch.extensions.get().reason == "regular post pending"


@pytest.mark.usefixtures("later")
def test_dispatch_end_rules() -> None:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer, start=dt.date(2025, 1, 6))
    with pytest.raises(ValidationError):
        dispatch_end(actor=officer, dispatch=dispatch, end_date=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError, match="extend"):
        dispatch_end(actor=officer, dispatch=dispatch, end_date=dt.date(2027, 3, 1))
    dispatch_end(actor=officer, dispatch=dispatch, end_date=dt.date(2026, 6, 30))
    dispatch.refresh_from_db()
    assert dispatch.end_date == dt.date(2026, 6, 30)


# -- secondment and outcome ------------------------------------------------------------------------


@pytest.mark.usefixtures("later")
def test_ministry_hr_plans_and_records_return_of_own_people_only(make_user) -> None:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer, civil_servant=True, start=dt.date(2025, 1, 6))
    own = make_user(Role.MINISTRY_HR, ministry=f.ministry("mhlw"))
    other = make_user(Role.MINISTRY_HR, ministry=f.ministry("meti"))
    secondment = dispatch.secondment
    with pytest.raises(PermissionDenied):
        secondment_plan(actor=other, secondment=secondment, planned_return_date=dt.date(2027, 4, 1))
    secondment_plan(actor=own, secondment=secondment, planned_return_date=dt.date(2031, 4, 1))
    assert needs_npa_consultation(start=dispatch.start_date, planned_return=dt.date(2031, 4, 1))
    assert not needs_npa_consultation(start=dispatch.start_date, planned_return=dt.date(2030, 1, 6))
    with pytest.raises(ValidationError) as caught:
        secondment_record_return(
            actor=own, secondment=secondment, returned_on=dt.date(2027, 1, 6), assignment_after_return=""
        )
    assert "assignment_after_return" in caught.value.message_dict
    assert not Outcome.objects.exists()
    secondment_record_return(
        actor=own,
        secondment=secondment,
        returned_on=dt.date(2027, 1, 6),
        assignment_after_return="International Affairs Division",
    )
    dispatch.refresh_from_db()
    assert dispatch.end_date == dt.date(2027, 1, 5)
    assert dispatch.outcome.kind == OutcomeKind.RETURNED_TO_MINISTRY
    assert dispatch.milestones.get(kind=MilestoneKind.OUTCOME).done_on == dt.date(2027, 1, 6)


@pytest.mark.usefixtures("later")
def test_outcome_rules_and_follow_up(make_user) -> None:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer, start=dt.date(2025, 1, 6))
    wfp = f.organization("WFP")
    with pytest.raises(ValidationError) as caught:
        outcome_record(
            actor=officer,
            dispatch=dispatch,
            kind=OutcomeKind.OTHER_ORGANIZATION,
            recorded_on=dt.date(2027, 1, 6),
        )
    assert "organization" in caught.value.message_dict
    with pytest.raises(ValidationError):
        outcome_record(
            actor=officer,
            dispatch=dispatch,
            kind=OutcomeKind.RETURNED_TO_MINISTRY,
            recorded_on=dt.date(2027, 1, 6),
        )
    assert not Outcome.objects.exists()
    focal_other = make_user(Role.FOCAL_POINT, organization=wfp)
    with pytest.raises(PermissionDenied):
        outcome_record(
            actor=focal_other, dispatch=dispatch, kind=OutcomeKind.UNKNOWN, recorded_on=dt.date(2027, 1, 6)
        )
    focal = make_user(Role.FOCAL_POINT, organization=dispatch.post.organization)
    outcome = outcome_record(
        actor=focal,
        dispatch=dispatch,
        kind=OutcomeKind.REGULAR_POST_SAME,
        grade="P-3",
        contract_type="fixed-term",
        recorded_on=dt.date(2027, 1, 6),
    )
    assert outcome.organization == dispatch.post.organization
    follow_up_record(
        actor=officer, dispatch=dispatch, recorded_on=dt.date(2035, 1, 1), grade="P-5", senior_post=True
    )
    assert dispatch.follow_ups.get().senior_post


def test_match_pairs_keep_one_post_per_candidate_in_the_database() -> None:
    officer, cycle, _undp, _wfp, p_undp, p_wfp, a, _b, _c = _matching_setup()
    run = match_run_create(actor=officer, cycle=cycle)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        MatchPair.objects.create(run=run, application=a, post=p_undp, kind=PairKind.RECOMMENDED)
        MatchPair.objects.create(run=run, application=a, post=p_wfp, kind=PairKind.RECOMMENDED)

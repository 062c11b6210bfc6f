"""Test data built through the real services (posts proposed and approved, applications moved through
the real workflow, offers sent and accepted)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jpo.accounts.models import Role, User
from jpo.applications.models import Applicant, Application, Preference
from jpo.applications.services import application_transition
from jpo.applications.workflow import Status
from jpo.placement.models import CostTable, DutyStationAllowance, Offer, OfferStatus, SalaryRate
from jpo.placement.services.dispatches import dispatch_create
from jpo.placement.services.offers import offer_transition
from jpo.placement.services.posts import post_approve, post_propose
from jpo.programme.models import Agreement, Cycle, Ministry, Organization, Post, Track, TrackKind

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def officer(username: str | None = None) -> User:
    name = username or f"officer{_next()}"
    return User.objects.create_user(
        username=name, email=f"{name}@example.jp", password="a-long-test-password", role=Role.OFFICER
    )


def organization(code: str = "UNDP", since: int = 1974) -> Organization:
    org, created = Organization.objects.get_or_create(
        code=code, defaults={"name_en": code, "name_ja": code, "kind": "fund_programme"}
    )
    if created:
        Agreement.objects.create(organization=org, starts_fiscal_year=since, source="test")
    return org


def ministry(code: str = "mhlw") -> Ministry:
    return Ministry.objects.get_or_create(code=code, defaults={"name_en": code, "name_ja": code})[0]


def cycle(fiscal_year: int = 2024, **extra: Any) -> Cycle:
    row, _ = Cycle.objects.get_or_create(fiscal_year=fiscal_year, defaults=extra)
    for kind in TrackKind.values:
        Track.objects.get_or_create(cycle=row, kind=kind)
    return row


def cost_table(
    fiscal_year: int = 2020, *, p2=(6_000_000, 6_300_000), stations: dict[str, int] | None = None
) -> CostTable:
    """Illustrative (synthetic) rates for tests only."""
    table = CostTable.objects.create(
        fiscal_year=fiscal_year, is_illustrative=True, source="test fixture (synthetic)"
    )
    SalaryRate.objects.create(table=table, grade="P-2", step=1, annual_yen=p2[0])
    SalaryRate.objects.create(table=table, grade="P-2", step=2, annual_yen=p2[1])
    for station, amount in (
        stations or {"New York": 3_000_000, "Geneva": 3_600_000, "Nairobi": 2_400_000}
    ).items():
        DutyStationAllowance.objects.create(table=table, duty_station=station, annual_yen=amount)
    return table


def post(
    *,
    actor: User,
    cycle_row: Cycle,
    org: Organization,
    title: str = "Programme analyst",
    duty_station: str = "New York",
    approve: bool = True,
    **extra: Any,
) -> Post:
    row = post_propose(
        actor=actor,
        cycle=cycle_row,
        organization=org,
        title=title,
        duty_station=duty_station,
        grade=extra.pop("grade", "P-2"),
        **extra,
    )
    if approve:
        post_approve(actor=actor, post=row)
    return row


def candidate(
    *,
    cycle_row: Cycle,
    preferences: tuple[Organization, ...] | list[Organization] = (),
    actor: User | None = None,
    civil_servant: bool = False,
    ministry_row: Ministry | None = None,
    track: str = TrackKind.MOFA,
    forwarded_to: Organization | None = None,
    family_name: str = "山田",
    user: User | None = None,
) -> Application:
    """An application moved through the real workflow up to `recommended` (MOFA track) or `forwarded`."""
    n = _next()
    applicant = Applicant.objects.create(
        family_name=family_name,
        given_name=f"花子{n}",
        birth_date=dt.date(1994, 5, 1),
        email=f"cand{n}@example.jp",
        nationalities=["JP"],
        user=user,
    )
    track_row = Track.objects.get(cycle=cycle_row, kind=track)
    application = Application.objects.create(
        applicant=applicant,
        cycle=cycle_row,
        track=track_row,
        is_civil_servant=civil_servant,
        ministry=ministry_row,
        forwarded_to=forwarded_to,
    )
    for rank, org in enumerate(preferences, start=1):
        Preference.objects.create(application=application, organization=org, rank=rank)
    steps = [Status.SUBMITTED, Status.ELIGIBLE, Status.UNDER_REVIEW, Status.SHORTLISTED]
    steps += (
        [Status.FORWARDED]
        if track == TrackKind.ORGANIZATION
        else [Status.INTERVIEW, Status.PASSED, Status.RECOMMENDED]
    )
    for step in steps:
        application_transition(application=application, to=step, actor=actor)
    return application


def accepted_offer(*, actor: User, application: Application, post_row: Post) -> Offer:
    """An offer accepted by the candidate and confirmed by the organization (ready for a dispatch),
    both answers recorded by `actor`, an officer."""
    offer = Offer.objects.create(application=application, post=post_row)
    offer_transition(actor=actor, offer=offer, to=OfferStatus.ACCEPTED)
    return offer_transition(actor=actor, offer=offer, to=OfferStatus.CONFIRMED)


def dispatched(
    *,
    actor: User,
    cycle_row: Cycle | None = None,
    org: Organization | None = None,
    start: dt.date = dt.date(2025, 1, 6),
    civil_servant: bool = False,
    **extra: Any,
):
    cycle_row = cycle_row or cycle(2024)
    org = org or organization()
    post_row = post(actor=actor, cycle_row=cycle_row, org=org, title=f"Post {_next()}")
    ministry_row = ministry() if civil_servant else None
    application = candidate(
        cycle_row=cycle_row,
        preferences=[org],
        actor=actor,
        civil_servant=civil_servant,
        ministry_row=ministry_row,
    )
    offer = accepted_offer(actor=actor, application=application, post_row=post_row)
    if civil_servant:
        extra.setdefault("consent_recorded_on", start - dt.timedelta(days=60))
    return dispatch_create(actor=actor, offer=offer, start_date=start, **extra)

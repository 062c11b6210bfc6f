"""The authorization matrix: every URL of the site and every API operation has a declared rule saying which
roles may open it, and every role (anonymous too) gets what the rule says.

- Allowed roles get 200, a redirect that is not the login page, or 405 (a POST-only view).
- Every other role gets 401, 403, 404 or 405 (anonymous visitors: the login redirect) on GET, and the same
  on an empty POST (so a view that forgets its check on POST is caught too).
- Other people's objects: each scoped role has a twin ("other_applicant", "other_focal_point" of another
  organization, "other_ministry_hr" of another ministry, "other_reviewer"). For a URL about one object
  (`owned=True`), the twin of an allowed role must be refused the same id.

A new view: add one line to RULES (its URL name → the roles allowed, and how to fill its URL from the
`World`). A URL without a line fails `test_every_url_has_a_declared_rule` with its name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from jpo.accounts.invitations import invitation_create
from jpo.accounts.models import Invitation, Role, User
from jpo.accounts.services import email_verification_token
from jpo.applications.models import (
    Applicant,
    Application,
    Document,
    DuplicateFlag,
    EligibilityCheck,
    EndorsementRequest,
)
from jpo.outbox.models import Email
from jpo.placement.models import MatchRun, MatchRunStatus, Offer
from jpo.placement.services.dispatches import dispatch_create
from jpo.placement.tests import factories
from jpo.programme.models import Cycle
from jpo.projections.models import Scenario
from jpo.selection.models import (
    Interview,
    InterviewSlot,
    Notification,
    Release,
    ReviewAssignment,
    Rubric,
    Screening,
    ScreeningCriterion,
    ScreeningRun,
)
from jpo.workforce.models import CensusImport

pytestmark = pytest.mark.django_db

# --- Who ---------------------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
APPLICANT = "applicant"
OFFICER = "officer"
SUPERUSER = "superuser"
REVIEWER = "reviewer"
FOCAL = "focal_point"
HR = "ministry_hr"
ANALYST = "analyst"
# Twins: same role, other scope (another person, organization or ministry).
TWINS = {
    APPLICANT: "other_applicant",
    FOCAL: "other_focal_point",
    HR: "other_ministry_hr",
    REVIEWER: "other_reviewer",
}
WHO = (ANONYMOUS, APPLICANT, OFFICER, SUPERUSER, REVIEWER, FOCAL, HR, ANALYST, *TWINS.values())

EVERYONE = frozenset(WHO)
PROGRAMME = frozenset({OFFICER, SUPERUSER})
SIGNED_IN = EVERYONE - {ANONYMOUS}
READERS = frozenset({OFFICER, SUPERUSER, ANALYST})


# --- The objects the URLs are about --------------------------------------------------------------------


@dataclass
class World:
    """One of each object kind, owned by the scoped users (applicant, UNDP focal point, MHLW HR officer,
    reviewer). Their twins own nothing here."""

    users: dict[str, User]
    cycle: Cycle
    application: Application
    document: Document
    endorsement: EndorsementRequest
    check: EligibilityCheck
    duplicate: DuplicateFlag
    post: Any
    offer: Offer
    dispatch: Any
    secondment: Any
    match_run: MatchRun
    screening_run: ScreeningRun
    criterion: ScreeningCriterion
    assignment: ReviewAssignment
    interview: Interview
    notification: Notification
    census_import: CensusImport
    scenario: Scenario


def build_world() -> World:
    def user(key: str, role: str, **extra: Any) -> User:
        return User.objects.create_user(
            username=key, email=f"{key}@example.jp", password="a-long-test-password", role=role, **extra
        )

    undp, wfp = factories.organization("UNDP"), factories.organization("WFP")
    mhlw, mof = factories.ministry("mhlw"), factories.ministry("mof")
    verified = {"email_verified_at": timezone.now()}
    users = {
        APPLICANT: user(APPLICANT, Role.APPLICANT, **verified),
        "other_applicant": user("other_applicant", Role.APPLICANT, **verified),
        OFFICER: user(OFFICER, Role.OFFICER, is_staff=True),
        SUPERUSER: user(SUPERUSER, Role.OFFICER, is_staff=True, is_superuser=True, **verified),
        REVIEWER: user(REVIEWER, Role.REVIEWER),
        "other_reviewer": user("other_reviewer", Role.REVIEWER),
        FOCAL: user(FOCAL, Role.FOCAL_POINT, organization=undp),
        "other_focal_point": user("other_focal_point", Role.FOCAL_POINT, organization=wfp),
        HR: user(HR, Role.MINISTRY_HR, ministry=mhlw),
        "other_ministry_hr": user("other_ministry_hr", Role.MINISTRY_HR, ministry=mof),
        ANALYST: user(ANALYST, Role.ANALYST),
    }
    officer = users[OFFICER]
    cycle = factories.cycle(2024)
    post = factories.post(actor=officer, cycle_row=cycle, org=undp)
    application = factories.candidate(
        cycle_row=cycle,
        preferences=[undp],
        actor=officer,
        civil_servant=True,
        ministry_row=mhlw,
        forwarded_to=undp,
        user=users[APPLICANT],
    )
    Applicant.objects.create(
        user=users["other_applicant"],
        family_name="佐藤",
        given_name="次郎",
        birth_date=dt.date(1994, 5, 1),
        email="other_applicant@example.jp",
        nationalities=["JP"],
    )
    pdf = b"%PDF-1.4 matrix test document"
    document = Document.objects.create(
        application=application,
        kind="cv",
        file=ContentFile(pdf, name="cv.pdf"),
        original_name="cv.pdf",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        pages=1,
    )
    offer = factories.accepted_offer(actor=officer, application=application, post_row=post)
    dispatch = dispatch_create(
        actor=officer, offer=offer, start_date=dt.date(2025, 1, 6), consent_recorded_on=dt.date(2024, 11, 1)
    )
    screening = Screening.objects.create(
        application=application,
        rules_version="test",
        profile_sha256="0" * 64,
        engine_outcome="eligible",
        outcome="eligible",
        screened_at=timezone.now(),
    )
    Rubric.objects.create(cycle=cycle, reviewers_per_application=1, blind=False)
    slot = InterviewSlot.objects.create(
        cycle=cycle, starts_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(hours=1)
    )
    slot.panel.add(users[REVIEWER])
    return World(
        users=users,
        cycle=cycle,
        application=application,
        document=document,
        endorsement=EndorsementRequest.objects.create(application=application, ministry=mhlw),
        check=EligibilityCheck.objects.create(
            application=application, kind="submission", eligible=True, needs_review=True
        ),
        duplicate=DuplicateFlag.objects.create(
            applicant=application.applicant, other=users["other_applicant"].applicant, reason="email"
        ),
        post=post,
        offer=offer,
        dispatch=dispatch,
        secondment=dispatch.secondment,
        match_run=MatchRun.objects.create(
            cycle=cycle, status=MatchRunStatus.values[0], preference_weight=1, created_by=officer
        ),
        screening_run=ScreeningRun.objects.create(cycle=cycle, started_by=officer),
        criterion=ScreeningCriterion.objects.create(
            screening=screening, criterion="age", outcome="needs_review", message_en="", message_ja=""
        ),
        assignment=ReviewAssignment.objects.create(application=application, reviewer=users[REVIEWER]),
        interview=Interview.objects.create(application=application, slot=slot),
        notification=Notification.objects.create(
            application=application,
            status_reached="passed",
            language="en",
            email=Email.objects.create(
                kind="selection.result",
                recipient=application.applicant.email,
                subject="s",
                body="b",
                state="failed",
                next_attempt_at=timezone.now(),
            ),
        ),
        census_import=CensusImport.objects.create(
            file_name="census.csv", sha256="0" * 64, source="mofa", imported_by=officer, status="done"
        ),
        scenario=Scenario.objects.create(name="Matrix scenario", created_by=officer),
    )


# --- The rules -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    kwargs: Callable[[World], dict[str, Any]] | None = None
    owned: bool = False  # the URL is about an object of the allowed scoped users: their twins are refused
    also: frozenset[int] = frozenset()  # other answers that still mean "let through" (no data in the world)
    query: str = ""  # a query string the endpoint needs (e.g. "until=2030")

    def __init__(
        self,
        allowed: Iterable[str],
        kwargs: Callable[[World], dict[str, Any]] | None = None,
        *,
        owned: bool = False,
        also: Iterable[int] = (),
        query: str = "",
    ) -> None:
        object.__setattr__(self, "allowed", frozenset(allowed))
        object.__setattr__(self, "kwargs", kwargs)
        object.__setattr__(self, "owned", owned)
        object.__setattr__(self, "also", frozenset(also))
        object.__setattr__(self, "query", query)


def fy(w: World) -> dict[str, Any]:
    return {"fy": w.cycle.fiscal_year}


def app(w: World) -> dict[str, Any]:
    return {"pk": w.application.pk}


def a_release(w: World) -> Release:
    """A scheduled release of results of the world's cycle (made on first use)."""
    return Release.objects.get_or_create(
        cycle=w.cycle, defaults={"release_at": timezone.now() + dt.timedelta(days=1)}
    )[0]


def an_invitation(w: World) -> tuple[Invitation, str]:
    """A pending invitation of a reviewer, and its link's token (a new one each time)."""
    return invitation_create(
        email=f"invited{Invitation.objects.count()}@example.jp",
        name="",
        language="en",
        actor=w.users[OFFICER],
    )


def twins_too(*roles: str) -> frozenset[str]:
    """Roles whose lists (not one object) their twins see as well."""
    return frozenset(roles) | {TWINS[r] for r in roles if r in TWINS}


# Superusers pass every role check; on pages scoped to one organization, ministry or person they see
# nothing of their own, which answers 404 on a single object.
RULES: dict[str, Rule] = {
    # Public pages
    "home": Rule(EVERYONE),
    "about": Rule(EVERYONE),
    "healthz": Rule(EVERYONE),
    "favicon": Rule(EVERYONE),
    "set_language": Rule(EVERYONE),
    "login": Rule(EVERYONE),
    "logout": Rule(SIGNED_IN),
    "accounts:two_factor": Rule(SIGNED_IN),
    "applicant:signup": Rule(EVERYONE),
    "applicant:signup_sent": Rule(EVERYONE),
    # Verifying an address then sends the person to the login page.
    "accounts:verify": Rule(
        EVERYONE, lambda w: {"token": email_verification_token(user=w.users[APPLICANT])}, also={302}
    ),
    "accounts:password_reset": Rule(EVERYONE),
    # An invited reviewer's sign-up link (anyone holding it)
    "accounts:invitation": Rule(EVERYONE, lambda w: {"token": an_invitation(w)[1]}),
    "accounts:password_reset_done": Rule(EVERYONE),
    "accounts:password_reset_confirm": Rule(EVERYONE, lambda w: {"uidb64": "MQ", "token": "x-y"}),
    "accounts:password_reset_complete": Rule(EVERYONE),
    "portal:home": Rule(EVERYONE),
    "api:eligibility": Rule(EVERYONE),
    "api:openapi-json": Rule(EVERYONE),
    "api:openapi-view": Rule(EVERYONE),
    "api:api-root": Rule(EVERYONE, also={404}),  # django-ninja's root: no page
    # The public calls for applications and the self-check (nothing stored)
    "calls:index": Rule(EVERYONE),
    "calls:detail": Rule(EVERYONE, fy),
    "calls:self_check": Rule(EVERYONE, fy),
    # Applicants: their own account and applications
    "accounts:verify_sent": Rule(twins_too(APPLICANT, SUPERUSER)),
    "applicant:profile": Rule(twins_too(APPLICANT, SUPERUSER)),
    "portal:my_data": Rule(twins_too(APPLICANT, SUPERUSER)),
    "portal:start": Rule(twins_too(APPLICANT, SUPERUSER), lambda w: {"fiscal_year": w.cycle.fiscal_year}),
    "portal:status": Rule({APPLICANT, FOCAL, HR, *PROGRAMME}, app, owned=True),
    "portal:document": Rule(
        {APPLICANT, FOCAL, HR, *PROGRAMME}, lambda w: {"public_id": w.document.public_id}, owned=True
    ),
    "portal:submit": Rule({APPLICANT}, app, owned=True),
    "portal:withdraw": Rule({APPLICANT}, app, owned=True),
    "portal:step": Rule({APPLICANT}, lambda w: {"pk": w.application.pk, "step": "personal"}, owned=True),
    "portal:autosave": Rule({APPLICANT}, lambda w: {"pk": w.application.pk, "step": "personal"}, owned=True),
    "selection:my_stage_two": Rule(twins_too(APPLICANT, SUPERUSER)),
    "selection:slot_confirm": Rule({APPLICANT}, app, owned=True),
    # Programme officers
    "programme:cycle_list": Rule(PROGRAMME),
    "programme:cycle_create": Rule(PROGRAMME),
    "programme:cycle": Rule(PROGRAMME, fy),
    "programme:cycle_edit": Rule(PROGRAMME, fy),
    "programme:rules": Rule(PROGRAMME, fy),
    "programme:rules_draft": Rule(PROGRAMME, fy),
    "programme:rules_preview": Rule(PROGRAMME, fy),
    "programme:rules_publish": Rule(PROGRAMME, fy),
    "programme:parameter": Rule(PROGRAMME, lambda w: {"fy": w.cycle.fiscal_year, "name": "age_limit"}),
    "portal:officer_duplicates": Rule(PROGRAMME),
    "portal:officer_duplicate_resolve": Rule(PROGRAMME, lambda w: {"pk": w.duplicate.pk}),
    "portal:officer_needs_review": Rule(PROGRAMME),
    "portal:officer_check_reviewed": Rule(PROGRAMME, lambda w: {"pk": w.check.pk}),
    "workforce:import_upload": Rule(PROGRAMME),
    "workforce:import_detail": Rule(PROGRAMME, lambda w: {"pk": w.census_import.pk}),
    "workforce:import_progress": Rule(PROGRAMME, lambda w: {"pk": w.census_import.pk}),
    "workforce:import_errors": Rule(PROGRAMME, lambda w: {"pk": w.census_import.pk}),
    "placement:matching": Rule(PROGRAMME),
    "placement:match_run": Rule(PROGRAMME, lambda w: {"pk": w.match_run.pk}),
    "placement:offer_reserve": Rule(PROGRAMME, lambda w: {"pk": w.offer.pk}),
    "placement:offer_withdraw": Rule(PROGRAMME, lambda w: {"pk": w.offer.pk}),
    "placement:dispatch_new": Rule(PROGRAMME, lambda w: {"offer_pk": w.offer.pk}),
    "placement:budget": Rule(PROGRAMME),
    "placement:alumni": Rule(PROGRAMME),
    "placement:organization_list": Rule(PROGRAMME),
    "selection:officer_home": Rule(PROGRAMME),
    "selection:cycle": Rule(PROGRAMME, fy),
    "selection:screening": Rule(PROGRAMME, fy),
    "selection:screening_run": Rule(PROGRAMME, fy),
    "selection:run_progress": Rule(PROGRAMME, lambda w: {"pk": w.screening_run.pk}),
    "selection:screening_detail": Rule(PROGRAMME, app),
    "selection:screening_apply_one": Rule(PROGRAMME, app),
    "selection:criterion_override": Rule(PROGRAMME, lambda w: {"pk": w.criterion.pk}),
    "selection:rubric": Rule(PROGRAMME, fy),
    "selection:conflicts": Rule(PROGRAMME, fy),
    "selection:reviews": Rule(PROGRAMME, fy),
    "selection:reviews_assign": Rule(PROGRAMME, fy),
    "selection:ranking": Rule(PROGRAMME, fy),
    "selection:stage_two": Rule(PROGRAMME, fy),
    "selection:stage_two_invite": Rule(PROGRAMME, fy),
    "selection:forward_all": Rule(PROGRAMME, fy),
    "selection:slot_create": Rule(PROGRAMME, fy),
    "selection:slot_panel": Rule(PROGRAMME, lambda w: {"pk": w.interview.slot_id}),
    "selection:slot_move": Rule(PROGRAMME, lambda w: {"pk": w.interview.slot_id}),
    "selection:slot_cancel": Rule(PROGRAMME, lambda w: {"pk": w.interview.slot_id}),
    "selection:forward_one": Rule(PROGRAMME, app),
    "selection:written_task": Rule(PROGRAMME, lambda w: {"pk": w.interview.pk}),
    "selection:final": Rule(PROGRAMME, fy),
    "selection:final_decide": Rule(PROGRAMME, app),
    "selection:application_record": Rule(PROGRAMME, app),
    "selection:results": Rule(PROGRAMME, fy),
    "selection:people": Rule(PROGRAMME),
    "selection:invitation_revoke": Rule(PROGRAMME, lambda w: {"pk": an_invitation(w)[0].pk}),
    "selection:release_schedule": Rule(PROGRAMME, fy),
    "selection:release_detail": Rule(PROGRAMME, lambda w: {"pk": a_release(w).pk}),
    "selection:release_progress": Rule(PROGRAMME, lambda w: {"pk": a_release(w).pk}),
    "selection:release_cancel": Rule(PROGRAMME, lambda w: {"pk": a_release(w).pk}),
    "selection:templates": Rule(PROGRAMME, fy),
    # The results release through the API (officers)
    "api:decisions_prepare": Rule(PROGRAMME, lambda w: {"fiscal_year": w.cycle.fiscal_year}),
    "api:decisions_discard": Rule(PROGRAMME, lambda w: {"fiscal_year": w.cycle.fiscal_year}),
    "api:releases": Rule(PROGRAMME, lambda w: {"fiscal_year": w.cycle.fiscal_year}),
    "api:release_create": Rule(PROGRAMME, lambda w: {"fiscal_year": w.cycle.fiscal_year}),
    "api:release": Rule(PROGRAMME, lambda w: {"release_id": a_release(w).pk}),
    "api:release_decisions": Rule(PROGRAMME, lambda w: {"release_id": a_release(w).pk}),
    "api:release_cancel": Rule(PROGRAMME, lambda w: {"release_id": a_release(w).pk}),
    # Corrections of recorded steps (the same people as on the pages; the service checks the scope)
    "api:decision_correct": Rule(PROGRAMME, lambda w: {"application_id": w.application.pk}),
    "api:application_record": Rule(PROGRAMME, lambda w: {"application_id": w.application.pk}),
    "api:review_amend": Rule(PROGRAMME, lambda w: {"review_id": 1}),
    "api:review_withdraw": Rule(PROGRAMME, lambda w: {"review_id": 1}),
    "api:interview_score_amend": Rule(PROGRAMME, lambda w: {"score_id": 1}),
    "api:interview_score_withdraw": Rule(PROGRAMME, lambda w: {"score_id": 1}),
    "api:outcome_amend": Rule(twins_too(FOCAL) | PROGRAMME, lambda w: {"dispatch_id": w.dispatch.pk}),
    "api:outcome_withdraw": Rule(twins_too(FOCAL) | PROGRAMME, lambda w: {"dispatch_id": w.dispatch.pk}),
    "api:dispatch_dates_amend": Rule(PROGRAMME, lambda w: {"dispatch_id": w.dispatch.pk}),
    "api:return_amend": Rule(twins_too(HR) | PROGRAMME, lambda w: {"secondment_id": w.secondment.pk}),
    "api:return_withdraw": Rule(twins_too(HR) | PROGRAMME, lambda w: {"secondment_id": w.secondment.pk}),
    "selection:template_edit": Rule(
        PROGRAMME, lambda w: {"fy": w.cycle.fiscal_year, "status": "passed", "language": "en"}
    ),
    "selection:notifications": Rule(PROGRAMME, fy),
    "selection:notification_resend": Rule(PROGRAMME, lambda w: {"pk": w.notification.pk}),
    "selection:funnel": Rule(PROGRAMME, fy),
    "selection:funnel_export": Rule(PROGRAMME, lambda w: {"fy": w.cycle.fiscal_year, "fmt": "csv"}),
    # The officer's desk: every application, one person whole; the dossier also for the application's
    # panel (its reviewer, its interviewers) and the organization it was forwarded to.
    "desk:applications": Rule(PROGRAMME),
    "desk:applications_export": Rule(PROGRAMME, lambda w: {"fmt": "csv"}),
    "desk:applicant": Rule({FOCAL, *PROGRAMME}, lambda w: {"pk": w.application.applicant_id}, owned=True),
    "desk:dossier": Rule({REVIEWER, FOCAL, *PROGRAMME}, app, owned=True),
    # Statistics: officers and analysts (aggregates only)
    # Read API of the lists (the same scoping as the pages)
    "api:applications": Rule(PROGRAMME),
    "api:screenings": Rule(PROGRAMME, lambda w: {"fiscal_year": w.cycle.fiscal_year}),
    "api:shortlist": Rule(
        PROGRAMME, lambda w: {"fiscal_year": w.cycle.fiscal_year}, also={404}
    ),  # not closed
    "api:decisions": Rule(PROGRAMME, lambda w: {"fiscal_year": w.cycle.fiscal_year}),
    "api:posts": Rule(twins_too(FOCAL) | PROGRAMME),
    "api:offers": Rule(twins_too(FOCAL, APPLICANT) | PROGRAMME),
    "api:dispatches": Rule(twins_too(FOCAL, HR, APPLICANT) | PROGRAMME),
    "api:series": Rule(READERS),
    "api:targets": Rule(READERS),
    "representation:status": Rule(READERS),
    "representation:export_csv": Rule(READERS, also={400}),  # 400: no census loaded in the world
    "representation:export_xlsx": Rule(READERS, also={400}),
    "representation:whatif": Rule(READERS),
    "workforce:dashboard": Rule(READERS),
    "workforce:chart": Rule(READERS, lambda w: {"name": "series"}),
    "workforce:table_export": Rule(READERS, lambda w: {"slug": "none", "fmt": "csv"}, also={404}),
    "workforce:report_pdf": Rule(READERS),
    "placement:retention": Rule(READERS),
    "projections:index": Rule(READERS),
    "projections:chart": Rule(READERS),
    "projections:export": Rule(READERS),
    # Scenarios are shared by officers and analysts (not owned by one of them).
    "projections:scenario_new": Rule(READERS),
    "projections:scenario_edit": Rule(READERS, lambda w: {"pk": w.scenario.pk}),
    "projections:scenario_delete": Rule(READERS, lambda w: {"pk": w.scenario.pk}),
    "projections:target_new": Rule(READERS),
    "api:scenarios": Rule(READERS),
    "api:projection": Rule(READERS, query="until=2030", also={400, 422}),  # 4xx: no census in the world
    "api:backtest": Rule(READERS, query="fit_until=2015", also={400, 422}),
    # Placement: focal points (their organization), ministry HR (their ministry), applicants (their own)
    "placement:index": Rule(twins_too(FOCAL, HR) | PROGRAMME),
    "placement:post_list": Rule(twins_too(FOCAL) | PROGRAMME),
    "placement:post_new": Rule(twins_too(FOCAL) | PROGRAMME),
    "placement:post_detail": Rule({FOCAL, *PROGRAMME}, lambda w: {"pk": w.post.pk}, owned=True),
    "placement:candidate_list": Rule(twins_too(FOCAL) | PROGRAMME),
    "placement:offer_list": Rule(twins_too(FOCAL, APPLICANT) | PROGRAMME),
    "placement:offer_respond": Rule({FOCAL, APPLICANT, *PROGRAMME}, lambda w: {"pk": w.offer.pk}, owned=True),
    "placement:offer_letter": Rule({FOCAL, APPLICANT, *PROGRAMME}, lambda w: {"pk": w.offer.pk}, owned=True),
    "placement:offer_letter_pdf": Rule(
        {FOCAL, APPLICANT, *PROGRAMME}, lambda w: {"pk": w.offer.pk}, owned=True
    ),
    "placement:dispatch_list": Rule(twins_too(FOCAL, HR, APPLICANT) | PROGRAMME),
    "placement:dispatch_detail": Rule(
        {FOCAL, HR, APPLICANT, *PROGRAMME}, lambda w: {"pk": w.dispatch.pk}, owned=True
    ),
    "placement:secondment_list": Rule(twins_too(HR) | PROGRAMME),
    "placement:secondment_detail": Rule({HR, *PROGRAMME}, lambda w: {"pk": w.secondment.pk}, owned=True),
    "placement:reminder_list": Rule(twins_too(FOCAL, HR, APPLICANT) | PROGRAMME),
    # Ministry HR: their ministry's endorsement requests
    "portal:ministry_endorsements": Rule(twins_too(HR, SUPERUSER)),
    "portal:ministry_endorsement_detail": Rule({HR}, lambda w: {"pk": w.endorsement.pk}, owned=True),
    # Reviewers / interviewers: what is assigned to them
    "selection:my_reviews": Rule(twins_too(REVIEWER, SUPERUSER)),
    "selection:review": Rule({REVIEWER}, lambda w: {"pk": w.assignment.pk}, owned=True),
    "selection:review_conflict": Rule({REVIEWER}, lambda w: {"pk": w.assignment.pk}, owned=True),
    "selection:review_document": Rule(
        {REVIEWER}, lambda w: {"pk": w.assignment.pk, "kind": "cv"}, owned=True
    ),
    "selection:my_interviews": Rule(twins_too(REVIEWER, SUPERUSER)),
    "selection:interview_score": Rule({REVIEWER}, lambda w: {"pk": w.interview.pk}, owned=True),
    # The interview's calendar invitation: its candidate, its panel, officers
    "selection:interview_calendar": Rule(
        {APPLICANT, REVIEWER, *PROGRAMME}, lambda w: {"pk": w.interview.pk}, owned=True
    ),
    # Focal points: candidates forwarded to their organization
    "selection:focal_candidates": Rule(twins_too(FOCAL, SUPERUSER)),
    "selection:focal_candidate": Rule({FOCAL}, app, owned=True),
}

# The Django admin is Django's own (staff only; accounts, groups and passwords: superusers only),
# checked in test_admin.py.
NAMESPACES_CHECKED_ELSEWHERE = {"admin"}


# --- The checks ------------------------------------------------------------------------------------------


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    found: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace in NAMESPACES_CHECKED_ELSEWHERE:
                continue
            found |= url_names(entry, inner)
        elif isinstance(entry, URLPattern):
            if entry.name is None:
                found.add(f"{namespace}<unnamed {entry.pattern}>")
            else:
                found.add(namespace + entry.name)
    return found


def test_every_url_has_a_declared_rule() -> None:
    undeclared = sorted(url_names() - set(RULES))
    assert not undeclared, (
        "These URLs have no rule in jpo/accounts/tests/test_authorization_matrix.py RULES "
        "(declare which roles may open each, and how to fill its URL): " + ", ".join(undeclared)
    )
    stale = sorted(set(RULES) - url_names())
    assert not stale, "RULES names URLs that no longer exist: " + ", ".join(stale)


def test_every_api_operation_is_behind_a_declared_url() -> None:
    from jpo.api import api

    schema = api.get_openapi_schema()
    # The schema writes a path parameter as {name}, the URL pattern as <name> or <type:name>.
    routes = {
        f"api:{p.name}": "/api/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(p.pattern))
        for p in api.urls[0]
        if isinstance(p, URLPattern)
    }
    declared_paths = set()
    for name in RULES:
        if name.startswith("api:") and name not in {"api:api-root"}:
            declared_paths.add(routes[name])
    missing = [f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops]
    missing = [m for m in missing if m.split(" ", 1)[1] not in declared_paths]
    assert not missing, "API operations without a rule in RULES: " + ", ".join(missing)


def _is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and "/login/" in response.get("Location", "")


def refused(response: Any, *, anonymous: bool) -> bool:
    """Anonymous visitors go to the login page (the API answers 401); signed-in users get 403 or 404
    (405: the view takes no such method, so nothing ran)."""
    if anonymous:
        return _is_login_redirect(response) or response.status_code in {401, 405}
    return response.status_code in {403, 404, 405}


@dataclass
class Verdicts:
    failures: list[str] = field(default_factory=list)

    def expect(self, ok: bool, name: str, who: str, method: str, response: Any, wanted: str) -> None:
        if not ok:
            where = response.get("Location", "")
            self.failures.append(
                f"{name} {method} as {who}: {response.status_code}{' → ' + where if where else ''} "
                f"(expected {wanted})"
            )


def test_every_role_gets_what_the_rule_declares() -> None:
    world = build_world()
    # A server error is a failure listed with the others, not an exception that stops the sweep.
    clients: dict[str, Client] = {ANONYMOUS: Client(raise_request_exception=False)}
    for who, user in world.users.items():
        clients[who] = Client(raise_request_exception=False)
        clients[who].force_login(user)
    verdicts = Verdicts()
    for name in sorted(url_names()):
        rule = RULES.get(name)
        if rule is None:
            continue  # reported by test_every_url_has_a_declared_rule
        url = reverse(name, kwargs=rule.kwargs(world) if rule.kwargs else None)
        url += f"?{rule.query}" if rule.query else ""
        for who in WHO:
            if who in rule.allowed:
                response = clients[who].get(url)
                ok_codes = {200, 405} | rule.also
                ok = response.status_code in ok_codes or (
                    response.status_code == 302 and not _is_login_redirect(response)
                )
                verdicts.expect(ok, name, who, "GET", response, "allowed: 200, a redirect or 405")
                continue
            for method in ("GET", "POST"):
                response = clients[who].get(url) if method == "GET" else clients[who].post(url, {})
                ok = refused(response, anonymous=who == ANONYMOUS)
                verdicts.expect(ok, name, who, method, response, "refused")
    assert not verdicts.failures, "\n".join(verdicts.failures)

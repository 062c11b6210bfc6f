"""Write the demonstration data set to the database, idempotently, in one transaction.

Idempotency strategy: *create what is missing, never overwrite*. Reference data is created by natural
keys where it is missing (jpo.programme.services, `only_missing=True`): a cycle, organization or demo
login an officer has edited is left as it is. Synthetic people are keyed by their e-mail address
(demo.applicant.00017@example.jp), their applications by (person, cycle), posts by a reference written
into their terms of reference (DEMO-FY2019-P007), dispatches by application. A run computes the
deterministic plan (jpo.demo.plan), compares it with what the database holds and writes
only what is missing; a second run therefore writes nothing and takes seconds.

The plan is placed relative to the day of the first load (its *anchor*, kept in the audit trail as a
`demo.load` event): later runs rebuild the same plan from that anchor, so nothing moves. Later runs
only add what time has brought: the end (date and outcome) of a dispatch whose end day has passed,
never undoing an end or an outcome recorded since.

If the database holds synthetic people that the plan does not know (another --seed or --scale),
nothing synthetic is written and the run says so; `--reset` deletes every synthetic person,
application, dispatch, demo post and synthetic cycle first and loads the plan afresh around today.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import zoneinfo
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from jpo import policy
from jpo.accounts.models import AuditEvent, User
from jpo.accounts.services import audit_record
from jpo.applications.models import (
    Applicant,
    Application,
    Degree,
    Document,
    EmploymentPeriod,
    EndorsementRequest,
    EndorsementStatus,
    LanguageTest,
    Preference,
    Submission,
)
from jpo.applications.services import (
    ApplicationError,
    PastMove,
    application_submit,
    applications_record_history,
    endorsement_decide,
    receipt_number_for,
)
from jpo.applications.workflow import Status
from jpo.core.bulksql import rows_insert, rows_update
from jpo.demo import catalogue as cat
from jpo.demo.documents import DocumentWriter, documents_create, documents_files
from jpo.demo.logins import demo_logins_upsert
from jpo.demo.plan import (
    APPLICANT_MOVES,
    DEMO_APPLICANT_EMAIL,
    OVERRIDE_REASON,
    SYNTHETIC_CYCLE_SOURCE,
    ApplicationPlan,
    CycleInfo,
    DispatchPlan,
    PersonPlan,
    Plan,
    PostPlan,
    Step,
    build_plan,
    plan_cycles,
)
from jpo.placement.models import (
    CostTable,
    Dispatch,
    DispatchCost,
    DutyStationAllowance,
    MatchPair,
    MatchRun,
    Milestone,
    MilestoneKind,
    Offer,
    OfferStatus,
    Outcome,
    SalaryRate,
    Secondment,
)
from jpo.placement.services.costs import dispatch_costs_refresh
from jpo.placement.services.costs import estimate as cost_estimate
from jpo.placement.services.costs import rates as cost_rates
from jpo.placement.services.dispatches import milestone_dates
from jpo.placement.services.matching import match_run_create, match_run_send
from jpo.placement.services.offers import offer_transition
from jpo.policy import Overlay
from jpo.programme.models import Cycle, Ministry, Organization, Post, RuleSet, Track, TrackKind
from jpo.programme.rules.selectors import draft_rule_set, effective_rules, published_rule_set
from jpo.programme.rules.services import rule_set_create_for_cycle, rule_set_publish
from jpo.programme.services import (
    cycle_reference_date,
    cycle_upsert,
    programme_load_reference_data,
    track_upsert,
)
from jpo.selection.models import (
    CriterionOutcome,
    Interview,
    InterviewScore,
    Review,
    ReviewAssignment,
    Rubric,
    Screening,
    ScreeningCriterion,
    ScreeningOutcome,
)
from jpo.selection.services.order import window_gate
from jpo.selection.services.reviews import (
    CriterionInput,
    ReviewInput,
    reviews_assign,
    reviews_submit_bulk,
    rubric_save,
)
from jpo.selection.services.screening import cycle_screen, screenings_override_bulk
from jpo.selection.services.stage_two import (
    BookedInterview,
    PanelScore,
    interview_scores_submit_bulk,
    interviews_schedule_bulk,
    written_tasks_record_bulk,
)

POST_MARKER = "SYNTHETIC DEMONSTRATION POST"
_POST_REF = re.compile(r"\((DEMO-FY\d{4}-P\d{3})\)")
OUTCOME_NOTE = "Synthetic outcome (jpo demo). No official post-JPO retention rate is published."
LOAD_ACTION = "demo.load"
SYNTHETIC_NOTE = "Synthetic (jpo demo)"
INSTITUTION = "A university (synthetic)"
JOB_TITLE = "Staff member (synthetic)"
RETURN_ASSIGNMENT = "A division of the home ministry (synthetic)"
BATCH = 500
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")

Progress = Callable[[str], None]


@dataclass
class DemoResult:
    plan: Plan
    created_people: int = 0
    created_applications: int = 0
    transitions: int = 0
    created_cycles: int = 0
    endings_changed: int = 0
    anchor: dt.date | None = None
    deleted: dict[str, int] = field(default_factory=dict)
    conflict: str = ""


def _post_terms(post: PostPlan) -> str:
    return (
        f"{POST_MARKER} ({post.ref}): not a real vacancy; created by `jpo demo`.\n"
        f"Field: {post.field}. Duty station: {post.duty_station}."
    )


def demo_delete_synthetic() -> dict[str, int]:
    """Delete every synthetic person and what hangs on them, the demo posts and the synthetic cycles
    with their rule sets (a cycle still holding other data is kept). Real data is untouched."""
    dispatches = Dispatch.objects.filter(application__applicant__is_synthetic=True)
    counts = {
        "outcomes": Outcome.objects.filter(dispatch__in=dispatches).delete()[0],
        "secondments": Secondment.objects.filter(dispatch__in=dispatches).delete()[0],
        "dispatches": dispatches.delete()[0],
    }
    synthetic = {"application__applicant__is_synthetic": True}
    # What protects an application from deletion: matching, offers, reviews, the frozen submission.
    counts["offers"] = Offer.objects.filter(**synthetic).delete()[0]
    # The demo's match runs (every pair synthetic) go with them, so that a new load matches again.
    counts["match_runs"] = (
        MatchRun.objects.filter(pairs__application__applicant__is_synthetic=True)
        .exclude(pairs__application__applicant__is_synthetic=False)
        .exclude(offers__isnull=False)
        .distinct()
        .delete()[0]
    )
    counts["match_pairs"] = MatchPair.objects.filter(**synthetic).delete()[0]
    Review.objects.filter(assignment__application__applicant__is_synthetic=True).delete()
    counts["submissions"] = Submission.objects.filter(**synthetic).delete()[0]
    files = documents_files(Document.objects.filter(**synthetic))
    transaction.on_commit(lambda: _delete_files(files))
    counts["applications"] = Application.objects.filter(applicant__is_synthetic=True).delete()[0]
    counts["applicants"] = Applicant.objects.filter(is_synthetic=True).delete()[0]
    counts["posts"] = Post.objects.filter(terms_of_reference__startswith=POST_MARKER).delete()[0]
    counts["cycles"] = 0
    for cycle in Cycle.objects.filter(source=SYNTHETIC_CYCLE_SOURCE):
        try:
            with transaction.atomic():
                RuleSet.objects.filter(cycle=cycle).delete()  # a synthetic cycle's rules go with it
                counts["cycles"] += cycle.delete()[0]
        except ProtectedError:
            pass  # someone's own data hangs on it: keep it
    return counts


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _conflicts(plan: Plan) -> str:
    """Why the synthetic data in the database is not (a part of) this plan; "" when it is.

    Only people the plan does not know count: an officer's edits of names or statuses do not."""
    people = {p.email for p in plan.people}
    for email in Applicant.objects.filter(is_synthetic=True).values_list("email", flat=True):
        if email not in people:
            return f"synthetic applicant {email} is not part of this seed and scale"
    return ""


def _anchor(*, seed: int, scale: float) -> dt.date | None:
    """The day the demo with this seed and scale was first loaded (None if never, or after a reset)."""
    event = AuditEvent.objects.filter(action=LOAD_ACTION).order_by("-at", "-id").first()
    if event is None or event.data.get("seed") != seed or event.data.get("scale") != scale:
        return None
    if not Applicant.objects.filter(is_synthetic=True).exists():
        return None
    return dt.date.fromisoformat(event.data["anchor"])


def demo_load(
    *, seed: int, scale: float, today: dt.date, reset: bool = False, progress: Progress = lambda line: None
) -> DemoResult:
    """Load reference data, demo logins and the synthetic data set for `seed`; see the module docstring."""
    writer = DocumentWriter()
    try:
        result = _demo_load(
            seed=seed, scale=scale, today=today, reset=reset, progress=progress, writer=writer
        )
    except BaseException:
        writer.discard()
        raise
    return result


def _demo_load(
    *, seed: int, scale: float, today: dt.date, reset: bool, progress: Progress, writer: DocumentWriter
) -> DemoResult:
    with transaction.atomic():
        counts = programme_load_reference_data(only_missing=True)
        for name, count in counts.items():
            progress(f"reference data: {name}: {count}")
        users = demo_logins_upsert()
        progress(f"demo logins: {len(users)} users (password in `jpo demo_logins`)")
        if reset:
            deleted = demo_delete_synthetic()
            progress(f"reset: deleted {deleted}")
        stored = _anchor(seed=seed, scale=scale)
        anchor = stored or today
        infos = plan_cycles(anchor)
        created_cycles = _load_cycles(infos, progress)
        rules = _publish_rules(infos, users["officer"], progress)
        plan = build_plan(seed=seed, scale=scale, today=anchor, rules=rules)
        result = DemoResult(plan=plan, anchor=anchor, created_cycles=created_cycles)
        if reset:
            result.deleted = deleted
        n_apps = len(plan.applications())
        progress(
            f"synthetic plan (seed {seed}, scale {scale}, as of {anchor.isoformat()}): {len(plan.people)} people, "
            f"{n_apps} applications, {len(plan.posts)} posts — SYNTHETIC people, not real applicants"
        )
        result.conflict = _conflicts(plan)
        if result.conflict:
            progress(
                f"synthetic data left as it is: {result.conflict}. "
                "Run `jpo demo --reset` to replace it with this seed's data."
            )
            return result
        posts = _load_posts(plan, result, progress)
        _load_people(plan, users, result, progress, writer)
        _load_endorsements(plan, users, progress)
        _load_cost_table(progress)
        _load_dispatches(plan, posts, result, progress)
        _record_endings(plan, today, result, progress)
        _load_offers(plan, users, progress)
        if stored is None:
            audit_record(
                actor=None,
                action=LOAD_ACTION,
                target=Cycle.objects.get(fiscal_year=plan.open_cycle.fiscal_year),
                data={"seed": seed, "scale": scale, "anchor": anchor.isoformat()},
            )
        writer.finish()  # every file written before the rows that name them are committed
        progress("documents: files written")
    return result


def _load_cycles(infos: list[CycleInfo], progress: Progress) -> int:
    """Create the synthetic cycles after the reference data (windows around the anchor) where missing."""
    existing = set(Cycle.objects.values_list("fiscal_year", flat=True))
    organizations = {o.code: o for o in Organization.objects.all()}
    created = 0
    for info in infos:
        if not info.synthetic or info.fiscal_year in existing:
            continue
        cycle, _ = cycle_upsert(
            fiscal_year=info.fiscal_year,
            reference_date=info.age_day if cycle_reference_date(info.fiscal_year) else None,
            applications_open=info.opens,
            applications_close=info.closes,
            source=SYNTHETIC_CYCLE_SOURCE,
        )
        track_upsert(cycle=cycle, kind=TrackKind.MOFA)
        if info.organization_track:
            track_upsert(
                cycle=cycle,
                kind=TrackKind.ORGANIZATION,
                organizations=[organizations[c] for c in info.organization_track],
            )
        created += 1
    open_cycle = infos[-1]
    progress(
        f"cycles: {created} synthetic created; FY{open_cycle.fiscal_year} takes applications "
        f"from {open_cycle.opens:%Y-%m-%d %H:%M} to {open_cycle.closes:%Y-%m-%d %H:%M} JST"
    )
    return created


def _publish_rules(infos: list[CycleInfo], officer: User, progress: Progress) -> dict[int, Overlay]:
    """Give each synthetic cycle the policy's YAML history does not know a published rule set where it
    has none (copied, as for any new cycle, from the newest rules: jpo.programme.rules), so that its
    applicants can be judged and can submit. A rule set an officer has started (a draft) is left alone.
    Returns the rules that govern those cycles, as data for the plan."""
    known = set(policy.known_fiscal_years())
    rules: dict[int, Overlay] = {}
    published = 0
    for info in infos:
        if info.fiscal_year in known:
            continue
        cycle = Cycle.objects.get(fiscal_year=info.fiscal_year)
        if published_rule_set(cycle) is None and draft_rule_set(cycle) is None:
            draft = rule_set_create_for_cycle(cycle=cycle, actor=officer)
            rule_set_publish(rule_set=draft, actor=officer, confirm_unknown=True)
            published += 1
        overlay = effective_rules(cycle)
        if overlay is None:
            progress(
                f"rules: FY{info.fiscal_year} has a draft rule set but none published: its applicants cannot be judged"
            )
        else:
            rules[info.fiscal_year] = overlay
    progress(f"rules: {published} rule sets published for cycles the policy files do not cover")
    return rules


def _load_posts(plan: Plan, result: DemoResult, progress: Progress) -> dict[str, Post]:
    existing: dict[str, Post] = {}
    for post in Post.objects.filter(terms_of_reference__startswith=POST_MARKER):
        match = _POST_REF.search(post.terms_of_reference)
        if match:
            existing[match.group(1)] = post
    missing = [p for p in plan.posts if p.ref not in existing]
    if missing:
        cycles = {c.fiscal_year: c for c in Cycle.objects.all()}
        organizations = {o.code: o for o in Organization.objects.all()}
        created = bulk_create_with_history(
            [
                Post(
                    cycle=cycles[p.fiscal_year],
                    organization=organizations[p.organization],
                    title=p.title,
                    duty_station=p.duty_station,
                    country_iso3=p.country_iso3,
                    field=p.field,
                    terms_of_reference=_post_terms(p),
                    status=p.status,
                )
                for p in missing
            ],
            Post,
            batch_size=BATCH,
        )
        existing.update({p.ref: post for p, post in zip(missing, created, strict=True)})
    progress(f"posts: {len(missing)} created, {len(plan.posts) - len(missing)} already there (synthetic)")
    return existing


def _load_people(
    plan: Plan, users: dict[str, User], result: DemoResult, progress: Progress, writer: DocumentWriter
) -> None:
    """Create the missing people with their applications, declarations and past status changes, in bulk.

    Statuses are recorded through `applications_record_history`, which checks every move against the
    workflow table exactly as `application_transition` does for one."""
    present = set(Applicant.objects.filter(is_synthetic=True).values_list("email", flat=True))
    todo = [p for p in plan.people if p.email not in present]
    cycles = {c.fiscal_year: c for c in Cycle.objects.all()}
    tracks = {(t.cycle.fiscal_year, t.kind): t for t in Track.objects.select_related("cycle")}
    organizations = {o.code: o for o in Organization.objects.all()}
    ministries = {m.code: m for m in Ministry.objects.all()}
    focal = users["focal-undp"]
    focal_code = focal.organization.code if focal.organization else ""
    applicants = bulk_create_with_history(
        [
            _applicant(person, users["applicant"] if person.email == DEMO_APPLICANT_EMAIL else None)
            for person in todo
        ],
        Applicant,
        batch_size=BATCH,
    )
    result.created_people = len(applicants)
    progress(f"synthetic people: {len(applicants)} created")
    pairs: list[tuple[Application, ApplicationPlan]] = []
    for person, applicant in zip(todo, applicants, strict=True):
        for app in person.applications:
            forwarded = app.forwarded_to and Status.FORWARDED in {s.status for s in app.steps}
            application = Application(
                applicant=applicant,
                cycle=cycles[app.fiscal_year],
                track=tracks[(app.fiscal_year, app.track)],
                is_civil_servant=app.is_civil_servant,
                ministry=ministries[app.ministry] if app.ministry else None,
                forwarded_to=organizations[app.forwarded_to] if forwarded and app.forwarded_to else None,
            )
            pairs.append((application, app))
    created = bulk_create_with_history([a for a, _ in pairs], Application, batch_size=BATCH)
    pairs = list(zip(created, [app for _, app in pairs], strict=True))
    rows_insert(
        Preference,
        ["application_id", "organization_id", "rank", "post_id"],
        (
            (application.pk, organizations[code].pk, rank, None)
            for application, app in pairs
            for rank, code in enumerate(app.preferences, start=1)
        ),
    )
    _load_declarations(pairs)
    progress(f"applications: {len(pairs)} created with their degrees, employment and language tests")
    # The applicant login's submission in the open cycle goes through the portal's own service (the
    # window, completeness and eligibility checks, the frozen snapshot, the receipt and its e-mail).
    portal = next(
        (
            (application, app)
            for application, app in pairs
            if application.applicant.email == DEMO_APPLICANT_EMAIL
            and app.fiscal_year == plan.open_cycle.fiscal_year
            and [s.status for s in app.steps] == [Status.SUBMITTED]
        ),
        None,
    )
    changes = _record_histories(
        [(application, app) for application, app in pairs if portal is None or application is not portal[0]],
        plan=plan,
        users=users,
        focal_code=focal_code,
        progress=progress,
    )
    # Dates as they would have been, and the receipt number a submission gets.
    for application, app in pairs:
        application.created_at = app.created_at
        application.updated_at = app.steps[-1].at if app.steps else app.created_at
        if application.submitted_at is not None:
            application.receipt_number = receipt_number_for(application)
    rows_update(Application, ["created_at", "updated_at", "receipt_number"], [a for a, _ in pairs])
    complete = [
        (
            application,
            application.submitted_at is not None or (portal is not None and application is portal[0]),
        )
        for application, _ in pairs
    ]
    documents = documents_create(complete, writer=writer)
    progress(f"documents: {documents} synthetic PDFs recorded (files being written)")
    if portal is not None:
        changes += _submit_through_the_portal(*portal, progress=progress)
    result.created_applications = len(pairs)
    result.transitions = changes
    by_year: dict[int, list[ApplicationPlan]] = {}
    for _, app in pairs:
        by_year.setdefault(app.fiscal_year, []).append(app)
    for fy, apps in sorted(by_year.items()):
        selected = sum(1 for a in apps if a.status == Status.SELECTED)
        submitted = sum(1 for a in apps if a.submitted_at is not None)
        progress(f"FY{fy}: {len(apps)} applications created ({submitted} submitted, {selected} selected)")
    progress(
        f"synthetic people: {result.created_people} created, {len(plan.people) - len(todo)} already there; "
        f"{result.created_applications} applications, {result.transitions} status changes"
    )


def _submit_through_the_portal(application: Application, app: ApplicationPlan, *, progress: Progress) -> int:
    user = application.applicant.user
    assert user is not None
    try:
        submission, _ = application_submit(
            application=application, actor=user, language="ja", now=app.steps[0].at
        )
    except ApplicationError as error:
        # No rules govern the cycle (an officer's draft, nothing published): recorded as submitted.
        progress(f"the applicant login's submission could not go through the portal: {error.message}")
        step = app.steps[0]
        applications_record_history(
            histories=[(application, [PastMove(to=step.status, at=step.at, actor=user, reason=step.reason)])]
        )
        Application.objects.filter(pk=application.pk).update(receipt_number=receipt_number_for(application))
        return 1
    progress(
        f"the applicant login submitted FY{app.fiscal_year} through the portal: receipt {submission.receipt_number}"
    )
    return 1


def _load_declarations(pairs: list[tuple[Application, ApplicationPlan]]) -> None:
    """What each application declares (degrees, employment, language tests), as the plan made it."""
    rows_insert(
        Degree,
        ["application_id", "level", "field", "institution", "awarded", "expected"],
        (
            (application.pk, d["level"], d["field"], INSTITUTION, d.get("awarded"), d.get("expected"))
            for application, app in pairs
            for d in app.degrees
        ),
    )
    rows_insert(
        EmploymentPeriod,
        ["application_id", "employer", "title", "start", "end", "type", "sector", "description"],
        (
            (
                application.pk,
                job["employer"],
                JOB_TITLE,
                job["start"],
                job["end"],
                job["type"],
                job["sector"],
                "",
            )
            for application, app in pairs
            for job in app.employment
        ),
    )
    rows_insert(
        LanguageTest,
        ["application_id", "test", "score", "taken"],
        (
            (application.pk, t["test"], Decimal(str(t["score"])), t["taken"])
            for application, app in pairs
            for t in app.language_tests
        ),
    )


def _applicant(person: PersonPlan, user: User | None) -> Applicant:
    return Applicant(
        user=user,
        family_name=person.family_name,
        given_name=person.given_name,
        family_name_kana=person.family_name_kana,
        given_name_kana=person.given_name_kana,
        birth_date=person.birth_date,
        sex=person.sex,
        email=person.email,
        nationalities=["JP"],
        is_synthetic=True,
    )


def _planned_dispatches(plan: Plan) -> dict[tuple[str, int], tuple[ApplicationPlan, DispatchPlan]]:
    return {
        (p.email, a.fiscal_year): (a, a.dispatch) for p, a in plan.applications() if a.dispatch is not None
    }


def _load_dispatches(plan: Plan, posts: dict[str, Post], result: DemoResult, progress: Progress) -> None:
    """Dispatches of the selected candidates, with their duty station, the secondment of a civil servant,
    the milestones of `jpo.placement` (those past by the plan's day done, later ones open, so reminders
    come due) and the cost by fiscal year from the cost tables (the demo's is illustrative)."""
    planned = _planned_dispatches(plan)
    applications = {
        (email, fy): pk
        for pk, email, fy in Application.objects.filter(
            applicant__is_synthetic=True, status=Status.SELECTED, dispatch__isnull=True
        ).values_list("pk", "applicant__email", "cycle__fiscal_year")
    }
    ministries = {m.code: m for m in Ministry.objects.all()}
    todo = [(applications[key], app, d) for key, (app, d) in planned.items() if key in applications]
    dispatches = bulk_create_with_history(
        [
            Dispatch(
                application_id=pk,
                post=posts[d.post_ref],
                duty_station=posts[d.post_ref].duty_station,
                start_date=d.start,
                planned_end_date=d.planned_end,
                extension_reason=d.extension_reason,
            )
            for pk, _, d in todo
        ],
        Dispatch,
        batch_size=BATCH,
    )
    secondments = [
        Secondment(
            dispatch=dispatch,
            ministry=ministries[app.ministry],
            consent_recorded_on=d.consent_on,
            planned_return_date=d.planned_return,
        )
        for dispatch, (_, app, d) in zip(dispatches, todo, strict=True)
        if app.ministry and d.consent_on and d.planned_return
    ]
    bulk_create_with_history(secondments, Secondment, batch_size=BATCH)
    milestones = []
    for dispatch in dispatches:
        for kind, due in milestone_dates(dispatch).items():
            done = _milestone_done(kind, due, dispatch.start_date, plan.today)
            milestones.append((dispatch.pk, kind, due, done, SYNTHETIC_NOTE if done else ""))
    rows_insert(Milestone, ["dispatch_id", "kind", "due_on", "done_on", "notes"], milestones)
    loaded = cost_rates()
    costs = []
    for dispatch in dispatches:
        estimate = cost_estimate(
            grade=dispatch.post.grade,
            duty_station=dispatch.duty_station,
            start=dispatch.start_date,
            last_day=dispatch.last_day,
            loaded=loaded,
        )
        costs += [
            (dispatch.pk, fy, amount, estimate.illustrative)
            for fy, amount in sorted(estimate.by_fiscal_year.items())
        ]
    rows_insert(DispatchCost, ["dispatch_id", "fiscal_year", "amount_yen", "is_illustrative"], costs)
    progress(
        f"dispatches: {len(dispatches)} created with {len(milestones)} milestones and {len(costs)} yearly costs "
        f"(illustrative rates), {len(planned) - len(dispatches)} already there"
    )


REVIEW_CRITERIA = (
    ("Motivation and fit (志望動機と適性)", Decimal(1)),
    ("Relevant experience (関連する職務経験)", Decimal(2)),
    ("Academic background (学歴・専門性)", Decimal(1)),
)
SCREENED = frozenset({Status.SCREENED_OUT, Status.ELIGIBLE})
# Only a cycle whose window is still open needs it (the demo's data is not made so): the order of the
# year (jpo.selection.services.order) records the reason.
FORCE_REASON = "Synthetic demonstration data (jpo demo): its history is recorded with the screening it had"
INTERVIEW_MINUTES = 30
CHECKED_REASON = (
    "Synthetic demonstration data (jpo demo): the officer checked what the applicant declared for this "
    "criterion, which the rules leave to an officer"
)


class DemoInconsistent(ValueError):
    """The selection services' answer for a synthetic application disagrees with the history planned."""


@dataclass
class _Staged:
    application: Application
    app: ApplicationPlan
    moves: list[PastMove]
    cuts: list[int]

    @property
    def statuses(self) -> list[Status]:
        return [s.status for s in self.app.steps]


def _cuts(statuses: list[Status]) -> list[int]:
    """Where the history of an application is cut, so that the selection services act where they would
    have: after the submission (screening), after the screening outcome (an officer's override), after
    `under review` (the reviews) and after `interview` (the interview); the rest follows."""
    n = len(statuses)
    first = next((i for i, status in enumerate(statuses) if status in SCREENED), n)
    cuts = [first, min(first + 1, n)]
    for stop in (Status.UNDER_REVIEW, Status.INTERVIEW):
        cuts.append(statuses.index(stop) + 1 if stop in statuses else n)
    return [*cuts, n]


def _record_histories(
    pairs: list[tuple[Application, ApplicationPlan]],
    *,
    plan: Plan,
    users: dict[str, User],
    focal_code: str,
    progress: Progress,
) -> int:
    """Record each new application's past, part by part, with the real selection services in between:
    screening (jpo.selection.services.screening) once it is submitted, an officer's override where the
    history has one, reviews by the demo reviewers while it is under review, the interview before the
    demo panel. Each service's answer must agree with the planned history (else DemoInconsistent)."""
    staged = []
    for application, app in pairs:
        moves = []
        for step in app.steps:
            if step.status in APPLICANT_MOVES:
                actor = application.applicant.user
            elif step.status in {Status.SELECTED, Status.NOT_SELECTED} and app.forwarded_to == focal_code:
                actor = users["focal-undp"]  # the organization's own decision in the organization track
            else:
                actor = users["officer"]
            moves.append(PastMove(to=step.status, at=step.at, actor=actor, reason=step.reason))
        staged.append(_Staged(application, app, moves, _cuts([s.status for s in app.steps])))
    changes = 0

    def record(part: int) -> None:
        nonlocal changes
        histories = [(s.application, s.moves[s.cuts[part - 1] if part else 0 : s.cuts[part]]) for s in staged]
        changes += applications_record_history(histories=[(a, m) for a, m in histories if m])

    now = timezone.now()
    record(0)
    screened = _screen(staged, officer=users["officer"])
    checked = _override(staged, officer=users["officer"], after_screened_out=False)
    record(1)
    overridden = _override(staged, officer=users["officer"], after_screened_out=True)
    record(2)
    # Reviews and interviews in every cycle.
    reviews = _review(staged, users=users, seed=plan.seed, now=now)
    record(3)
    interviews, scores = _interview(staged, users=users, seed=plan.seed, now=now)
    record(4)
    progress(
        f"selection: {screened} applications screened with the eligibility rules ({checked} with criteria "
        f"the rules leave to the officer, checked; {overridden} screenings out overridden), {reviews} reviews by 3 reviewers, {interviews} interviews before a panel of 2 "
        f"({scores} scores)"
    )
    return changes


def _by_cycle(items: list[_Staged]) -> dict[int, list[_Staged]]:
    groups: dict[int, list[_Staged]] = {}
    for item in items:
        groups.setdefault(item.application.cycle_id, []).append(item)
    return groups


def _between(start: dt.datetime, end: dt.datetime, share: float) -> dt.datetime:
    return start + (end - start) * share


def _screen(staged: list[_Staged], *, officer: User) -> int:
    """Screen the applications whose history has a screening outcome, cycle by cycle, with the real
    service (`cycle_screen`, limited to them), dated between the submission and that outcome."""
    todo = [s for s in staged if s.cuts[0] < len(s.app.steps)]
    for items in _by_cycle(todo).values():
        cycle = items[0].application.cycle
        with transaction.atomic():
            window_gate(cycle=cycle, actor=officer, step="screening", force_reason=FORCE_REASON)
        cycle_screen(cycle=cycle, only=[s.application.pk for s in items])
        screenings = {
            x.application_id: x
            for x in Screening.objects.filter(application_id__in=[s.application.pk for s in items])
        }
        for s in items:
            step, before = s.app.steps[s.cuts[0]], s.app.steps[s.cuts[0] - 1]
            # Eligible: no criterion failed; one the rules cannot decide (needs review) the officer checks.
            expected = (
                {ScreeningOutcome.NOT_ELIGIBLE}
                if step.status == Status.SCREENED_OUT
                else {ScreeningOutcome.ELIGIBLE, ScreeningOutcome.NEEDS_REVIEW}
            )
            screening = screenings.get(s.application.pk)
            if screening is None or screening.outcome not in expected or screening.error:
                detail = (
                    [
                        (c.criterion, c.outcome, c.message_en)
                        for c in screening.criteria.exclude(outcome="passed")
                    ]
                    if screening
                    else []
                )
                raise DemoInconsistent(
                    f"{detail} "
                    f"demo: the screening of {s.application.applicant.email} in FY{s.app.fiscal_year} gives "
                    f"{screening.outcome if screening else 'nothing'} ({screening.error if screening else ''}), "
                    f"its history {step.status}"
                )
            screening.screened_at = _between(before.at, step.at, 0.75)
        rows_update(Screening, ["screened_at"], list(screenings.values()))
    return len(todo)


def _override(staged: list[_Staged], *, officer: User, after_screened_out: bool) -> int:
    """The officer's overrides, through the screening service, before an application moves to eligible:
    each criterion the rules could not decide (needs review) set to passed once the officer has checked
    it, and — where the history overrides a screening out (`after_screened_out`) — each failed one too,
    with the history's reason (OVERRIDE_REASON). Dated between the screening and the move to eligible."""
    todo: dict[int, Step] = {}
    for s in staged:
        statuses = s.statuses
        if (
            Status.ELIGIBLE in statuses
            and s.cuts[0] < len(statuses)
            and (statuses[s.cuts[0]] == Status.SCREENED_OUT) == after_screened_out
        ):
            todo[s.application.pk] = s.app.steps[statuses.index(Status.ELIGIBLE)]
    if not todo:
        return 0
    ids = list(todo)
    changed = 0
    if after_screened_out:
        changed = screenings_override_bulk(
            application_ids=ids,
            outcomes=[CriterionOutcome.FAILED],
            to=CriterionOutcome.PASSED,
            reason=OVERRIDE_REASON,
            actor=officer,
        )
    checked = screenings_override_bulk(
        application_ids=ids,
        outcomes=[CriterionOutcome.NEEDS_REVIEW],
        to=CriterionOutcome.PASSED,
        reason=CHECKED_REASON,
        actor=officer,
    )
    wrong = Screening.objects.filter(application_id__in=ids).exclude(outcome=ScreeningOutcome.ELIGIBLE)
    if wrong.exists():
        raise DemoInconsistent(f"demo: overrides leave {wrong.count()} applications not eligible")
    screened_at = dict(
        Screening.objects.filter(application_id__in=ids).values_list("application_id", "screened_at")
    )
    rows = list(
        ScreeningCriterion.objects.filter(screening__application_id__in=ids)
        .exclude(override="")
        .select_related("screening")
    )
    for row in rows:
        app_id = row.screening.application_id
        row.override_at = _between(screened_at[app_id], todo[app_id].at, 0.5)
    rows_update(ScreeningCriterion, ["override_at"], rows)
    return max(changed, checked) if after_screened_out else checked


def _review(staged: list[_Staged], *, users: dict[str, User], seed: int, now: dt.datetime) -> int:
    """The reviews of the applications under review (or past it): a rubric where the cycle has none, two
    of the three demo reviewers assigned to each (`reviews_assign`), and their reviews (`reviews_submit_bulk`),
    all of them once the application has moved on; while it is still under review the `reviewer` login's
    own reviews are left to do. Shortlisted applications score higher. Dated within the review stage."""
    officer = users["officer"]
    reviewers = [users["reviewer"], users["reviewer2"], users["reviewer3"]]
    todo = [s for s in staged if Status.UNDER_REVIEW in s.statuses]
    submitted = 0
    for items in _by_cycle(todo).values():
        cycle = items[0].application.cycle
        if not Rubric.objects.filter(cycle=cycle).exists():
            rubric_save(
                cycle=cycle,
                actor=officer,
                criteria=[CriterionInput(name=name, weight=weight) for name, weight in REVIEW_CRITERIA],
                scale_min=1,
                scale_max=5,
                reviewers_per_application=2,
                blind=False,
            )
        reviews_assign(
            cycle=cycle, actor=officer, reviewers=reviewers, only=[s.application.pk for s in items]
        )
        rubric = Rubric.objects.prefetch_related("criteria").get(cycle=cycle)
        criteria = list(rubric.criteria.all())
        by_id = {s.application.pk: s for s in items}
        inputs: list[ReviewInput] = []
        times: list[dt.datetime] = []
        for assignment in ReviewAssignment.objects.filter(application_id__in=list(by_id)).select_related(
            "reviewer"
        ):
            s = by_id[assignment.application_id]
            i = s.statuses.index(Status.UNDER_REVIEW)
            start = s.app.steps[i].at
            moved_on = i + 1 < len(s.app.steps)
            if (not moved_on and assignment.reviewer == users["reviewer"]) or start >= now:
                continue  # left for the demo reviewer to do (or under review only from later today)
            key = f"{seed}:review:{s.application.applicant.email}:{assignment.reviewer.username}"
            rng = random.Random(key)  # noqa: S311 - demo scores, not cryptography
            low, high = rubric.scale_min, rubric.scale_max
            if Status.SHORTLISTED in s.statuses:
                low = min(high, low + 2)
            else:
                high = max(low, high - 1)
            inputs.append(
                ReviewInput(
                    assignment_id=assignment.pk,
                    reviewer=assignment.reviewer,
                    scores={str(c.pk): rng.randint(low, high) for c in criteria},
                    comment="Synthetic review (jpo demo)",
                )
            )
            end = min(s.app.steps[i + 1].at, now) if moved_on else now
            times.append(_between(start, end, rng.uniform(0.2, 0.8)))
        dated = reviews_submit_bulk(reviews=inputs)
        for review, at in zip(dated, times, strict=True):
            review.submitted_at = at
        rows_update(Review, ["submitted_at"], dated)
        submitted += len(dated)
    return submitted


def _interview(
    staged: list[_Staged], *, users: dict[str, User], seed: int, now: dt.datetime
) -> tuple[int, int]:
    """The interviews (MOFA track) of the applications at interview or decided after it, in every cycle,
    before the two demo interviewers: a slot in office hours between the invitation and the decision,
    booked with the candidate's confirmation (`interviews_schedule_bulk`), the written task
    (`written_tasks_record_bulk`) and the panel's scores (`interview_scores_submit_bulk`) once the slot
    has passed; those who passed score higher. An interview still to come (the previous cycle's, a week
    ahead) has no scores yet. A candidate who withdrew at this stage had no interview."""
    officer = users["officer"]
    panel = [users["interviewer"], users["interviewer2"]]
    interviews = scores = 0
    by_cycle: dict[int, list[tuple[_Staged, BookedInterview, Step | None]]] = {}
    waiting = 0
    for s in staged:
        statuses = s.statuses
        if Status.INTERVIEW not in statuses:
            continue
        i = statuses.index(Status.INTERVIEW)
        invited = s.app.steps[i].at
        decision = s.app.steps[i + 1] if i + 1 < len(statuses) else None
        if decision is not None and decision.status not in {Status.PASSED, Status.NOT_PASSED}:
            continue
        found: dt.datetime | None = None
        if decision is not None:
            found = office_slot(
                _between(invited, min(decision.at, now), 1 / 3), after=invited, before=decision.at
            )
        elif waiting % 2 == 0 and now - invited > dt.timedelta(hours=3):
            found = office_slot(_between(invited, now, 0.5), after=invited, before=now)  # taken place, scored
        if found is None and decision is None:
            day = now.astimezone(TOKYO).date() + dt.timedelta(days=7 + waiting)
            ahead = dt.datetime(day.year, day.month, day.day, 10, tzinfo=TOKYO) + dt.timedelta(
                minutes=40 * (waiting % 6)
            )
            found = office_slot(ahead, after=now, before=ahead + dt.timedelta(days=30))
        if decision is None:
            waiting += 1
        if found is None:
            continue  # no office hours between the invitation and the decision: no interview recorded
        # The candidate's confirmation of a slot (slot_confirm) is the applicant's own action, for a
        # slot still to come: the synthetic candidates have no login, so it is recorded as made.
        booking = BookedInterview(
            application_id=s.application.pk,
            starts_at=found,
            ends_at=found + dt.timedelta(minutes=INTERVIEW_MINUTES),
            confirmed_at=_between(invited, min(found, now), 0.5),
        )
        by_cycle.setdefault(s.application.cycle_id, []).append((s, booking, decision))
    for items in by_cycle.values():
        booked = interviews_schedule_bulk(
            cycle=items[0][0].application.cycle,
            actor=officer,
            interviews=[booking for _, booking, _ in items],
            panel=panel,
        )
        interviews += len(booked)
        tasks: list[tuple[Interview, int]] = []
        entries: list[PanelScore] = []
        times: list[dt.datetime] = []
        for (s, booking, decision), interview in zip(items, booked, strict=True):
            if booking.ends_at > now:
                continue
            passed = decision is not None and decision.status == Status.PASSED
            rng = random.Random(f"{seed}:interview:{s.application.applicant.email}")  # noqa: S311
            tasks.append((interview, rng.randint(70, 95) if passed else rng.randint(40, 80)))
            for interviewer in panel:
                entries.append(
                    PanelScore(
                        interview_id=interview.pk,
                        interviewer=interviewer,
                        score=rng.randint(4, 5) if passed else rng.randint(1, 4),
                        comment="Synthetic interview score (jpo demo)",
                    )
                )
                times.append(
                    _between(
                        booking.ends_at,
                        min(decision.at, now) if decision else now,
                        rng.uniform(0.05, 0.5),
                    )
                )
        written_tasks_record_bulk(actor=officer, scores=tasks)
        dated = interview_scores_submit_bulk(scores=entries)
        for row, at in zip(dated, times, strict=True):
            row.submitted_at = at
        rows_update(InterviewScore, ["submitted_at"], dated)
        scores += len(dated)
    return interviews, scores


# Interview slots fall in office hours in Tokyo: a weekday, starting 09:00-17:00 (the last one ends 17:30).
OFFICE_OPENS = dt.time(9, 0)
OFFICE_LAST_START = dt.time(17, 0)


def office_slot(at: dt.datetime, *, after: dt.datetime, before: dt.datetime) -> dt.datetime | None:
    """The start of an interview slot near `at` in office hours (Asia/Tokyo, weekdays), after `after` and
    ending by `before`: the same day when it can be, else the nearest weekday (later first); None if none."""
    local = at.astimezone(TOKYO)
    length = dt.timedelta(minutes=INTERVIEW_MINUTES)
    first = OFFICE_OPENS.hour * 60 + OFFICE_OPENS.minute
    last = OFFICE_LAST_START.hour * 60 + OFFICE_LAST_START.minute
    wanted = min(max(local.hour * 60 + local.minute, first), last) // 10 * 10
    for offset in (0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7):
        day = local.date() + dt.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for minutes in (wanted, *range(first, last + 1, 30)):
            start = dt.datetime(day.year, day.month, day.day, tzinfo=TOKYO) + dt.timedelta(minutes=minutes)
            if after < start and start + length <= before:
                return start
    return None


OFFER_DECLINE_REASON = "Synthetic demonstration data (jpo demo): the candidate declined the offer"


def _load_offers(plan: Plan, users: dict[str, User], progress: Progress) -> None:
    """The officers' matching of the cycle in its later stages, where it has none: the recommendation
    (`match_run_create`) over its candidates still waiting for a post and its approved posts, sent as
    offers (`match_run_send`), and the candidates' answers recorded by the officer (`offer_transition`;
    the synthetic candidates have no login): one offer in three declined, one accepted (awaiting the
    organization's confirmation), the others waiting for an answer. With fewer than three offers (a small
    --scale), those who declined are matched again with the posts left (a second run, its offers waiting
    for an answer). Dated on the day of the run."""
    officer = users["officer"]
    fy = plan.cycles[-2].fiscal_year
    cycle = Cycle.objects.get(fiscal_year=fy)
    if MatchRun.objects.filter(cycle=cycle).exists():
        progress(f"matching: FY{fy} already has a match run (left as it is)")
        return
    answers = {0: OfferStatus.DECLINED, 1: OfferStatus.ACCEPTED}
    runs = 0
    for round_ in (1, 2):
        try:
            run = match_run_create(actor=officer, cycle=cycle)
            offers = match_run_send(actor=officer, run=run)
        except ValidationError as error:
            progress(f"matching: FY{fy} round {round_}: no offer ({' '.join(error.messages)})")
            break
        runs += 1
        if round_ == 2:
            break
        declined = 0
        for k, offer in enumerate(offers):
            to = answers.get(k % 3)
            if to is not None:
                offer_transition(
                    offer=offer,
                    to=to,
                    actor=officer,
                    reason=OFFER_DECLINE_REASON if to == OfferStatus.DECLINED else "",
                )
                declined += to == OfferStatus.DECLINED
        if not declined or len(offers) >= 3:
            break  # every state shown already (or nobody to match again)
    counts = Counter(Offer.objects.filter(run__cycle=cycle).values_list("status", flat=True))
    progress(
        f"matching: FY{fy}: {runs} match runs, {sum(counts.values())} offers "
        f"({counts[OfferStatus.PENDING]} pending, {counts[OfferStatus.ACCEPTED]} accepted, "
        f"{counts[OfferStatus.DECLINED]} declined)"
    )


def _milestone_done(kind: str, due: dt.date, start: dt.date, today: dt.date) -> dt.date | None:
    """When a synthetic milestone was done: before departure ones a fortnight before the start, the
    retention outlook 45 days after it was due — if that is past by `today`; the outcome when recorded."""
    if kind in (MilestoneKind.HEALTH_CHECK, MilestoneKind.TRAINING):
        done = start - dt.timedelta(days=14)
    elif kind == MilestoneKind.RETENTION_OUTLOOK:
        done = due + dt.timedelta(days=45)  # the latest ones still open: their reminders are due
    else:
        return None
    return done if done <= today else None


ENDORSEMENT_DECLINE_REASON = (
    "Synthetic demonstration data (jpo demo): the ministry cannot release this officer this year"
)
DECLINED_AFTER = frozenset(
    {Status.SCREENED_OUT, Status.NOT_SHORTLISTED, Status.NOT_PASSED, Status.NOT_SELECTED}
)


def _load_endorsements(plan: Plan, users: dict[str, User], progress: Progress) -> None:
    """The endorsement request of every submitted civil servant's application that has none (the portal's
    submission makes one: `application_submit`), dated at the submission. The requests to the ministry
    of the `ministry-hr` login are decided through `endorsement_decide` by that login, between the
    submission and the next step, where the application has moved on (endorsed; every second one that
    ended before selection declined, with a reason) and is not withdrawn; the others wait for it, and so
    does the latest one of the cycle in its later stages (held, so that the login has one to decide)."""
    hr = users["ministry-hr"]
    missing = list(
        Application.objects.filter(
            applicant__is_synthetic=True,
            is_civil_servant=True,
            ministry__isnull=False,
            submitted_at__isnull=False,
            endorsement__isnull=True,
        )
        .select_related("applicant", "cycle")
        .order_by("cycle__fiscal_year", "pk")
    )
    if not missing:
        progress("endorsement requests: nothing missing")
        return
    rows_insert(
        EndorsementRequest,
        ["application_id", "ministry_id", "status", "requested_at", "reason"],
        ((a.pk, a.ministry_id, EndorsementStatus.REQUESTED, a.submitted_at, "") for a in missing),
    )
    audit_record(
        actor=None, action="demo.endorsements", target=hr, data={"requests": len(missing), "synthetic": True}
    )
    planned = {(p.email, a.fiscal_year): a for p, a in plan.applications()}
    requests = (
        {
            r.application_id: r
            for r in EndorsementRequest.objects.filter(application__in=missing, ministry_id=hr.ministry_id)
        }
        if hr.ministry_id is not None
        else {}
    )
    decided = declined = 0
    failures = 0
    held = max(
        (
            a
            for a in missing
            if a.pk in requests
            and a.cycle.fiscal_year == plan.cycles[-2].fiscal_year
            and a.status != Status.WITHDRAWN
        ),
        key=lambda a: (a.submitted_at, a.pk),
        default=None,
    )
    for application in missing:
        if application is held:
            continue
        request = requests.get(application.pk)
        app = planned.get((application.applicant.email, application.cycle.fiscal_year))
        if request is None or app is None or application.status == Status.WITHDRAWN:
            continue
        statuses = [s.status for s in app.steps]
        if Status.SUBMITTED not in statuses or statuses.index(Status.SUBMITTED) + 1 >= len(statuses):
            continue  # not moved on yet: the request waits for the HR login
        i = statuses.index(Status.SUBMITTED)
        decline = app.status in DECLINED_AFTER and failures % 2 == 0
        failures += app.status in DECLINED_AFTER
        endorsement_decide(
            endorsement=request,
            actor=hr,
            decision=EndorsementStatus.DECLINED if decline else EndorsementStatus.ENDORSED,
            reason=ENDORSEMENT_DECLINE_REASON if decline else "",
            now=_between(app.steps[i].at, app.steps[i + 1].at, 0.4),
        )
        decided += 1
        declined += decline
    waiting = len(requests) - decided
    progress(
        f"endorsement requests: {len(missing)} created; the ministry-hr login decided {decided} of its "
        f"ministry's ({declined} declined), {waiting} wait for it"
    )


def _load_cost_table(progress: Progress) -> None:
    """An ILLUSTRATIVE cost table (made-up rates, flagged and labelled so) when there is no cost table at
    all: costs then have figures to show, never presented as real ones. An officer's table is left alone."""
    if CostTable.objects.exists():
        progress("cost tables: already there (left as they are)")
        return
    table = CostTable.objects.create(
        fiscal_year=cat.ILLUSTRATIVE_COST_TABLE_FROM,
        is_illustrative=True,
        source=cat.ILLUSTRATIVE_COST_SOURCE,
        notes=cat.ILLUSTRATIVE_COST_NOTE,
    )
    SalaryRate.objects.bulk_create(
        SalaryRate(table=table, grade=grade, step=step, annual_yen=amount)
        for (grade, step), amount in cat.ILLUSTRATIVE_SALARIES.items()
    )
    stations = sorted({city for places in cat.DUTY_STATIONS.values() for city, _ in places})
    DutyStationAllowance.objects.bulk_create(
        DutyStationAllowance(table=table, duty_station=city, annual_yen=cat.illustrative_allowance(city))
        for city in stations
    )
    audit_record(actor=None, action="demo.cost_table", target=table, data={"illustrative": True})
    progress(f"cost tables: one ILLUSTRATIVE table (FY{table.fiscal_year}-), {len(stations)} duty stations")


def _record_endings(plan: Plan, today: dt.date, result: DemoResult, progress: Progress) -> None:
    """Record the end (date, outcome, return to the ministry) of each dispatch whose end day has passed
    by `today` and that has no end yet, in bulk. An end or outcome already recorded is never changed."""
    planned = _planned_dispatches(plan)
    organizations = {o.code: o for o in Organization.objects.all()}
    dispatches = Dispatch.objects.filter(
        application__applicant__is_synthetic=True, end_date__isnull=True
    ).select_related("application__applicant", "application__cycle", "outcome", "secondment", "post")
    ended: list[tuple[Dispatch, DispatchPlan]] = []
    for dispatch in dispatches:
        key = (dispatch.application.applicant.email, dispatch.application.cycle.fiscal_year)
        if key in planned and planned[key][1].actual_end <= today:
            dispatch.end_date = planned[key][1].actual_end
            ended.append((dispatch, planned[key][1]))
    if not ended:
        progress(f"dispatch endings as of {today.isoformat()}: nothing new")
        return

    def recorded(d: DispatchPlan) -> dt.date:
        return min(d.actual_end + dt.timedelta(days=d.outcome_delay_days), today)

    rows_update(Dispatch, ["end_date"], [dispatch for dispatch, _ in ended])
    bulk_create_with_history(
        [
            Outcome(
                dispatch=dispatch,
                kind=d.outcome_kind,
                organization=organizations[d.outcome_organization] if d.outcome_organization else None,
                grade=d.outcome_grade,
                contract_type=d.outcome_contract,
                recorded_on=recorded(d),
                notes=OUTCOME_NOTE,
            )
            for dispatch, d in ended
            if getattr(dispatch, "outcome", None) is None
        ],
        Outcome,
        batch_size=BATCH,
    )
    returns = []
    for dispatch, d in ended:
        secondment = getattr(dispatch, "secondment", None)
        back = d.actual_end + dt.timedelta(days=1)
        if (
            secondment is not None
            and secondment.returned_on is None
            and d.outcome_kind == "returned_to_ministry"
            and back <= today
        ):
            secondment.returned_on, secondment.assignment_after_return = back, RETURN_ASSIGNMENT
            returns.append(secondment)
    rows_update(Secondment, ["returned_on", "assignment_after_return"], returns)
    done = {dispatch.pk: recorded(d) for dispatch, d in ended}
    milestones = list(
        Milestone.objects.filter(dispatch_id__in=done, kind=MilestoneKind.OUTCOME, done_on=None)
    )
    for milestone in milestones:
        milestone.done_on, milestone.notes = done[milestone.dispatch_id], SYNTHETIC_NOTE
    rows_update(Milestone, ["done_on", "notes"], milestones)
    for dispatch, d in ended:
        if d.actual_end != dispatch.planned_end_date:  # left early: the cost stops at the end
            dispatch_costs_refresh(dispatch=dispatch)
    result.endings_changed = len(ended)
    total = Dispatch.objects.filter(application__applicant__is_synthetic=True, end_date__isnull=False).count()
    progress(
        f"dispatch endings as of {today.isoformat()}: {total} ended, "
        f"{result.endings_changed} recorded by this run (outcomes are synthetic)"
    )

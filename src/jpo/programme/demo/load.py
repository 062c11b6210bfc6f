"""Write the demonstration data set to the database, idempotently, in one transaction.

Idempotency strategy: *keyed, not replaced*. Reference data is upserted by natural keys
(jpo.programme.services). Synthetic people are keyed by their e-mail address
(demo.applicant.00017@example.jp), their applications by (person, cycle), posts by a reference written
into their terms of reference (DEMO-FY2019-P007), dispatches by application. A run computes the
deterministic plan (jpo.programme.demo.plan), compares it with what the database holds and writes
only what is missing; a second run therefore writes nothing and takes seconds. The one thing that
depends on the date is which dispatches have ended (end date, outcome, return to the ministry): it
is brought in line with `today` on every run, in both directions.

If the database holds synthetic people that the plan does not know (another --seed or --scale, or
data edited by hand), nothing synthetic is written and the run says so; `--reset` deletes every
synthetic person, application, dispatch and demo post first and loads the plan afresh.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from jpo.accounts.models import User
from jpo.applications.models import Applicant, Application, Preference, StatusChange
from jpo.applications.services import application_transition
from jpo.applications.workflow import Status
from jpo.placement.models import Dispatch, Outcome, Secondment
from jpo.programme.demo.logins import demo_logins_upsert
from jpo.programme.demo.plan import (
    APPLICANT_MOVES,
    DEMO_APPLICANT_EMAIL,
    ApplicationPlan,
    DispatchPlan,
    PersonPlan,
    Plan,
    PostPlan,
    build_plan,
)
from jpo.programme.models import Cycle, Ministry, Organization, Post, Track
from jpo.programme.services import programme_load_reference_data

POST_MARKER = "SYNTHETIC DEMONSTRATION POST"
_POST_REF = re.compile(r"\((DEMO-FY\d{4}-P\d{3})\)")
OUTCOME_NOTE = (
    "Synthetic outcome (jpo demo). No official post-JPO retention rate is published (FACTS.md §4.3)."
)
RETURN_ASSIGNMENT = "A division of the home ministry (synthetic)"
BATCH = 500

Progress = Callable[[str], None]


@dataclass
class DemoResult:
    plan: Plan
    created_people: int = 0
    created_applications: int = 0
    transitions: int = 0
    created_posts: int = 0
    created_dispatches: int = 0
    endings_changed: int = 0
    deleted: dict[str, int] = field(default_factory=dict)
    conflict: str = ""


def _post_terms(post: PostPlan) -> str:
    return (
        f"{POST_MARKER} ({post.ref}): not a real vacancy; created by `jpo demo`.\n"
        f"Field: {post.field}. Duty station: {post.duty_station}."
    )


def demo_delete_synthetic() -> dict[str, int]:
    """Delete every synthetic person and what hangs on them, and the demo posts. Real data is untouched."""
    dispatches = Dispatch.objects.filter(application__applicant__is_synthetic=True)
    counts = {
        "outcomes": Outcome.objects.filter(dispatch__in=dispatches).delete()[0],
        "secondments": Secondment.objects.filter(dispatch__in=dispatches).delete()[0],
        "dispatches": dispatches.delete()[0],
    }
    counts["applications"] = Application.objects.filter(applicant__is_synthetic=True).delete()[0]
    counts["applicants"] = Applicant.objects.filter(is_synthetic=True).delete()[0]
    counts["posts"] = Post.objects.filter(terms_of_reference__startswith=POST_MARKER).delete()[0]
    return counts


def _conflicts(plan: Plan) -> str:
    """Why the synthetic data in the database is not (a part of) this plan; "" when it is."""
    people = {p.email: p for p in plan.people}
    statuses = {(p.email, a.fiscal_year): a.status.value for p, a in plan.applications()}
    for email, family, given, birth in Applicant.objects.filter(is_synthetic=True).values_list(
        "email", "family_name", "given_name", "birth_date"
    ):
        person = people.get(email)
        if person is None or (person.family_name, person.given_name, person.birth_date) != (
            family,
            given,
            birth,
        ):
            return f"synthetic applicant {email} is not part of this seed and scale"
    for email, fy, status in Application.objects.filter(applicant__is_synthetic=True).values_list(
        "applicant__email", "cycle__fiscal_year", "status"
    ):
        if statuses.get((email, fy)) != status:
            return f"the FY{fy} application of {email} is “{status}”, the plan says “{statuses.get((email, fy))}”"
    return ""


def demo_load(
    *, seed: int, scale: float, today: dt.date, reset: bool = False, progress: Progress = lambda line: None
) -> DemoResult:
    """Load reference data, demo logins and the synthetic data set for `seed`; see the module docstring."""
    with transaction.atomic():
        counts = programme_load_reference_data()
        for name, count in counts.items():
            progress(f"reference data: {name}: {count}")
        users = demo_logins_upsert()
        progress(f"demo logins: {len(users)} users (password in `jpo demo_logins`)")
        plan = build_plan(seed=seed, scale=scale)
        result = DemoResult(plan=plan)
        n_apps = len(plan.applications())
        progress(
            f"synthetic plan (seed {seed}, scale {scale}): {len(plan.people)} people, {n_apps} applications, "
            f"{len(plan.posts)} posts — SYNTHETIC people, not real applicants"
        )
        if reset:
            result.deleted = demo_delete_synthetic()
            progress(f"reset: deleted {result.deleted}")
        result.conflict = _conflicts(plan)
        if result.conflict:
            progress(
                f"synthetic data left as it is: {result.conflict}. "
                "Run `jpo demo --reset` to replace it with this seed's data."
            )
            return result
        posts = _load_posts(plan, result, progress)
        _load_people(plan, users, result, progress)
        _load_dispatches(plan, posts, result, progress)
        _reconcile_endings(plan, today, result, progress)
    return result


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
        for p in missing:
            existing[p.ref] = Post.objects.create(
                cycle=cycles[p.fiscal_year],
                organization=organizations[p.organization],
                title=p.title,
                duty_station=p.duty_station,
                country_iso3=p.country_iso3,
                field=p.field,
                terms_of_reference=_post_terms(p),
                status=p.status,
            )
        result.created_posts = len(missing)
    progress(f"posts: {len(missing)} created, {len(plan.posts) - len(missing)} already there (synthetic)")
    return existing


def _load_people(plan: Plan, users: dict[str, User], result: DemoResult, progress: Progress) -> None:
    present = set(Applicant.objects.filter(is_synthetic=True).values_list("email", flat=True))
    todo = [p for p in plan.people if p.email not in present]
    cycles = {c.fiscal_year: c for c in Cycle.objects.all()}
    tracks = {(t.cycle.fiscal_year, t.kind): t for t in Track.objects.select_related("cycle")}
    organizations = {o.code: o for o in Organization.objects.all()}
    ministries = {m.code: m for m in Ministry.objects.all()}
    focal = users["focal-undp"]
    focal_code = focal.organization.code if focal.organization else ""
    changes: list[StatusChange] = []
    applications: list[Application] = []
    by_year: dict[int, int] = {}
    every = max(1, len(todo) // 10)
    for n, person in enumerate(todo, start=1):
        if n % every == 0:
            progress(f"synthetic people: {n}/{len(todo)} created with their applications")
        applicant_user = users["applicant"] if person.email == DEMO_APPLICANT_EMAIL else None
        applicant = _create_applicant(person, applicant_user)
        result.created_people += 1
        for app in person.applications:
            application = Application.objects.create(
                applicant=applicant,
                cycle=cycles[app.fiscal_year],
                track=tracks[(app.fiscal_year, app.track)],
                is_civil_servant=app.is_civil_servant,
                ministry=ministries[app.ministry] if app.ministry else None,
            )
            Preference.objects.bulk_create(
                Preference(application=application, organization=organizations[code], rank=rank)
                for rank, code in enumerate(app.preferences, start=1)
            )
            for step in app.steps:
                if step.status == Status.FORWARDED and app.forwarded_to:
                    Application.objects.filter(pk=application.pk).update(
                        forwarded_to=organizations[app.forwarded_to]
                    )
                if step.status in APPLICANT_MOVES:
                    actor = applicant_user
                elif step.status in {Status.SELECTED, Status.NOT_SELECTED} and app.forwarded_to == focal_code:
                    actor = focal  # the organization's own decision in the organization track
                else:
                    actor = users["officer"]
                change = application_transition(
                    application=application, to=step.status, actor=actor, reason=step.reason
                )
                change.at = step.at
                changes.append(change)
            # Dates as they would have been: the transitions above ran now, the plan says when.
            application.created_at = app.created_at
            application.submitted_at = app.submitted_at
            application.updated_at = app.steps[-1].at if app.steps else app.created_at
            applications.append(application)
            result.created_applications += 1
            result.transitions += len(app.steps)
            by_year[app.fiscal_year] = by_year.get(app.fiscal_year, 0) + 1
    StatusChange.objects.bulk_update(changes, ["at"], batch_size=BATCH)
    Application.objects.bulk_update(
        applications, ["created_at", "submitted_at", "updated_at"], batch_size=BATCH
    )
    for fy in sorted(by_year):
        in_plan = [a for _, a in plan.applications() if a.fiscal_year == fy]
        selected = sum(1 for a in in_plan if a.status == Status.SELECTED)
        submitted = sum(1 for a in in_plan if a.submitted_at is not None)
        progress(f"FY{fy}: {by_year[fy]} applications created ({submitted} submitted, {selected} selected)")
    progress(
        f"synthetic people: {result.created_people} created, {len(plan.people) - len(todo)} already there; "
        f"{result.created_applications} applications, {result.transitions} status changes"
    )


def _create_applicant(person: PersonPlan, user: User | None) -> Applicant:
    return Applicant.objects.create(
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
    planned = _planned_dispatches(plan)
    applications = {
        (email, fy): pk
        for pk, email, fy in Application.objects.filter(
            applicant__is_synthetic=True, status=Status.SELECTED, dispatch__isnull=True
        ).values_list("pk", "applicant__email", "cycle__fiscal_year")
    }
    ministries = {m.code: m for m in Ministry.objects.all()}
    for key, (app, d) in planned.items():
        pk = applications.get(key)
        if pk is None:
            continue
        dispatch = Dispatch.objects.create(
            application_id=pk,
            post=posts[d.post_ref],
            start_date=d.start,
            planned_end_date=d.planned_end,
            extension_reason=d.extension_reason,
        )
        if app.ministry and d.consent_on and d.planned_return:
            Secondment.objects.create(
                dispatch=dispatch,
                ministry=ministries[app.ministry],
                consent_recorded_on=d.consent_on,
                planned_return_date=d.planned_return,
            )
        result.created_dispatches += 1
    progress(
        f"dispatches: {result.created_dispatches} created, {len(planned) - result.created_dispatches} already there"
    )


def _reconcile_endings(plan: Plan, today: dt.date, result: DemoResult, progress: Progress) -> None:
    """Make end dates, outcomes and returns match `today`: a dispatch has ended when its end day is past."""
    planned = _planned_dispatches(plan)
    organizations = {o.code: o for o in Organization.objects.all()}
    dispatches = Dispatch.objects.filter(application__applicant__is_synthetic=True).select_related(
        "application__applicant", "application__cycle", "outcome", "secondment"
    )
    ended_count = 0
    for dispatch in dispatches:
        key = (dispatch.application.applicant.email, dispatch.application.cycle.fiscal_year)
        if key not in planned:
            continue
        _, d = planned[key]
        ended = d.actual_end <= today
        ended_count += ended
        changed = False
        end_date = d.actual_end if ended else None
        if dispatch.end_date != end_date:
            dispatch.end_date = end_date
            dispatch.save(update_fields=["end_date"])
            changed = True
        outcome = getattr(dispatch, "outcome", None)
        if ended:
            wanted = {
                "kind": d.outcome_kind,
                "organization": organizations[d.outcome_organization] if d.outcome_organization else None,
                "grade": d.outcome_grade,
                "contract_type": d.outcome_contract,
                "recorded_on": min(d.actual_end + dt.timedelta(days=d.outcome_delay_days), today),
                "notes": OUTCOME_NOTE,
            }
            if outcome is None:
                Outcome.objects.create(dispatch=dispatch, **wanted)
                changed = True
            elif any(getattr(outcome, k) != v for k, v in wanted.items()):
                for k, v in wanted.items():
                    setattr(outcome, k, v)
                outcome.save()
                changed = True
        elif outcome is not None:
            outcome.delete()
            changed = True
        secondment = getattr(dispatch, "secondment", None)
        if secondment is not None:
            back = d.actual_end + dt.timedelta(days=1)
            returned = ended and d.outcome_kind == "returned_to_ministry" and back <= today
            wanted_return = (back, RETURN_ASSIGNMENT) if returned else (None, "")
            if (secondment.returned_on, secondment.assignment_after_return) != wanted_return:
                secondment.returned_on, secondment.assignment_after_return = wanted_return
                secondment.save(update_fields=["returned_on", "assignment_after_return"])
                changed = True
        result.endings_changed += changed
    progress(
        f"dispatch endings as of {today.isoformat()}: {ended_count} ended, "
        f"{result.endings_changed} updated (outcomes are synthetic)"
    )

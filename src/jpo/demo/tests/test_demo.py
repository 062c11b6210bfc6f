"""`jpo demo`: placed around today, determinism, never overwriting, workflow-consistent statuses, dispatch
rules, logins, refusal.

The demo is loaded once per module at a small scale (--scale 0.1, about 30 applicants per cycle) inside
a transaction that is rolled back at the end, so the rest of the suite never sees it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from jpo.accounts import access
from jpo.accounts.models import AuditEvent, User
from jpo.applications.models import (
    Applicant,
    Application,
    Document,
    EndorsementRequest,
    Preference,
    StatusChange,
)
from jpo.applications.selectors import application_profile, application_profiles
from jpo.applications.workflow import TRACK_ONLY, TRANSITIONS, Status
from jpo.core.names import family_name_first
from jpo.demo.load import office_slot
from jpo.demo.logins import DEMO_LOGINS, DEMO_PASSWORD, OFFICERS_GROUP, demo_logins_upsert
from jpo.demo.plan import build_plan
from jpo.placement.models import (
    CostTable,
    Dispatch,
    DispatchCost,
    MatchPair,
    MatchRun,
    Milestone,
    MilestoneKind,
    Offer,
    Outcome,
    OutcomeKind,
    Reminder,
    Secondment,
)
from jpo.placement.services.reminders import fire_date, reminders_send_due
from jpo.policy import evaluate, known_fiscal_years, rules_version
from jpo.programme.models import Agreement, Cycle, Ministry, Organization, Post, Track
from jpo.programme.rules.selectors import effective_rules, published_rule_set
from jpo.selection.models import (
    Interview,
    InterviewScore,
    InterviewSlot,
    Review,
    ReviewAssignment,
    Rubric,
    Screening,
)
from jpo.selection.services.screening import cycle_screen, overall_outcome, profile_digest
from jpo.selection.services.stage_two import missing_scores_check

SEED = "7"
SCALE = "0.1"
TODAY = "2026-11-30"
MODELS = [
    Organization,
    Agreement,
    Ministry,
    Cycle,
    Track,
    Post,
    User,
    Applicant,
    Application,
    Preference,
    StatusChange,
    Dispatch,
    Secondment,
    Outcome,
    AuditEvent,
]


def run_demo(*extra: str, seed: str = SEED, today: str = TODAY) -> str:
    out = StringIO()
    call_command("demo", "--seed", seed, "--scale", SCALE, "--today", today, *extra, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {m.__name__: m._default_manager.count() for m in MODELS}


def summary() -> list[tuple[Any, ...]]:
    """People and statuses, comparable across runs and databases (no primary keys, no run times)."""
    rows = Application.objects.values_list(
        "applicant__email",
        "applicant__family_name",
        "applicant__given_name",
        "applicant__birth_date",
        "cycle__fiscal_year",
        "track__kind",
        "status",
        "is_civil_servant",
        "ministry__code",
        "submitted_at",
    )
    # The applicant login submits through the portal when the demo loads: at the time of the run.
    return sorted((*row[:-1], None) if row[0] == "applicant@example.jp" else row for row in rows)


MEDIA: dict[str, Path] = {}


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[str]:
    MEDIA["root"] = tmp_path_factory.mktemp("demo-media")
    fast_hasher = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MEDIA_ROOT=MEDIA["root"]
    )
    with django_db_blocker.unblock(), fast_hasher, transaction.atomic():
        output = run_demo()
        yield output
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_output_says_the_people_are_synthetic_and_reports_each_stage(demo: str) -> None:
    assert "SYNTHETIC" in demo
    for stage in (
        "reference data: organizations",
        "demo logins",
        "posts:",
        "FY2019:",
        "dispatches:",
        "endings",
    ):
        assert stage in demo


def test_every_person_is_synthetic_with_a_demo_e_mail(demo: str) -> None:
    assert Applicant.objects.count() > 250
    assert not Applicant.objects.filter(is_synthetic=False).exists()
    domains = Counter(email.rsplit("@", 1)[1] for email in Applicant.objects.values_list("email", flat=True))
    assert set(domains) == {"example.jp", "example.com"}
    assert domains["example.jp"] > domains["example.com"]
    japanese = Applicant.objects.filter(email__endswith="@example.jp")
    assert not japanese.filter(family_name_kana="").exists()
    assert all(p.terms_of_reference.startswith("SYNTHETIC DEMONSTRATION POST") for p in Post.objects.all())


def test_the_database_holds_exactly_the_plan(demo: str) -> None:
    plan = build_plan(seed=int(SEED), scale=float(SCALE), today=dt.date.fromisoformat(TODAY))
    in_db = sorted((email, fy, track, status) for email, _, _, _, fy, track, status, *_ in summary())
    planned = sorted((p.email, a.fiscal_year, a.track, a.status.value) for p, a in plan.applications())
    assert in_db == planned


def test_second_run_changes_nothing(demo: str) -> None:
    before, people = counts(), summary()
    output = run_demo()
    assert counts() == before
    assert summary() == people
    assert "0 created, " in output and "already there" in output


def test_same_seed_gives_the_same_people_and_statuses_after_a_reset(demo: str) -> None:
    people = summary()
    output = run_demo("--reset")
    assert "reset: deleted" in output
    assert summary() == people
    day = dt.date.fromisoformat(TODAY)
    assert (
        build_plan(seed=int(SEED), scale=0.1, today=day).summary()
        == build_plan(seed=int(SEED), scale=0.1, today=day).summary()
    )
    assert (
        build_plan(seed=8, scale=0.1, today=day).summary()
        != build_plan(seed=int(SEED), scale=0.1, today=day).summary()
    )


def test_another_seed_leaves_the_data_alone_unless_reset(demo: str) -> None:
    people = summary()
    output = run_demo(seed="8")
    assert "Synthetic data was NOT loaded" in output
    assert summary() == people


def test_every_status_is_reached_through_the_workflow(demo: str) -> None:
    changes = defaultdict(list)
    for application_id, from_status, to_status, at in StatusChange.objects.order_by("at", "id").values_list(
        "application_id", "from_status", "to_status", "at"
    ):
        changes[application_id].append((from_status, to_status, at))
    statuses = set()
    for application in Application.objects.select_related("track"):
        chain = changes[application.pk]
        current = Status.DRAFT
        for from_status, to_status, _ in chain:
            assert from_status == current, application
            assert Status(to_status) in TRANSITIONS[Status(from_status)], (
                application,
                from_status,
                to_status,
            )
            track_kind = TRACK_ONLY.get(Status(to_status))
            assert track_kind is None or application.track.kind == track_kind
            current = Status(to_status)
        assert current == application.status, application
        times = [at for *_, at in chain]
        assert times == sorted(times)
        statuses.add(application.status)
    assert statuses == set(Status)
    assert set(Application.objects.values_list("track__kind", flat=True)) == {"mofa", "organization"}


def test_submitted_applications_were_submitted_in_their_cycle(demo: str) -> None:
    for application in Application.objects.exclude(submitted_at=None).select_related("cycle"):
        cycle, submitted = application.cycle, application.submitted_at
        assert submitted is not None
        if cycle.applications_open and cycle.applications_close:
            assert cycle.applications_open <= submitted <= cycle.applications_close


def test_civil_servants_only_from_fy2019(demo: str) -> None:
    servants = Application.objects.filter(is_civil_servant=True)
    assert servants.exists()
    assert not servants.filter(cycle__fiscal_year__lt=2019).exists()
    assert not servants.filter(ministry=None).exists()
    assert not Application.objects.filter(is_civil_servant=False).exclude(ministry=None).exists()


def test_dispatches_start_by_31_january_and_last_two_years_in_principle(demo: str) -> None:
    dispatches = Dispatch.objects.select_related("application__cycle", "post")
    assert dispatches.exists()
    for d in dispatches:
        fy = d.application.cycle.fiscal_year
        assert d.application.status == Status.SELECTED
        assert d.start_date <= dt.date(fy + 1, 1, 31), d
        years = 3 if d.extension_reason else 2
        assert d.planned_end_date == d.start_date.replace(year=d.start_date.year + years), d
        assert d.post.cycle_id == d.application.cycle_id
        assert d.post.status == "filled"
    latest = Cycle.objects.order_by("-fiscal_year").first()
    assert not dispatches.filter(application__cycle=latest).exists()


def test_outcomes_exactly_for_ended_dispatches_and_of_every_kind(demo: str) -> None:
    today = dt.date.fromisoformat(TODAY)
    for d in Dispatch.objects.select_related("outcome", "application"):
        outcome = getattr(d, "outcome", None)
        if d.end_date is None:
            assert outcome is None
        else:
            assert d.end_date <= today
            assert outcome is not None and outcome.recorded_on <= today
            if outcome.kind == OutcomeKind.RETURNED_TO_MINISTRY:
                assert d.application.is_civil_servant
    assert set(Outcome.objects.values_list("kind", flat=True)) == set(OutcomeKind.values)


def test_secondments_for_civil_servants_only(demo: str) -> None:
    for s in Secondment.objects.select_related("dispatch__application", "dispatch__outcome"):
        application = s.dispatch.application
        assert application.is_civil_servant and s.ministry_id == application.ministry_id
        assert s.consent_recorded_on < s.dispatch.start_date
        assert s.planned_return_date > s.dispatch.planned_end_date
        if s.returned_on:
            assert s.dispatch.outcome.kind == OutcomeKind.RETURNED_TO_MINISTRY
    assert Secondment.objects.count() == Dispatch.objects.filter(application__is_civil_servant=True).count()
    assert Secondment.objects.exists()


def test_a_later_run_records_the_dispatches_ended_since_and_never_undoes_an_end(demo: str) -> None:
    before = counts()
    later = "2028-06-01"
    run_demo(today=later)
    ended_later = Outcome.objects.count()
    assert ended_later > before["Outcome"]
    assert not Dispatch.objects.filter(end_date__gt=dt.date.fromisoformat(later)).exists()
    output = run_demo()  # an earlier day again: nothing is undone, nothing moves
    assert Outcome.objects.count() == ended_later
    assert "placed around" not in output or TODAY in output
    assert summary() == sorted(summary())


TODAY_ANYWHERE = ["2026-04-01", "2026-09-30", "2026-12-31", "2027-03-15", "2026-12-01", "2026-02-20"]


@pytest.mark.parametrize("day", TODAY_ANYWHERE)
def test_one_cycle_is_open_on_any_day_the_previous_one_is_in_later_stages(day: str) -> None:
    today = dt.date.fromisoformat(day)
    plan = build_plan(seed=int(SEED), scale=0.05, today=today)
    end_of_today = dt.datetime.combine(
        today + dt.timedelta(days=1), dt.time(), tzinfo=plan.open_cycle.opens.tzinfo
    )
    open_now = [
        c for c in plan.cycles if c.opens.date() <= today and end_of_today <= c.closes + dt.timedelta(days=1)
    ]
    assert [c.fiscal_year for c in open_now] == [plan.open_cycle.fiscal_year]
    assert plan.open_cycle.opens.date() <= today < plan.open_cycle.closes.date()
    years = [c.fiscal_year for c in plan.cycles]
    assert years == list(range(years[0], years[-1] + 1))  # no gap
    by_cycle: dict[int, Counter[str]] = defaultdict(Counter)
    for _, application in plan.applications():
        assert application.created_at < end_of_today
        assert all(step.at < end_of_today for step in application.steps)
        by_cycle[application.fiscal_year][application.status.value] += 1
    # Open: drafts and submissions only. Previous: past screening, some decisions still to come.
    assert set(by_cycle[plan.open_cycle.fiscal_year]) <= {"draft", "submitted", "withdrawn"}
    previous = by_cycle[plan.cycles[-2].fiscal_year]
    assert set(previous) - {"draft", "submitted", "withdrawn"}
    # Older cycles: finished (every application at a final status).
    final = {
        "draft",
        "withdrawn",
        "screened_out",
        "not_shortlisted",
        "not_passed",
        "not_selected",
        "selected",
    }
    for cycle in plan.cycles[:-2]:
        assert set(by_cycle[cycle.fiscal_year]) <= final, cycle.fiscal_year


def test_a_day_before_the_last_real_cycle_opened_exits_with_status_2() -> None:
    before = counts()
    with pytest.raises(CommandError) as error:
        call_command("demo", "--scale", "0.1", "--today", "2025-12-01", stdout=StringIO())
    assert error.value.returncode == 2
    assert "--today" in str(error.value) and "2026-02-02" in str(error.value)
    assert counts() == before


def test_the_open_cycle_is_open_today_and_synthetic(demo: str) -> None:
    now = dt.datetime.fromisoformat(TODAY + "T12:00:00+09:00")
    open_cycles = Cycle.objects.filter(applications_open__lte=now, applications_close__gt=now)
    assert [c.fiscal_year for c in open_cycles] == [2027]
    assert open_cycles[0].source.startswith("SYNTHETIC")
    assert Track.objects.filter(cycle__fiscal_year=2027, kind="mofa").exists()
    assert Application.objects.filter(cycle__fiscal_year=2027).exists()


def test_an_officers_edits_survive_another_run_and_reset_rebuilds(demo: str) -> None:
    cycle = Cycle.objects.get(fiscal_year=2026)
    open_cycle = Cycle.objects.get(fiscal_year=2027)
    assert cycle.applications_close is not None and open_cycle.applications_close is not None
    extended = cycle.applications_close + dt.timedelta(days=7)
    Cycle.objects.filter(pk=cycle.pk).update(applications_close=extended)
    Cycle.objects.filter(pk=open_cycle.pk).update(
        applications_close=open_cycle.applications_close + dt.timedelta(days=3)
    )
    User.objects.filter(username="officer").update(first_name="Hanako", last_name="Sato")
    person = Applicant.objects.filter(is_synthetic=True).order_by("pk").first()
    assert person is not None
    Applicant.objects.filter(pk=person.pk).update(family_name="Edited")
    before = counts()
    output = run_demo()
    assert "NOT loaded" not in output
    assert Cycle.objects.get(fiscal_year=2026).applications_close == extended
    assert Cycle.objects.get(
        fiscal_year=2027
    ).applications_close == open_cycle.applications_close + dt.timedelta(days=3)
    officer = User.objects.get(username="officer")
    assert (officer.first_name, officer.last_name) == ("Hanako", "Sato")
    assert Applicant.objects.get(pk=person.pk).family_name == "Edited"
    assert {k: v for k, v in counts().items() if k != "AuditEvent"} == {
        k: v for k, v in before.items() if k != "AuditEvent"
    }
    run_demo("--reset")
    assert not Applicant.objects.filter(family_name="Edited").exists()
    assert Cycle.objects.get(fiscal_year=2027).applications_close == open_cycle.applications_close


def test_declarations_agree_with_the_screening_outcome_stored(demo: str) -> None:
    """Each screened application's degrees, employment and tests give, under the policy, the outcome
    its history shows: a criterion failed exactly when it was screened out."""
    applications = (
        Application.objects.filter(applicant__is_synthetic=True)
        .select_related("applicant", "cycle")
        .prefetch_related("degrees", "employment", "language_tests", "status_changes")
    )
    judged = 0
    for application in applications:
        assert application.degrees.all(), application
        assert application.employment.all(), application
        path = [c.to_status for c in application.status_changes.all()]
        screened = [s for s in path if s in {"screened_out", "eligible"}]
        if not screened:
            continue
        decision = evaluate(application_profile(application), application.cycle.fiscal_year)
        failed = [c.id for c in decision.criteria if str(c.outcome) == "failed"]
        assert bool(failed) == (screened[0] == "screened_out"), (application, path, failed)
        judged += 1
    assert judged > 200


def test_screening_again_reproduces_the_demo_outcomes(demo: str) -> None:
    cycle = Cycle.objects.get(fiscal_year=2026)
    cycle_screen(cycle=cycle)
    screenings = Screening.objects.filter(application__cycle=cycle).select_related("application")
    assert screenings.filter(application__status="screened_out").exists()
    for screening in screenings:
        if screening.application.status == "screened_out":
            assert screening.engine_outcome == "not_eligible", screening.application
        else:
            assert screening.engine_outcome != "not_eligible", screening.application


def test_every_application_has_its_synthetic_pdf_documents(demo: str) -> None:
    from pypdf import PdfReader

    submitted = Application.objects.exclude(submitted_at=None)
    assert submitted.exists()
    for application in submitted.prefetch_related("documents"):
        assert {d.kind for d in application.documents.all()} == {"cv", "cover_letter", "degree", "language"}
    for application in Application.objects.filter(submitted_at=None).prefetch_related("documents"):
        assert {d.kind for d in application.documents.all()} == {"cv", "cover_letter"}
    for document in Document.objects.order_by("pk")[:20]:
        content = (MEDIA["root"] / str(document.file.name)).read_bytes()
        assert hashlib.sha256(content).hexdigest() == document.sha256 and len(content) == document.size
        reader = PdfReader(BytesIO(content))
        assert len(reader.pages) == document.pages == 1
        assert "SYNTHETIC" in reader.pages[0].extract_text()


def test_the_applicant_login_is_verified_with_documents_and_a_receipt(demo: str) -> None:
    user = User.objects.get(username="applicant")
    assert user.email_verified
    applicant = Applicant.objects.get(user=user)
    assert applicant.is_synthetic
    current = applicant.applications.get(cycle__fiscal_year=2027)
    assert current.status == "submitted" and current.receipt_number == f"JPO-2027-{current.pk:06d}"
    assert current.documents.count() == 4
    assert current.degrees.exists() and current.employment.exists() and current.language_tests.exists()
    # Submitted through the portal's service: the frozen snapshot and the eligibility check at submission.
    assert current.submission.receipt_number == current.receipt_number
    assert current.eligibility_checks.filter(kind="submission").exists()


def test_a_cycle_beyond_the_policy_files_gets_published_rules_and_accepts_submissions(demo: str) -> None:
    assert 2027 not in known_fiscal_years()
    rule_set = published_rule_set(2027)
    assert rule_set is not None and rule_set.published_by is not None
    assert Application.objects.filter(cycle__fiscal_year=2027, status="submitted").exists()


def test_dispatches_have_duty_stations_milestones_due_reminders_and_illustrative_costs(demo: str) -> None:
    today = dt.date.fromisoformat(TODAY)
    dispatches = Dispatch.objects.select_related("post")
    assert dispatches.filter(start_date__gt=today).exists()  # the previous cycle's JPOs leave soon
    for dispatch in dispatches.prefetch_related("milestones"):
        assert dispatch.duty_station == dispatch.post.duty_station != ""
        assert {m.kind for m in dispatch.milestones.all()} == set(MilestoneKind.values)
        for milestone in dispatch.milestones.all():
            assert milestone.done_on is None or milestone.done_on <= today
    due = [m for m in Milestone.objects.filter(done_on=None) if fire_date(m) <= today]
    assert due
    sent = reminders_send_due(today=today)
    assert sent > 0 and Reminder.objects.exists()
    table = CostTable.objects.get()
    assert table.is_illustrative and "ILLUSTRATIVE" in table.source
    assert DispatchCost.objects.exists()
    assert not DispatchCost.objects.filter(is_illustrative=False).exists()


def test_three_reviewers_review_and_two_interviewers_interview_every_cycle(demo: str) -> None:
    previous = Cycle.objects.get(fiscal_year=2026)
    assignments = ReviewAssignment.objects.filter(application__cycle=previous)
    assert {a.reviewer.username for a in assignments.select_related("reviewer")} == {
        "reviewer",
        "reviewer2",
        "reviewer3",
    }
    assert all(n == 2 for n in Counter(assignments.values_list("application_id", flat=True)).values())
    assert Review.objects.filter(assignment__application__cycle=previous).exists()
    assert assignments.filter(reviewer__username="reviewer", review__isnull=True).exists()  # work waiting
    interviews = Interview.objects.filter(application__cycle=previous).select_related("slot")
    assert interviews.exists()
    for interview in interviews:
        assert interview.slot is not None
        assert {u.username for u in interview.slot.panel.all()} == {"interviewer", "interviewer2"}
    assert InterviewScore.objects.filter(interview__application__cycle=previous).exists()
    # Interviews in every finished cycle too (through the bulk services, with their audit rows).
    older = set(
        Interview.objects.filter(application__cycle__fiscal_year__lt=2026).values_list(
            "application__cycle__fiscal_year", flat=True
        )
    )
    assert len(older) >= 3, older
    scored = AuditEvent.objects.filter(action="selection.interview_scored").count()
    assert scored == InterviewScore.objects.count()
    assert AuditEvent.objects.filter(action="selection.slot_created").count() == InterviewSlot.objects.count()


def test_one_login_per_role(demo: str) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=[d.username for d in DEMO_LOGINS])}
    assert set(users) == {
        "admin",
        "officer",
        "reviewer",
        "reviewer2",
        "reviewer3",
        "interviewer",
        "interviewer2",
        "focal-undp",
        "ministry-hr",
        "analyst",
        "applicant",
    }
    assert {u.role for u in users.values()} == {
        "officer",
        "reviewer",
        "focal_point",
        "ministry_hr",
        "analyst",
        "applicant",
    }
    assert users["admin"].is_superuser and users["admin"].is_staff
    officer = users["officer"]
    assert officer.is_staff and not officer.is_superuser
    group = Group.objects.get(name=OFFICERS_GROUP)
    assert officer.groups.filter(pk=group.pk).exists()
    jpo_permissions = Permission.objects.filter(
        content_type__app_label__in=["programme", "applications", "placement"]
    )
    assert set(jpo_permissions) <= set(group.permissions.all())
    assert officer.has_perm("applications.change_application")
    assert Organization.objects.get(focal_points=users["focal-undp"]).code == "UNDP"
    assert Ministry.objects.get(hr_officers=users["ministry-hr"]).code == "MHLW"
    assert Application.objects.filter(ministry__code="MHLW", dispatch__isnull=False).exists()
    assert users["applicant"].applicant.applications.count() == 2
    for user in users.values():
        assert user.check_password(DEMO_PASSWORD), user.username


def test_demo_logins_prints_the_table(demo: str) -> None:
    out = StringIO()
    call_command("demo_logins", "--lang", "en", stdout=out)
    text = out.getvalue()
    for login in DEMO_LOGINS:
        assert login.username in text
    assert DEMO_PASSWORD in text
    assert "Not in this database yet" not in text


def test_refuses_to_run_in_production(settings: Any) -> None:
    settings.PRODUCTION = True
    before = counts()
    with pytest.raises(CommandError) as error:
        call_command("demo", "--scale", "0.1", stdout=StringIO())
    assert error.value.returncode == 2
    assert "refuses to run in production" in str(error.value)
    assert counts() == before


@pytest.mark.parametrize("option", [["--scale", "0"], ["--scale", "11"]])
def test_bad_options_exit_with_status_2(option: list[str]) -> None:
    before = counts()
    with pytest.raises(CommandError) as error:
        call_command("demo", *option, stdout=StringIO())
    assert error.value.returncode == 2
    assert "--scale" in str(error.value)
    assert counts() == before


# --- selection: the stored screening, reviews and interviews tell the same story as the statuses --------

PAST_SCREENING = {
    "eligible",
    "under_review",
    "shortlisted",
    "not_shortlisted",
    "interview",
    "passed",
    "not_passed",
    "recommended",
    "forwarded",
    "selected",
    "not_selected",
}
PAST_REVIEW = PAST_SCREENING - {"eligible", "under_review"}


def test_every_application_past_screening_was_screened_and_judging_again_gives_the_same(demo: str) -> None:
    """Judging again (the rules that govern each cycle, the profile the screening reads; nothing is
    written) reproduces every stored criterion; the outcome after the officer's overrides is the one the
    status shows, and each override has its written reason."""
    applications = Application.objects.filter(applicant__is_synthetic=True).prefetch_related("status_changes")
    screened_ids = []
    for application in applications:
        path = {c.to_status for c in application.status_changes.all()}
        if path & {"eligible", "screened_out"}:
            screened_ids.append(application.pk)
        else:
            assert not Screening.objects.filter(application=application).exists(), application
    assert len(screened_ids) > 200
    assert set(
        Screening.objects.filter(application__applicant__is_synthetic=True).values_list(
            "application_id", flat=True
        )
    ) == set(screened_ids)
    profiles = application_profiles(screened_ids)
    screenings = (
        Screening.objects.filter(application_id__in=screened_ids)
        .select_related("application__cycle")
        .prefetch_related("criteria", "application__status_changes")
    )
    rules_by_cycle: dict[int, Any] = {}
    outcomes: Counter[str] = Counter()
    for screening in screenings:
        application = screening.application
        cycle = application.cycle
        if cycle.pk not in rules_by_cycle:
            rules_by_cycle[cycle.pk] = effective_rules(cycle)
        rules = rules_by_cycle[cycle.pk]
        profile = profiles[application.pk]
        assert screening.profile_sha256 == profile_digest(profile)  # judged on what is declared today
        assert screening.rules_version == rules_version(rules)
        decision = evaluate(profile, cycle.fiscal_year, rules=rules)
        stored = {c.criterion: c.outcome for c in screening.criteria.all()}
        assert stored == {c.id: str(c.outcome) for c in decision.criteria}, application
        assert screening.engine_outcome == overall_outcome(list(stored.values())), application
        assert screening.outcome == overall_outcome([c.effective for c in screening.criteria.all()])
        for criterion in screening.criteria.all():
            if criterion.override:
                assert criterion.override_reason and criterion.override_by is not None
                assert criterion.override_at is not None
        changes = sorted(application.status_changes.all(), key=lambda c: (c.at, c.pk))
        first = next(c for c in changes if c.to_status in {"eligible", "screened_out"})
        submitted = next(c for c in changes if c.to_status == "submitted")
        assert submitted.at < screening.screened_at < first.at  # screened between the two
        if application.status == "screened_out":
            assert screening.outcome == "not_eligible"
            assert "failed" in stored.values()  # a named criterion is not met
        elif application.status in PAST_SCREENING:
            assert screening.outcome == "eligible", application
        outcomes[screening.engine_outcome] += 1
    assert outcomes["not_eligible"] and outcomes["eligible"]


def test_each_status_has_the_reviews_and_interviews_it_needs(demo: str) -> None:
    """Every cycle: an application past the review has every review its rubric asks for; one under
    review has its reviewers assigned. Every cycle: passed / not passed candidates were interviewed
    by the panel, the scores given after the slot and never in the future. Several people review and
    interview."""
    now = timezone.now()
    rubrics = {r.cycle_id: r for r in Rubric.objects.all()}
    reviewers: set[int] = set()
    interviewers: set[int] = set()
    applications = Application.objects.filter(applicant__is_synthetic=True).prefetch_related(
        "review_assignments__review", "status_changes"
    )
    for application in applications:
        rubric = rubrics.get(application.cycle_id)
        path = [c.to_status for c in application.status_changes.all()]
        assignments = list(application.review_assignments.all())
        reviews = [a.review for a in assignments if hasattr(a, "review")]
        if "under_review" not in path:
            assert not assignments, application
            continue
        assert rubric is not None and len(assignments) == rubric.reviewers_per_application, application
        under_review_at = next(
            c.at for c in application.status_changes.all() if c.to_status == "under_review"
        )
        for review in reviews:
            assert under_review_at < review.submitted_at <= now
        if set(path) & PAST_REVIEW:
            assert len(reviews) == rubric.reviewers_per_application, application
        reviewers |= {a.reviewer_id for a in assignments}
        if set(path) & {"passed", "not_passed"} and application.track.kind == "mofa":
            interview = Interview.objects.select_related("slot").get(application=application)
            assert interview.slot is not None and interview.written_task_score is not None
            panel = set(interview.slot.panel.values_list("pk", flat=True))
            scores = list(interview.scores.all())
            assert {s.interviewer_id for s in scores} == panel and len(panel) >= 2
            invited = next(c.at for c in application.status_changes.all() if c.to_status == "interview")
            decided = next(
                c.at for c in application.status_changes.all() if c.to_status in {"passed", "not_passed"}
            )
            assert invited < interview.slot.starts_at < interview.slot.ends_at < decided
            for score in scores:
                assert interview.slot.ends_at <= score.submitted_at <= now
            interviewers |= panel
        if application.status == "passed":
            missing_scores_check(application)  # the final decision's own check passes
    assert len(reviewers) >= 3 and len(interviewers) >= 2
    # Interviews still at interview: scored only once their slot has passed.
    for interview in Interview.objects.filter(application__status="interview").select_related("slot"):
        assert interview.slot is not None
        if interview.slot.starts_at > now:
            assert not interview.scores.exists()


def test_interview_slots_fall_in_office_hours_in_tokyo(demo: str) -> None:
    """Weekdays, starting from 09:00 and ending by 17:30 Japan time (never at night)."""
    tokyo = ZoneInfo("Asia/Tokyo")
    slots = list(InterviewSlot.objects.all())
    assert slots
    for slot in slots:
        starts, ends = slot.starts_at.astimezone(tokyo), slot.ends_at.astimezone(tokyo)
        assert starts.weekday() < 5, starts
        assert starts.date() == ends.date()
        assert dt.time(9, 0) <= starts.time() and ends.time() <= dt.time(17, 30), (starts, ends)


def test_office_slot_moves_a_night_or_a_weekend_into_office_hours() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    after = dt.datetime(2026, 11, 2, 9, 0, tzinfo=tokyo)
    before = dt.datetime(2026, 11, 30, 9, 0, tzinfo=tokyo)
    night = office_slot(dt.datetime(2026, 11, 10, 4, 29, tzinfo=tokyo), after=after, before=before)
    assert night == dt.datetime(2026, 11, 10, 9, 0, tzinfo=tokyo)
    saturday = office_slot(dt.datetime(2026, 11, 14, 13, 5, tzinfo=tokyo), after=after, before=before)
    assert saturday == dt.datetime(2026, 11, 13, 13, 0, tzinfo=tokyo)  # the Friday before
    late = office_slot(dt.datetime(2026, 11, 11, 22, 0, tzinfo=tokyo), after=after, before=before)
    assert late == dt.datetime(2026, 11, 11, 17, 0, tzinfo=tokyo)
    assert office_slot(after, after=after, before=after + dt.timedelta(minutes=30)) is None


def test_demo_staff_have_synthetic_japanese_names_in_the_readers_order(demo: str) -> None:
    officer = User.objects.get(username="officer")
    assert officer.get_full_name() == "佐藤 美咲"
    for login in DEMO_LOGINS:
        if login.role != "applicant":
            user = User.objects.get(username=login.username)
            assert user.first_name != "Demo" and family_name_first(user.last_name), login.username
    out = StringIO()
    call_command("demo_logins", "--lang", "ja", stdout=out)
    assert "佐藤 美咲（架空の氏名）" in out.getvalue()
    out = StringIO()
    call_command("demo_logins", "--lang", "en", stdout=out)
    assert "佐藤 美咲 (synthetic name)" in out.getvalue()


def test_the_old_default_name_is_replaced_an_edited_one_kept(demo: str) -> None:
    with transaction.atomic():
        User.objects.filter(username="reviewer").update(first_name="Demo", last_name="reviewer")
        User.objects.filter(username="reviewer2").update(first_name="Anne", last_name="Edited")
        demo_logins_upsert()
        assert User.objects.get(username="reviewer").get_full_name() == "鈴木 大輔"
        assert User.objects.get(username="reviewer2").get_full_name() == "Anne Edited"
        transaction.set_rollback(True)


def test_the_ministry_hr_login_has_endorsement_requests_in_every_state(demo: str) -> None:
    """Every submitted civil servant's application has its request (as the portal makes one); the
    ministry-hr login sees its ministry's, some decided by it (endorsed, declined with a reason), some
    still to decide."""
    servants = Application.objects.filter(
        applicant__is_synthetic=True, is_civil_servant=True, submitted_at__isnull=False
    )
    assert servants.exists()
    assert not servants.filter(endorsement__isnull=True).exists()
    hr = User.objects.get(username="ministry-hr")
    theirs = EndorsementRequest.objects.filter(ministry=hr.ministry)
    assert {r.status for r in theirs} == {"requested", "endorsed", "declined"}
    for request in theirs.exclude(status="requested").select_related("application"):
        assert request.decided_by == hr
        submitted, decided = request.application.submitted_at, request.decided_at
        assert submitted is not None and decided is not None
        assert submitted <= decided <= timezone.now()
    assert all(r.reason for r in theirs.filter(status="declined"))
    visible = access.scope_endorsement_requests(hr, EndorsementRequest.objects.all())
    assert set(visible) == set(theirs)


def test_officers_see_a_match_run_and_its_offers_in_each_state(demo: str) -> None:
    """The cycle in its later stages was matched (`match_run_create`) and sent as offers: some pending,
    some accepted, some declined, each from a run, to a candidate recommended or forwarded; those who
    declined were matched again."""
    previous = Cycle.objects.get(fiscal_year=2026)
    runs = list(MatchRun.objects.filter(cycle=previous))
    assert runs and all(run.status == "sent" for run in runs)
    offers = Offer.objects.filter(run__in=runs).select_related("application__applicant")
    assert {o.status for o in offers} == {"pending", "accepted", "declined"}
    assert offers.count() == MatchPair.objects.filter(run__in=runs, kind="recommended").count()
    for offer in offers:
        assert offer.application.status in {"recommended", "forwarded"}
        assert offer.application.applicant.is_synthetic
        assert offer.respond_by is not None and offer.respond_by >= dt.date.fromisoformat(TODAY)
    assert all(o.reason for o in offers.filter(status="declined"))
    assert not Offer.objects.exclude(run__in=runs).exists()
    assert AuditEvent.objects.filter(action="placement.match_run").count() == len(runs)

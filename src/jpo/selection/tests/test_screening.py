"""Bulk screening with jpo.policy: stored criteria and rules version, idempotent re-runs, overrides."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from jpo.accounts.models import AuditEvent
from jpo.applications.models import Application, StatusChange
from jpo.applications.workflow import Status
from jpo.policy import CRITERIA_IDS, rules_version
from jpo.selection.models import Notification, RunStatus, Screening, ScreeningCriterion, ScreeningRun
from jpo.selection.services import screening
from jpo.selection.services.errors import Conflict, SelectionError
from jpo.selection.tests.conftest import AFTER_DEADLINE

pytestmark = pytest.mark.django_db


def test_screening_stores_every_criterion_and_the_rules_version(make_submitted: Any, cycle: Any) -> None:
    a, b = make_submitted(), make_submitted()
    result = screening.cycle_screen(cycle=cycle)
    assert result == {"total": 2, "changed": 2}
    for application in (a, b):
        s = Screening.objects.get(application=application)
        assert s.rules_version == rules_version()
        assert [c.criterion for c in s.criteria.order_by("id")] == list(CRITERIA_IDS)
        experience = s.criteria.get(criterion="experience")
        # FY2026's work-experience rule is unpublished: the engine says so, in both languages.
        assert experience.outcome == "needs_review"
        assert "FY2026" in experience.message_en and experience.message_ja
        assert s.outcome == s.engine_outcome == "needs_review"


def test_rescreening_is_idempotent_and_keeps_overrides(make_submitted: Any, cycle: Any, officer: Any) -> None:
    application = make_submitted()
    screening.cycle_screen(cycle=cycle)
    s = Screening.objects.get(application=application)
    criterion = s.criteria.get(criterion="experience")
    screening.screening_criterion_override(
        criterion=criterion, outcome="passed", reason="checked", actor=officer, expected_version=s.version
    )
    ids = sorted(ScreeningCriterion.objects.values_list("pk", flat=True))
    again = screening.cycle_screen(cycle=cycle)
    assert again == {"total": 1, "changed": 0}
    assert sorted(ScreeningCriterion.objects.values_list("pk", flat=True)) == ids
    s.refresh_from_db()
    assert s.outcome == "eligible"

    # A changed profile is judged again; the officer's override stays.
    Screening.objects.filter(pk=s.pk).update(profile_sha256="stale")
    assert screening.cycle_screen(cycle=cycle)["changed"] == 1
    s.refresh_from_db()
    assert s.outcome == "eligible"
    assert s.criteria.get(criterion="experience").override == "passed"
    assert ScreeningCriterion.objects.count() == len(CRITERIA_IDS)


def test_override_needs_a_reason_and_a_fresh_version(make_submitted: Any, cycle: Any, officer: Any) -> None:
    application = make_submitted()
    screening.cycle_screen(cycle=cycle)
    s = Screening.objects.get(application=application)
    criterion = s.criteria.get(criterion="experience")
    with pytest.raises(SelectionError) as err:
        screening.screening_criterion_override(
            criterion=criterion, outcome="passed", reason="  ", actor=officer, expected_version=s.version
        )
    assert err.value.field == "reason"
    with pytest.raises(SelectionError):
        screening.screening_criterion_override(
            criterion=criterion, outcome="maybe", reason="x", actor=officer, expected_version=s.version
        )
    screening.screening_criterion_override(
        criterion=criterion,
        outcome="failed",
        reason="only 18 months",
        actor=officer,
        expected_version=s.version,
    )
    # A second officer working from the same page (old version) is told, and nothing is overwritten.
    with pytest.raises(Conflict):
        screening.screening_criterion_override(
            criterion=criterion,
            outcome="passed",
            reason="looks fine",
            actor=officer,
            expected_version=s.version,
        )
    criterion.refresh_from_db()
    assert (criterion.override, criterion.override_reason) == ("failed", "only 18 months")
    event = AuditEvent.objects.get(action="selection.criterion_override")
    assert event.data["reason"] == "only 18 months" and event.data["after"] == "failed"


def test_apply_moves_statuses_through_the_workflow_and_emails_the_screened_out(
    make_submitted: Any, cycle: Any, officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ok, out, unsure = make_submitted(), make_submitted(), make_submitted()
    screening.cycle_screen(cycle=cycle)
    for application, outcome in ((ok, "passed"), (out, "failed")):
        s = Screening.objects.get(application=application)
        screening.screening_criterion_override(
            criterion=s.criteria.get(criterion="experience"),
            outcome=outcome,
            reason="checked the CV",
            actor=officer,
            expected_version=s.version,
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = screening.cycle_screening_apply(cycle=cycle, actor=officer)
    assert result == {"total": 2, "changed": 2, "errors": 0}
    for application, status in (
        (ok, Status.ELIGIBLE),
        (out, Status.SCREENED_OUT),
        (unsure, Status.SUBMITTED),
    ):
        application.refresh_from_db()
        assert application.status == status
    change = StatusChange.objects.get(application=out, to_status=Status.SCREENED_OUT)
    assert change.actor == officer and "screening" in change.reason
    assert [m.to for m in mail.outbox] == [[out.applicant.user.email]]
    # Applying again changes nothing.
    assert screening.cycle_screening_apply(cycle=cycle, actor=officer)["changed"] == 0


def test_applying_one_with_a_stale_version_is_refused(make_submitted: Any, cycle: Any, officer: Any) -> None:
    application = make_submitted()
    screening.cycle_screen(cycle=cycle)
    s = Screening.objects.get(application=application)
    screening.screening_criterion_override(
        criterion=s.criteria.get(criterion="experience"),
        outcome="passed",
        reason="ok",
        actor=officer,
        expected_version=s.version,
    )
    read = application.version
    assert screening.screening_apply_one(application=application, actor=officer, expected_version=read)
    application.refresh_from_db()
    s.refresh_from_db()
    screening.screening_criterion_override(
        criterion=s.criteria.get(criterion="experience"),
        outcome="failed",
        reason="second look",
        actor=officer,
        expected_version=s.version,
    )
    with pytest.raises(Conflict):
        screening.screening_apply_one(application=application, actor=officer, expected_version=read)
    application.refresh_from_db()
    assert application.status == Status.ELIGIBLE


def test_run_as_background_task_records_progress(
    make_submitted: Any, cycle: Any, officer: Any, django_capture_on_commit_callbacks: Any, clock: Any
) -> None:
    make_submitted()
    make_submitted()
    clock.set(AFTER_DEADLINE)
    with django_capture_on_commit_callbacks(execute=True):  # the task is queued on commit
        run = screening.screening_run_start(cycle=cycle, actor=officer)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert (run.total, run.processed, run.changed, run.progress_percent) == (2, 2, 2, 100)
    assert run.rules_version == rules_version()
    assert AuditEvent.objects.filter(action="selection.screen_done").count() == 1


def test_a_second_run_while_one_is_open_is_refused(cycle: Any, officer: Any) -> None:
    ScreeningRun.objects.create(cycle=cycle, started_by=officer, status=RunStatus.RUNNING)
    with pytest.raises(Conflict):
        screening.screening_run_start(cycle=cycle, actor=officer)
    assert ScreeningRun.objects.count() == 1


def test_a_run_whose_worker_was_killed_is_marked_failed_and_a_new_run_is_allowed(
    make_submitted: Any, clock: Any, cycle: Any, officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import datetime as dt

    from jpo.leases import LEASE

    make_submitted()
    # A worker took the run, beat once, then was killed (kill -9): the run says "running" for ever.
    clock.set(AFTER_DEADLINE)
    dead = ScreeningRun.objects.create(
        cycle=cycle,
        started_by=officer,
        status=RunStatus.RUNNING,
        started_at=clock.now - LEASE,
        heartbeat_at=clock.now - LEASE - dt.timedelta(seconds=1),
        total=1,
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = screening.screening_run_start(cycle=cycle, actor=officer)
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED and dead.finished_at == clock.now
    assert "stopped before finishing" in dead.error
    assert AuditEvent.objects.filter(action="selection.screen_expired").count() == 1
    run.refresh_from_db()
    assert (run.status, run.total, run.processed) == (RunStatus.DONE, 1, 1)
    assert run.heartbeat_at is not None
    # The killed run's task, if the queue ever hands it out again, leaves it alone.
    assert screening.screening_run_execute(run_id=dead.pk).status == RunStatus.FAILED


def test_a_run_with_a_recent_heartbeat_still_blocks_a_second_run(
    clock: Any, cycle: Any, officer: Any
) -> None:
    import datetime as dt

    from jpo.leases import LEASE

    clock.set(AFTER_DEADLINE)
    ScreeningRun.objects.create(
        cycle=cycle,
        started_by=officer,
        status=RunStatus.RUNNING,
        heartbeat_at=clock.now - LEASE + dt.timedelta(seconds=1),
    )
    with pytest.raises(Conflict):
        screening.screening_run_start(cycle=cycle, actor=officer)
    assert ScreeningRun.objects.get().status == RunStatus.RUNNING


def test_a_run_queued_for_longer_than_the_grace_is_failed(clock: Any, cycle: Any, officer: Any) -> None:
    import datetime as dt

    from jpo.leases import QUEUED_GRACE

    clock.set(AFTER_DEADLINE)
    queued = ScreeningRun.objects.create(cycle=cycle, started_by=officer)
    ScreeningRun.objects.filter(pk=queued.pk).update(
        created_at=clock.now - QUEUED_GRACE - dt.timedelta(seconds=1)
    )
    screening.screening_run_start(cycle=cycle, actor=officer)
    queued.refresh_from_db()
    assert queued.status == RunStatus.FAILED
    assert ScreeningRun.objects.filter(status=RunStatus.PENDING).count() == 1


def test_a_worker_whose_run_was_failed_meanwhile_stops_without_finishing_it(
    make_submitted: Any, clock: Any, cycle: Any, officer: Any
) -> None:
    from jpo.leases import LeaseLost

    make_submitted()
    run = ScreeningRun.objects.create(
        cycle=cycle, started_by=officer, status=RunStatus.FAILED, error="expired"
    )
    with pytest.raises(LeaseLost):
        screening.cycle_screen(cycle=cycle, run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.error == "expired"


def _override_all(cycle: Any, officer: Any, outcome: str) -> None:
    for s in Screening.objects.filter(application__cycle=cycle).prefetch_related("criteria"):
        for c in s.criteria.all():
            if c.outcome == "needs_review":
                s = screening.screening_criterion_override(
                    criterion=c, outcome=outcome, reason="checked", actor=officer, expected_version=s.version
                )


def test_apply_is_set_based_its_queries_do_not_grow_and_every_move_is_audited(
    make_submitted: Any, cycle: Any, officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run(n: int, outcome: str) -> int:
        for _ in range(n):
            make_submitted()
        screening.cycle_screen(cycle=cycle)
        _override_all(cycle, officer, outcome)
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=False):
            screening.cycle_screening_apply(cycle=cycle, actor=officer)
        return len(queries)

    few = run(2, "failed")
    many = run(6, "failed")
    assert many == few  # the same statements for 6 as for 2 applications
    moved = Application.objects.filter(cycle=cycle, status=Status.SCREENED_OUT)
    assert moved.count() == 8
    events = AuditEvent.objects.filter(action="application.transition", data__to=Status.SCREENED_OUT)
    assert sorted(int(e.target_id) for e in events) == sorted(moved.values_list("pk", flat=True))
    assert StatusChange.objects.filter(to_status=Status.SCREENED_OUT, actor=officer).count() == 8
    assert (
        Notification.objects.filter(status_reached=Status.SCREENED_OUT, email__state="pending").count() == 8
    )
    assert all(a.version >= 2 for a in moved)


def test_bulk_moves_obey_the_workflow_table_and_report_the_refused(
    make_submitted: Any, cycle: Any, officer: Any
) -> None:
    from jpo.applications.services import applications_transition_bulk

    a, b = make_submitted(), make_submitted()
    Application.objects.filter(pk=b.pk).update(status=Status.WITHDRAWN)
    result = applications_transition_bulk(ids=[a.pk, b.pk], to=Status.ELIGIBLE, actor=officer, reasons="bulk")
    assert list(result.moved) == [a.pk] and list(result.refused) == [b.pk]
    assert "Withdrawn" in result.refused[b.pk] or "取り下げ" in result.refused[b.pk]
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == (Status.ELIGIBLE, Status.WITHDRAWN)
    # A track-only move is refused outside its track: interviews belong to the MOFA track.
    org = make_submitted(track="organization")
    Application.objects.filter(pk=org.pk).update(status=Status.SHORTLISTED)
    refused = applications_transition_bulk(ids=[org.pk], to=Status.INTERVIEW, actor=officer, reasons="x")
    assert refused.moved == {} and org.pk in refused.refused
    assert not StatusChange.objects.filter(application=org, to_status=Status.INTERVIEW).exists()


def test_apply_reports_its_progress_on_the_run_chunk_by_chunk(
    make_submitted: Any, cycle: Any, officer: Any
) -> None:
    a, b = make_submitted(), make_submitted()
    screening.cycle_screen(cycle=cycle)
    _override_all(cycle, officer, "passed")
    Application.objects.filter(pk=b.pk).update(status=Status.SCREENED_OUT)  # screened out → eligible: allowed
    run = ScreeningRun.objects.create(cycle=cycle, kind=ScreeningRun.Kind.APPLY, started_by=officer)
    result = screening.cycle_screening_apply(cycle=cycle, actor=officer, run=run, chunk_size=1)
    assert result["changed"] == 2
    assert set(Application.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True)) == {
        "eligible"
    }
    run.refresh_from_db()
    assert (run.processed, run.total, run.changed) == (2, 2, 2)


def test_cli_screens_and_applies_with_progress_and_refuses_bad_input(
    make_submitted: Any, cycle: Any, officer: Any, clock: Any
) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    a = make_submitted()
    with pytest.raises(CommandError) as early:  # the window is open: screening waits for it to close
        call_command("screening", "2026")
    assert early.value.returncode == 2 and not ScreeningRun.objects.exists()
    out = StringIO()
    call_command("screening", "2026", "--force-reason", "check the rules early", stdout=out)
    assert "1 / 1 (100%)" in out.getvalue() and "done: 1 of 1" in out.getvalue()
    clock.set(AFTER_DEADLINE)
    _override_all(cycle, officer, "passed")
    out = StringIO()
    call_command("screening", "2026", "--apply", "--actor", "officer", stdout=out)
    assert "apply FY2026: 1 / 1" in out.getvalue()
    a.refresh_from_db()
    assert a.status == Status.ELIGIBLE
    assert ScreeningRun.objects.filter(status=RunStatus.DONE).count() == 2
    for bad in (["1999"], ["2026", "--actor", "nobody"]):
        with pytest.raises(CommandError) as error:
            call_command("screening", *bad)
        assert error.value.returncode == 2


def test_screening_only_some_and_the_officers_bulk_check_of_what_needs_review(
    make_submitted: Any, cycle: Any, officer: Any
) -> None:
    a, b = make_submitted(), make_submitted()
    assert screening.cycle_screen(cycle=cycle, only=[a.pk]) == {"total": 1, "changed": 1}
    assert not Screening.objects.filter(application=b).exists()
    with pytest.raises(SelectionError) as err:
        screening.screenings_override_bulk(
            application_ids=[a.pk], outcomes=["needs_review"], to="passed", reason=" ", actor=officer
        )
    assert err.value.field == "reason"
    changed = screening.screenings_override_bulk(
        application_ids=[a.pk],
        outcomes=["needs_review"],
        to="passed",
        reason="declared 30 months",
        actor=officer,
    )
    s = Screening.objects.get(application=a)
    assert changed == 1 and s.outcome == "eligible" and s.engine_outcome == "needs_review" and s.version == 2
    experience = s.criteria.get(criterion="experience")
    assert (experience.override, experience.override_reason, experience.override_by) == (
        "passed",
        "declared 30 months",
        officer,
    )
    assert AuditEvent.objects.filter(action="selection.criterion_override", target_id=str(a.pk)).count() == 1
    # Nothing left to check: nothing changes. Past screening: refused, as one override is.
    assert (
        screening.screenings_override_bulk(
            application_ids=[a.pk], outcomes=["needs_review"], to="passed", reason="again", actor=officer
        )
        == 0
    )
    Application.objects.filter(pk=a.pk).update(status=Status.UNDER_REVIEW)
    with pytest.raises(SelectionError):
        screening.screenings_override_bulk(
            application_ids=[a.pk], outcomes=["failed"], to="passed", reason="x", actor=officer
        )


def test_stored_criteria_are_the_rules_own_answers_and_a_refused_profile_is_named(
    make_submitted: Any, cycle: Any
) -> None:
    """The bulk path reads profiles already parsed: what it stores is, word for word, what `evaluate`
    answers for the profile as read; a stored value the contract refuses is reported as the rules
    word it, with no criterion rows."""
    from jpo.applications.models import Degree
    from jpo.applications.selectors import application_profiles
    from jpo.policy import evaluate

    good, refused = make_submitted(), make_submitted()
    Degree.objects.filter(application=refused).update(level="diploma")
    screening.cycle_screen(cycle=cycle)
    profile = application_profiles([good.pk])[good.pk]
    expected = [
        (c.id, c.outcome, c.message["en"], c.message["ja"]) for c in evaluate(profile, cycle.code).criteria
    ]
    stored = Screening.objects.get(application=good)
    assert [
        (c.criterion, c.outcome, c.message_en, c.message_ja) for c in stored.criteria.order_by("id")
    ] == expected
    bad = Screening.objects.get(application=refused)
    assert bad.error == "degrees[0].level: not one of bachelor, master, doctorate ('diploma')"
    assert bad.outcome == "needs_review" and not bad.criteria.exists()

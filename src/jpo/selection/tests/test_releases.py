"""Results released together: decisions prepared in bulk, invisible until a release runs at its time,
one e-mail per candidate recorded with its decision, a release cancelled before its time."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jpo.accounts.models import AuditEvent, Role, User
from jpo.applications.models import Applicant, Application
from jpo.applications.services import application_transition
from jpo.applications.workflow import Status
from jpo.outbox.models import Email, EmailState
from jpo.placement.tests import factories
from jpo.programme.models import Cycle, Track
from jpo.selection.models import (
    Interview,
    InterviewScore,
    InterviewSlot,
    Notification,
    PreparedDecision,
    PreparedState,
    Release,
    ReleaseStatus,
)
from jpo.selection.services import releases
from jpo.selection.services.errors import Conflict, SelectionError

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def interviewed(
    cycle: Cycle, *, n: int, officer: User, panel: User, scored: bool = True, slot: bool = True
) -> list[Application]:
    """`n` MOFA-track applications at the interview stage (moved by the real workflow), each interviewed
    in a past slot and scored by `panel` unless `scored` is False (no slot at all if `slot` is False)."""
    rows = []
    for _ in range(n):
        k = factories._next()
        user = User.objects.create_user(
            username=f"cand{k}",
            email=f"cand{k}@example.jp",
            password="a-long-test-password",
            role=Role.APPLICANT,
        )
        applicant = Applicant.objects.create(
            user=user,
            family_name="山田",
            given_name=f"花子{k}",
            birth_date=dt.date(1995, 5, 1),
            email=user.email,
            nationalities=["JP"],
        )
        application = Application.objects.create(
            applicant=applicant,
            cycle=cycle,
            track=Track.objects.get(cycle=cycle, kind="mofa"),
            receipt_number=f"JPO-{cycle.fiscal_year}-{k:06d}",
        )
        for step in (
            Status.SUBMITTED,
            Status.ELIGIBLE,
            Status.UNDER_REVIEW,
            Status.SHORTLISTED,
            Status.INTERVIEW,
        ):
            application_transition(application=application, to=step, actor=officer)
        if not slot:
            rows.append(application)
            continue
        start = timezone.now() - dt.timedelta(days=2, minutes=k)
        past = InterviewSlot.objects.create(
            cycle=cycle, starts_at=start, ends_at=start + dt.timedelta(minutes=30)
        )
        past.panel.add(panel)
        interview = Interview.objects.create(application=application, slot=past, written_task_score=70)
        if scored:
            InterviewScore.objects.create(interview=interview, interviewer=panel, score=4)
        rows.append(application)
    return rows


@pytest.fixture
def world(make_user: Any) -> dict[str, Any]:
    officer = make_user(Role.OFFICER, username="officer", is_staff=True)
    panel = make_user(Role.REVIEWER, username="panel")
    cycle = factories.cycle(2025)
    return {"officer": officer, "panel": panel, "cycle": cycle}


def prepare(
    world: dict[str, Any], apps: list[Application], decision: str, reason: str = "panel's view"
) -> int:
    return releases.decisions_prepare(
        cycle=world["cycle"],
        actor=world["officer"],
        decision=decision,
        reason=reason,
        applications=Application.objects.filter(pk__in=[a.pk for a in apps]),
    )


def owner(application: Application) -> User:
    user = application.applicant.user
    assert user is not None
    return user


def receipt(application: Application) -> str:
    return str(application.receipt_number)


def portal_status(application: Application) -> str:
    client = Client()
    client.force_login(owner(application))
    html = client.get(reverse("portal:status", args=[application.pk])).content.decode()
    match = re.search(r'<strong id="status">([^<]*)</strong>', html)
    assert match, html[:500]
    return match.group(1)


def test_nothing_leaves_before_the_release_time_then_one_email_per_candidate(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    a, b, c = interviewed(world["cycle"], n=3, officer=world["officer"], panel=world["panel"])
    assert prepare(world, [a, b], Status.PASSED, "strong interview") == 2
    assert prepare(world, [c], Status.NOT_PASSED, "below the panel's bar") == 1
    now = timezone.now()
    release = releases.release_schedule(
        cycle=world["cycle"], actor=world["officer"], release_at=now + HOUR, now=now
    )
    assert release.total == 3
    mail.outbox.clear()

    # Before its time: the task (run early, e.g. by a backend that cannot wait) does nothing.
    with django_capture_on_commit_callbacks(execute=True):
        early = releases.release_execute(release_id=release.pk, now=now + HOUR - dt.timedelta(seconds=1))
    assert early.status == ReleaseStatus.SCHEDULED
    assert not Notification.objects.exists() and not Email.objects.exists() and mail.outbox == []
    assert {x.status for x in Application.objects.filter(pk__in=[a.pk, b.pk, c.pk])} == {Status.INTERVIEW}
    # Prepared but unreleased decisions are invisible to the applicant.
    assert portal_status(a) == str(Status.INTERVIEW.label)

    # At its time: one e-mail per candidate, each recorded with its decision.
    with django_capture_on_commit_callbacks(execute=True):
        done = releases.release_execute(release_id=release.pk, now=now + HOUR)
    assert (done.status, done.processed, done.released, done.refused) == (ReleaseStatus.DONE, 3, 3, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(owner(x).email for x in (a, b, c))
    items = {i.application_id: i for i in PreparedDecision.objects.filter(release=release)}
    for application, decision in ((a, Status.PASSED), (b, Status.PASSED), (c, Status.NOT_PASSED)):
        application.refresh_from_db()
        assert application.status == decision
        item = items[application.pk]
        assert item.state == PreparedState.RELEASED and item.notification is not None
        assert item.notification.application_id == application.pk
        assert item.notification.status_reached == decision
        assert item.notification.email.recipient == owner(application).email
        assert item.notification.email.state == EmailState.SENT
        change = application.status_changes.get(to_status=decision)
        assert change.actor == world["officer"]
    assert portal_status(a) == str(Status.PASSED.label)
    assert AuditEvent.objects.filter(action="selection.release_done", target_id=str(release.pk)).exists()

    # Run again (a retried task): nothing more is sent.
    with django_capture_on_commit_callbacks(execute=True):
        releases.release_execute(release_id=release.pk, now=now + 2 * HOUR)
    assert Notification.objects.count() == 3 and Email.objects.count() == 3 and len(mail.outbox) == 3


def test_the_release_is_queued_to_run_at_its_time(
    world: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from jpo.selection.services.releases import release_run_task

    backend = release_run_task.get_backend()
    backend.clear()  # type: ignore[attr-defined]
    (a,) = interviewed(world["cycle"], n=1, officer=world["officer"], panel=world["panel"])
    prepare(world, [a], Status.PASSED)
    at = timezone.now() + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        release = releases.release_schedule(cycle=world["cycle"], actor=world["officer"], release_at=at)
    (queued,) = backend.results  # type: ignore[attr-defined]
    assert queued.task.run_after == at and queued.args == [release.pk]


def test_a_release_can_be_cancelled_before_its_time(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    a, b = interviewed(world["cycle"], n=2, officer=world["officer"], panel=world["panel"])
    prepare(world, [a, b], Status.PASSED)
    now = timezone.now()
    release = releases.release_schedule(
        cycle=world["cycle"], actor=world["officer"], release_at=now + HOUR, now=now
    )
    with pytest.raises(SelectionError) as no_reason:
        releases.release_cancel(release=release, actor=world["officer"], reason=" ")
    assert no_reason.value.field == "reason"
    releases.release_cancel(release=release, actor=world["officer"], reason="wrong date")
    release.refresh_from_db()
    assert release.status == ReleaseStatus.CANCELLED and release.cancel_reason == "wrong date"
    # Its decisions are prepared again, unscheduled; the cancelled release never runs.
    assert set(PreparedDecision.objects.values_list("state", "release")) == {(PreparedState.PREPARED, None)}
    with django_capture_on_commit_callbacks(execute=True):
        releases.release_execute(release_id=release.pk, now=now + 2 * HOUR)
        releases.releases_due(now=now + 2 * HOUR)
    assert not Notification.objects.exists() and mail.outbox == []
    a.refresh_from_db()
    assert a.status == Status.INTERVIEW
    with pytest.raises(Conflict):
        releases.release_cancel(release=release, actor=world["officer"], reason="again")

    # Scheduled again, run by the sweep once due; a released batch can no longer be cancelled.
    again = releases.release_schedule(
        cycle=world["cycle"], actor=world["officer"], release_at=now + HOUR, now=now
    )
    with django_capture_on_commit_callbacks(execute=True):
        releases.releases_due(now=now + HOUR)
    again.refresh_from_db()
    assert again.status == ReleaseStatus.DONE and again.released == 2
    with pytest.raises(Conflict):
        releases.release_cancel(release=again, actor=world["officer"], reason="too late")


def test_preparing_refuses_what_cannot_be_decided_and_writes_nothing(world: dict[str, Any]) -> None:
    a, b = interviewed(world["cycle"], n=2, officer=world["officer"], panel=world["panel"])
    with pytest.raises(SelectionError) as no_decision:
        prepare(world, [a], "")
    assert no_decision.value.field == "decision"
    with pytest.raises(SelectionError) as other:
        prepare(world, [a], Status.WITHDRAWN)
    assert other.value.field == "decision"
    with pytest.raises(SelectionError) as no_reason:
        prepare(world, [a], Status.PASSED, reason="  ")
    assert no_reason.value.field == "reason"
    # Recommended only follows passed: both are named, nothing is prepared.
    with pytest.raises(SelectionError) as wrong:
        prepare(world, [a, b], Status.RECOMMENDED)
    assert receipt(a) in wrong.value.message and receipt(b) in wrong.value.message
    with pytest.raises(SelectionError):
        prepare(world, [], Status.PASSED)
    assert not PreparedDecision.objects.exists()

    # Preparing again replaces the earlier decision (one per application).
    prepare(world, [a], Status.PASSED)
    prepare(world, [a], Status.NOT_PASSED, reason="second thoughts")
    row = PreparedDecision.objects.get()
    assert (row.decision, row.reason) == (Status.NOT_PASSED, "second thoughts")
    # Once scheduled it cannot change, nor be withdrawn, until the release is cancelled.
    now = timezone.now()
    releases.release_schedule(cycle=world["cycle"], actor=world["officer"], release_at=now + HOUR, now=now)
    with pytest.raises(Conflict):
        prepare(world, [a], Status.PASSED)
    with pytest.raises(SelectionError):
        releases.decisions_discard(
            cycle=world["cycle"], actor=world["officer"], applications=Application.objects.filter(pk=a.pk)
        )
    # Nothing to schedule now, and a release time in the past is refused.
    with pytest.raises(SelectionError):
        releases.release_schedule(
            cycle=world["cycle"], actor=world["officer"], release_at=now + HOUR, now=now
        )
    prepare(world, [b], Status.PASSED)
    with pytest.raises(SelectionError) as past:
        releases.release_schedule(
            cycle=world["cycle"], actor=world["officer"], release_at=now - HOUR, now=now
        )
    assert past.value.field == "release_at"


def test_a_decision_that_no_longer_applies_is_refused_at_release_and_the_others_go(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    a, b = interviewed(world["cycle"], n=2, officer=world["officer"], panel=world["panel"])
    prepare(world, [a, b], Status.PASSED)
    now = timezone.now()
    release = releases.release_schedule(
        cycle=world["cycle"], actor=world["officer"], release_at=now + HOUR, now=now
    )
    application_transition(application=b, to=Status.WITHDRAWN, actor=owner(b))
    with django_capture_on_commit_callbacks(execute=True):
        done = releases.release_execute(release_id=release.pk, now=now + HOUR)
    assert (done.status, done.released, done.refused) == (ReleaseStatus.DONE, 1, 1)
    refused = PreparedDecision.objects.get(application=b)
    assert refused.state == PreparedState.REFUSED and refused.error and refused.notification is None
    assert [m.to[0] for m in mail.outbox] == [owner(a).email]


def test_a_release_whose_worker_died_fails_and_returns_its_decisions(world: dict[str, Any]) -> None:
    (a,) = interviewed(world["cycle"], n=1, officer=world["officer"], panel=world["panel"])
    prepare(world, [a], Status.PASSED)
    now = timezone.now()
    release = releases.release_schedule(
        cycle=world["cycle"], actor=world["officer"], release_at=now + HOUR, now=now
    )
    Release.objects.filter(pk=release.pk).update(status=ReleaseStatus.RUNNING, heartbeat_at=now + HOUR)
    assert releases.releases_expire(now=now + 2 * HOUR) == 1
    release.refresh_from_db()
    assert release.status == ReleaseStatus.FAILED and "worker" in release.error
    assert PreparedDecision.objects.get().release is None


# --- The pages ------------------------------------------------------------------------------------


@pytest.fixture
def officer_client(world: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(world["officer"])
    return client


def test_the_officer_prepares_all_matching_a_filter_and_schedules_in_japan_time(
    world: dict[str, Any], officer_client: Client
) -> None:
    scored = interviewed(world["cycle"], n=3, officer=world["officer"], panel=world["panel"])
    unscored = interviewed(world["cycle"], n=2, officer=world["officer"], panel=world["panel"], scored=False)
    url = reverse("selection:results", args=[world["cycle"].fiscal_year])
    page = officer_client.get(url, {"scored": "yes"})
    assert page.status_code == 200
    html = page.content.decode()
    assert all(receipt(a) in html for a in scored) and not any(receipt(a) in html for a in unscored)

    # No decision chosen: refused, nothing prepared (the form has no default).
    response = officer_client.post(
        url, {"action": "prepare_all", "scored": "yes", "decision": "", "reason": "x"}
    )
    assert response.status_code == 400 and not PreparedDecision.objects.exists()
    assert '<option value="">' in response.content.decode()

    response = officer_client.post(
        url, {"action": "prepare_all", "scored": "yes", "decision": "passed", "reason": "top of the panel"}
    )
    assert response.status_code == 302
    assert set(PreparedDecision.objects.values_list("application_id", flat=True)) == {a.pk for a in scored}
    response = officer_client.post(
        url, {"action": "prepare", "applications": [unscored[0].pk], "decision": "not_passed", "reason": "no"}
    )
    assert response.status_code == 302 and PreparedDecision.objects.count() == 4
    response = officer_client.post(url, {"action": "discard", "applications": [unscored[0].pk]})
    assert response.status_code == 302 and PreparedDecision.objects.count() == 3
    response = officer_client.post(url, {"action": "prepare", "applications": ["x"], "decision": "passed"})
    assert response.status_code == 400

    schedule = reverse("selection:release_schedule", args=[world["cycle"].fiscal_year])
    response = officer_client.post(schedule, {"release_at": "2020-01-01T10:00"})
    assert response.status_code == 400 and "future" in response.content.decode()
    assert not Release.objects.exists()
    year = timezone.now().year + 1
    response = officer_client.post(schedule, {"release_at": f"{year}-06-01T10:00"})
    release = Release.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "selection:release_detail", args=[release.pk]
    )
    assert release.release_at == dt.datetime(year, 6, 1, 1, 0, tzinfo=dt.UTC)  # 10:00 JST
    detail = officer_client.get(response["Location"]).content.decode()
    assert all(receipt(a) in detail for a in scored)

    response = officer_client.post(reverse("selection:release_cancel", args=[release.pk]), {"reason": ""})
    assert response.status_code == 400
    response = officer_client.post(
        reverse("selection:release_cancel", args=[release.pk]), {"reason": "board moved"}
    )
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.status == ReleaseStatus.CANCELLED
    progress = officer_client.get(reverse("selection:release_progress", args=[release.pk]))
    assert progress.status_code == 200


def test_the_sweep_command_runs_due_releases(world: dict[str, Any], capsys: Any) -> None:
    (a,) = interviewed(world["cycle"], n=1, officer=world["officer"], panel=world["panel"])
    prepare(world, [a], Status.PASSED)
    now = timezone.now()
    release = releases.release_schedule(
        cycle=world["cycle"], actor=world["officer"], release_at=now + dt.timedelta(seconds=1), now=now
    )
    Release.objects.filter(pk=release.pk).update(release_at=now - dt.timedelta(seconds=1))
    call_command("releases_due")
    assert "releases=1 released=1" in capsys.readouterr().out


@pytest.mark.parametrize("rows", [10, 1000])
def test_the_preparation_page_reads_in_constant_queries(
    world: dict[str, Any], officer_client: Client, rows: int, django_assert_max_num_queries: Any
) -> None:
    cycle = world["cycle"]
    track = Track.objects.get(cycle=cycle, kind="mofa")
    applicants = Applicant.objects.bulk_create(
        Applicant(
            family_name="田中", given_name=f"{i}", birth_date=dt.date(1995, 1, 1), email=f"p{i}@example.jp"
        )
        for i in range(rows)
    )
    apps = Application.objects.bulk_create(
        Application(
            applicant=p,
            cycle=cycle,
            track=track,
            status=Status.INTERVIEW,
            receipt_number=f"R{i:05d}",
            submitted_at=timezone.now(),
        )
        for i, p in enumerate(applicants)
    )
    PreparedDecision.objects.bulk_create(
        PreparedDecision(application=a, decision=Status.PASSED, reason="r", prepared_at=timezone.now())
        for a in apps[::2]
    )
    url = reverse("selection:results", args=[cycle.fiscal_year])
    officer_client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(14):
        response = officer_client.get(url)
    assert response.status_code == 200
    assert f"{rows} applications match" in response.content.decode()

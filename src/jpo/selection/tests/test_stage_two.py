"""Stage two in both tracks, from the shortlist to the final list, every step through the workflow."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from jpo.accounts.models import AuditEvent, Role
from jpo.applications.models import StatusChange
from jpo.applications.workflow import Status
from jpo.programme.models import Organization
from jpo.selection.models import Interview, InterviewScore
from jpo.selection.services import stage_two
from jpo.selection.services.errors import Conflict, NotAllowed, SelectionError
from jpo.selection.tests.conftest import jst, shortlist_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_tracks(
    make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any, clock: Any
) -> dict[str, Any]:
    mofa = make_submitted(language="ja")
    mofa2 = make_submitted()
    org = make_submitted(track="organization")
    (reviewer,) = make_reviewers(1)
    shortlist_all(cycle, officer, reviewer, clock)
    return {"mofa": mofa, "mofa2": mofa2, "org": org, "reviewer": reviewer}


def test_a_cycle_runs_to_the_final_list_in_both_tracks(
    two_tracks: dict[str, Any],
    cycle: Any,
    officer: Any,
    make_user: Any,
    clock: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    mofa, mofa2, org, reviewer = (
        two_tracks["mofa"],
        two_tracks["mofa2"],
        two_tracks["org"],
        two_tracks["reviewer"],
    )
    undp = Organization.objects.get(code="UNDP")
    focal = make_user(Role.FOCAL_POINT, organization=undp)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert stage_two.stage_two_invite(cycle=cycle, actor=officer) == 2
        forwarded, left = stage_two.cycle_forward_shortlisted(cycle=cycle, actor=officer)
    assert (forwarded, left) == (1, [])
    org.refresh_from_db()
    assert org.status == Status.FORWARDED and org.forwarded_to == undp
    # Invitations in each applicant's language (mofa signed up in Japanese).
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "面接日時" in subjects[mofa.applicant.user.email]
    assert "choose your interview time" in subjects[mofa2.applicant.user.email]
    assert "UNDP" in subjects[org.applicant.user.email]

    slot = stage_two.slot_create(
        cycle=cycle,
        actor=officer,
        starts_at=jst(2026, 5, 20, 10),
        ends_at=jst(2026, 5, 20, 10, 45),
        meeting_url="https://meet.example.jp/jpo-1",
        panel=[reviewer],
    )
    slot2 = stage_two.slot_create(
        cycle=cycle,
        actor=officer,
        starts_at=jst(2026, 5, 20, 11),
        ends_at=jst(2026, 5, 20, 11, 45),
        meeting_url="",
        panel=[reviewer],
    )
    stage_two.slot_confirm(application=mofa, user=mofa.applicant.user, slot=slot, now=clock.now)
    with pytest.raises(Conflict):
        stage_two.slot_confirm(application=mofa2, user=mofa2.applicant.user, slot=slot, now=clock.now)
    with pytest.raises(NotAllowed):
        stage_two.slot_confirm(application=mofa2, user=mofa.applicant.user, slot=slot2, now=clock.now)
    stage_two.slot_confirm(application=mofa2, user=mofa2.applicant.user, slot=slot2, now=clock.now)

    interview, interview2 = Interview.objects.get(application=mofa), Interview.objects.get(application=mofa2)
    stage_two.written_task_record(interview=interview, actor=officer, score="82")
    with pytest.raises(SelectionError):
        stage_two.written_task_record(interview=interview2, actor=officer, score="101")
    # Nine days before the slot: no score yet (the panel has not met the candidate).
    clock.set(jst(2026, 5, 11, 10))
    with pytest.raises(SelectionError, match="2026-05-20 10:00"):
        stage_two.interview_score_submit(interview_id=interview.pk, interviewer=reviewer, score="4")
    clock.set(jst(2026, 5, 20, 12))
    for bad in ("0", "6", "x"):
        with pytest.raises(SelectionError):
            stage_two.interview_score_submit(interview_id=interview.pk, interviewer=reviewer, score=bad)
    stage_two.interview_score_submit(interview_id=interview.pk, interviewer=reviewer, score="4")
    stage_two.interview_score_submit(interview_id=interview2.pk, interviewer=reviewer, score="2")
    with pytest.raises(Conflict):
        stage_two.interview_score_submit(interview_id=interview.pk, interviewer=reviewer, score="5")
    assert InterviewScore.objects.count() == 2

    from jpo.selection.selectors import final_list

    assert [i.application_id for i in final_list(cycle=cycle)] == [mofa.pk, mofa2.pk]
    with django_capture_on_commit_callbacks(execute=True):
        mofa.refresh_from_db()
        stage_two.final_decide(
            application=mofa, actor=officer, to=Status.PASSED, reason="", expected_version=mofa.version
        )
        mofa.refresh_from_db()
        stage_two.final_decide(
            application=mofa, actor=officer, to=Status.RECOMMENDED, reason="", expected_version=mofa.version
        )
        mofa2.refresh_from_db()
        stage_two.final_decide(
            application=mofa2,
            actor=officer,
            to=Status.NOT_PASSED,
            reason="panel",
            expected_version=mofa2.version,
        )
        org.refresh_from_db()
        stage_two.focal_decide(
            application=org,
            actor=focal,
            to=Status.SELECTED,
            reason="UNDP panel 2026-08",
            expected_version=org.version,
        )
    for application, status in (
        (mofa, Status.RECOMMENDED),
        (mofa2, Status.NOT_PASSED),
        (org, Status.SELECTED),
    ):
        application.refresh_from_db()
        assert application.status == status
    # Every step is in the status history with its actor, and audited.
    path = list(StatusChange.objects.filter(application=org).values_list("to_status", flat=True))
    assert path == ["submitted", "eligible", "under_review", "shortlisted", "forwarded", "selected"]
    assert StatusChange.objects.get(application=org, to_status="selected").actor == focal
    assert AuditEvent.objects.filter(action="application.transition").count() == StatusChange.objects.count()


def test_two_officers_deciding_at_once_the_second_is_told(
    two_tracks: dict[str, Any], cycle: Any, officer: Any, make_user: Any
) -> None:
    other = make_user(Role.OFFICER, username="officer2")
    stage_two.stage_two_invite(cycle=cycle, actor=officer)
    mofa = two_tracks["mofa"]
    mofa.refresh_from_db()
    seen = mofa.version  # both officers opened the final list at this version
    stage_two.final_decide(
        application=mofa, actor=officer, to=Status.NOT_PASSED, reason="", expected_version=seen
    )
    with pytest.raises(Conflict) as err:
        stage_two.final_decide(
            application=mofa, actor=other, to=Status.NOT_PASSED, reason="", expected_version=seen
        )
    assert err.value.status_code == 409 and str(seen) in err.value.message
    mofa.refresh_from_db()
    assert mofa.status == Status.NOT_PASSED


def test_focal_points_decide_only_for_their_organization(
    two_tracks: dict[str, Any], cycle: Any, officer: Any, make_user: Any
) -> None:
    stage_two.cycle_forward_shortlisted(cycle=cycle, actor=officer)
    wfp = make_user(Role.FOCAL_POINT, organization=Organization.objects.get(code="WFP"))
    org = two_tracks["org"]
    org.refresh_from_db()
    with pytest.raises(NotAllowed):
        stage_two.focal_decide(
            application=org, actor=wfp, to=Status.SELECTED, reason="x", expected_version=org.version
        )
    org.refresh_from_db()
    assert org.status == Status.FORWARDED


def test_forwarding_only_to_an_organization_of_the_track(two_tracks: dict[str, Any], officer: Any) -> None:
    org = two_tracks["org"]
    org.refresh_from_db()
    with pytest.raises(SelectionError) as err:
        stage_two.application_forward(
            application=org,
            organization=Organization.objects.get(code="WFP"),
            actor=officer,
            expected_version=org.version,
        )
    assert err.value.field == "organization"
    mofa = two_tracks["mofa"]
    with pytest.raises(SelectionError):
        stage_two.application_forward(
            application=mofa,
            organization=Organization.objects.get(code="UNDP"),
            actor=officer,
            expected_version=None,
        )


def test_slots_refuse_bad_times_and_panels(cycle: Any, officer: Any, make_user: Any) -> None:
    reviewer = make_user(Role.REVIEWER)
    start = jst(2026, 5, 20, 10)
    with pytest.raises(SelectionError) as err:
        stage_two.slot_create(
            cycle=cycle, actor=officer, starts_at=start, ends_at=start, meeting_url="", panel=[reviewer]
        )
    assert err.value.field == "ends_at"
    with pytest.raises(SelectionError) as err:
        stage_two.slot_create(
            cycle=cycle,
            actor=officer,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            meeting_url="",
            panel=[officer],
        )
    assert err.value.field == "panel"


def test_the_officer_forwards_ticked_candidates_or_every_match_to_one_organization(
    make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any, clock: Any, client: Any
) -> None:
    from django.urls import reverse

    first = make_submitted(track="organization")
    second = make_submitted(track="organization")
    third = make_submitted(track="organization")
    mofa = make_submitted()
    (reviewer,) = make_reviewers(1)
    shortlist_all(cycle, officer, reviewer, clock)
    undp = Organization.objects.get(code="UNDP")
    client.force_login(officer)
    page = client.get(reverse("selection:stage_two", args=[cycle.fiscal_year])).content.decode()
    assert page.count('name="f-ids"') == 3  # one tick per shortlisted candidate, no select per row
    url = reverse("selection:forward_all", args=[cycle.fiscal_year])
    # Nothing ticked, a malformed tick, or no organization: refused, nothing forwarded.
    assert client.post(url, {"organization": undp.pk}).status_code == 400
    assert client.post(url, {"organization": undp.pk, "f-ids": ["x"]}).status_code == 400
    assert client.post(url, {"organization": "", "f-ids": [first.pk]}).status_code == 400
    assert (
        client.post(url, {"organization": undp.pk, "f-ids": [mofa.pk]}).status_code == 400
    )  # not this track
    assert not type(first).objects.filter(status=Status.FORWARDED).exists()
    assert client.post(url, {"organization": undp.pk, "f-ids": [first.pk]}).status_code == 302
    first.refresh_from_db()
    assert (first.status, first.forwarded_to) == (Status.FORWARDED, undp)
    # Every candidate matching the filter (here: a search for one receipt number) and only those.
    response = client.post(
        url, {"organization": undp.pk, "f-scope": "matching", "f-q": second.receipt_number}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == Status.FORWARDED and third.status == Status.SHORTLISTED

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from jpo.accounts.models import AuditEvent, Role
from jpo.applications.models import StatusChange
from jpo.applications.services import (
    IllegalTransition,
    PastMove,
    StaleApplication,
    application_transition,
    applications_record_history,
)
from jpo.applications.tests.factories import make_application
from jpo.applications.workflow import TERMINAL, TRANSITIONS, Status
from jpo.programme.models import TrackKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def test_refusal_speaks_japanese_too() -> None:
    application = make_application()
    with translation.override("ja"), pytest.raises(IllegalTransition, match="変更することはできません"):
        application_transition(application=application, to=Status.SELECTED, actor=None)


MOFA_PATH = [
    Status.SUBMITTED,
    Status.ELIGIBLE,
    Status.UNDER_REVIEW,
    Status.SHORTLISTED,
    Status.INTERVIEW,
    Status.PASSED,
    Status.RECOMMENDED,
    Status.SELECTED,
]


def test_mofa_track_walks_the_whole_path_and_records_every_step(make_user: Any) -> None:
    officer = make_user(Role.OFFICER)
    application = make_application()
    for status in MOFA_PATH:
        application_transition(application=application, to=status, actor=officer, reason=f"to {status}")
    assert application.status == Status.SELECTED
    assert application.submitted_at is not None
    assert application.version == len(MOFA_PATH) + 1
    changes = list(
        StatusChange.objects.filter(application=application).values_list("from_status", "to_status")
    )
    assert changes == list(zip([Status.DRAFT, *MOFA_PATH[:-1]], MOFA_PATH, strict=True))
    assert StatusChange.objects.filter(actor=officer).count() == len(MOFA_PATH)
    assert AuditEvent.objects.filter(
        action="application.transition", target_id=str(application.pk)
    ).count() == len(MOFA_PATH)


def test_illegal_move_is_refused_and_nothing_is_written() -> None:
    application = make_application()
    with pytest.raises(IllegalTransition, match="cannot move"):
        application_transition(application=application, to=Status.SELECTED, actor=None)
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert not StatusChange.objects.exists()
    assert not AuditEvent.objects.exists()


def test_terminal_statuses_allow_no_move() -> None:
    assert {Status.NOT_SHORTLISTED, Status.NOT_PASSED, Status.NOT_SELECTED, Status.WITHDRAWN} == TERMINAL
    application = make_application()
    application_transition(application=application, to=Status.WITHDRAWN, actor=None)
    for target in Status:
        with pytest.raises(IllegalTransition):
            application_transition(application=application, to=target, actor=None)


def test_interview_belongs_to_the_mofa_track_and_forwarding_to_the_organization_track() -> None:
    organization_track = make_application(track=TrackKind.ORGANIZATION)
    for status in [Status.SUBMITTED, Status.ELIGIBLE, Status.UNDER_REVIEW, Status.SHORTLISTED]:
        application_transition(application=organization_track, to=status, actor=None)
    with pytest.raises(IllegalTransition, match="not a step"):
        application_transition(application=organization_track, to=Status.INTERVIEW, actor=None)
    application_transition(application=organization_track, to=Status.FORWARDED, actor=None)
    assert organization_track.status == Status.FORWARDED

    mofa = make_application()
    for status in [Status.SUBMITTED, Status.ELIGIBLE, Status.UNDER_REVIEW, Status.SHORTLISTED]:
        application_transition(application=mofa, to=status, actor=None)
    with pytest.raises(IllegalTransition):
        application_transition(application=mofa, to=Status.FORWARDED, actor=None)


def test_a_stale_version_is_refused_instead_of_overwriting() -> None:
    application = make_application()
    read_version = application.version
    application_transition(
        application=application, to=Status.SUBMITTED, actor=None, expected_version=read_version
    )
    with pytest.raises(StaleApplication, match="changed by someone else"):
        application_transition(
            application=application, to=Status.WITHDRAWN, actor=None, expected_version=read_version
        )
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_every_status_is_in_the_table_and_every_target_is_a_status() -> None:
    assert set(TRANSITIONS) == set(Status)
    for targets in TRANSITIONS.values():
        assert targets <= set(Status)


def test_past_history_is_recorded_with_its_times_and_checked_against_the_same_table() -> None:
    first, second = make_application(), make_application()
    start = dt.datetime(2024, 2, 10, 9, tzinfo=dt.UTC)
    moves = [
        PastMove(to=status, at=start + dt.timedelta(days=10 * n), actor=None, reason="past")
        for n, status in enumerate(MOFA_PATH)
    ]
    illegal = [PastMove(to=Status.SELECTED, at=start, actor=None, reason="past")]
    with pytest.raises(IllegalTransition, match="cannot move"):
        applications_record_history(histories=[(first, moves), (second, illegal)])
    assert not StatusChange.objects.exists()  # one refused move refuses everything
    applications_record_history(histories=[(first, moves)])
    first.refresh_from_db()
    assert first.status == Status.SELECTED and first.submitted_at == start
    assert first.version == len(MOFA_PATH) + 1
    rows = list(StatusChange.objects.filter(application=first).values_list("from_status", "to_status", "at"))
    assert rows == [
        (frm, to, move.at)
        for frm, to, move in zip([Status.DRAFT, *MOFA_PATH[:-1]], MOFA_PATH, moves, strict=True)
    ]
    assert (
        AuditEvent.objects.filter(action="application.history_recorded", target_id=str(first.pk)).count() == 1
    )


def test_a_past_is_recorded_in_parts_continuing_from_where_the_last_part_left_it() -> None:
    application = make_application()
    start = dt.datetime(2024, 2, 10, 9, tzinfo=dt.UTC)
    moves = [
        PastMove(to=status, at=start + dt.timedelta(days=10 * n), actor=None, reason="past")
        for n, status in enumerate(MOFA_PATH)
    ]
    applications_record_history(histories=[(application, moves[:2])])
    assert application.status == MOFA_PATH[1]
    # The next part goes on from that status, never back in time nor against the table.
    earlier = [PastMove(to=MOFA_PATH[2], at=start, actor=None, reason="past")]
    with pytest.raises(IllegalTransition, match="order"):
        applications_record_history(histories=[(application, earlier)])
    with pytest.raises(IllegalTransition, match="cannot move"):
        applications_record_history(histories=[(application, moves[3:])])
    applications_record_history(histories=[(application, moves[2:])])
    application.refresh_from_db()
    assert application.status == MOFA_PATH[-1] and application.submitted_at == start
    assert StatusChange.objects.filter(application=application).count() == len(MOFA_PATH)

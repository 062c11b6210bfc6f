"""Windows are exact instants in Asia/Tokyo; the server clock decides, to the second."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from jpo.applications import services
from jpo.applications.models import Submission
from jpo.applications.tests.conftest import jst
from jpo.applications.workflow import Status
from jpo.programme import windows

pytestmark = pytest.mark.django_db


def test_the_last_second_is_accepted_to_its_end(cycle: Any) -> None:
    last = jst(2026, 3, 3, 23, 59, 59)
    assert windows.submission_refusal(cycle, last) is None
    assert windows.submission_refusal(cycle, last + dt.timedelta(microseconds=999_999)) is None
    assert windows.submission_refusal(cycle, jst(2026, 3, 4, 0, 0, 0)) is not None
    assert windows.submission_refusal(cycle, jst(2026, 2, 2, 0, 0, 0)) is None
    assert windows.submission_refusal(cycle, jst(2026, 2, 1, 23, 59, 59)) is not None


def test_submission_at_235959_jst_is_accepted(clock: Any, complete_draft: Any) -> None:
    application, user = complete_draft
    clock.set(jst(2026, 3, 3, 23, 59, 59))
    submission, created = services.application_submit(
        application=application, actor=user, language="en", now=clock.now
    )
    assert created and submission.receipt_number.startswith("JPO-2026-")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_submission_at_midnight_is_refused_with_a_clear_message(clock: Any, complete_draft: Any) -> None:
    application, user = complete_draft
    clock.set(jst(2026, 3, 4, 0, 0, 0))
    with translation.override("en"), pytest.raises(services.ApplicationError) as error:
        services.application_submit(application=application, actor=user, language="en", now=clock.now)
    assert "The deadline has passed" in error.value.message
    assert "3 March 2026, 23:59:59 (Japan time)" in error.value.message
    assert "4 March 2026, 00:00:00" in error.value.message
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert not Submission.objects.exists()


def test_deadline_is_written_in_the_applicants_language(cycle: Any) -> None:
    with translation.override("ja"):
        assert windows.format_instant(cycle.applications_close) == "2026年3月3日 23:59:59（日本時間）"
    with translation.override("en"):
        assert windows.format_instant(cycle.applications_close) == "3 March 2026, 23:59:59 (Japan time)"


def test_instants_stored_in_utc_are_shown_in_tokyo_time(cycle: Any) -> None:
    cycle.applications_close = dt.datetime(2026, 3, 3, 14, 59, 59, tzinfo=dt.UTC)
    with translation.override("en"):
        assert windows.format_instant(cycle.applications_close) == "3 March 2026, 23:59:59 (Japan time)"


def test_a_draft_cannot_be_started_after_the_deadline(clock: Any, cycle: Any, signup: Any) -> None:
    user = signup()
    clock.set(jst(2026, 3, 4, 0, 0, 0))
    with translation.override("en"), pytest.raises(services.ApplicationError, match="closed at"):
        services.application_start(user=user, cycle=cycle, now=clock.now)


def test_pre_registration_lets_a_draft_start_before_applications_open(
    clock: Any, cycle: Any, signup: Any
) -> None:
    user = signup()
    clock.set(jst(2026, 1, 10, 9, 0, 0))
    application = services.application_start(user=user, cycle=cycle, now=clock.now)
    assert application.status == Status.DRAFT
    with translation.override("en"):
        assert "open on 2 February 2026, 00:00:00" in (windows.submission_refusal(cycle, clock.now) or "")

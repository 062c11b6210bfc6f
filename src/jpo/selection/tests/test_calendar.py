"""Interview slots produce calendar invitations (RFC 5545) for the candidate and each panel member:
e-mailed through the outbox as attachments when the candidate confirms, and downloadable by them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jpo.accounts.models import Role
from jpo.outbox.models import Email
from jpo.selection.models import Interview, InterviewSlot
from jpo.selection.services import calendar, stage_two
from jpo.selection.services.errors import SelectionError
from jpo.selection.tests.test_releases import interviewed, owner, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def unfold(ics: bytes) -> list[str]:
    """The content lines of an iCalendar file (RFC 5545 3.1): CRLF-separated, folded lines joined."""
    text = ics.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    physical = text[:-2].split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    lines: list[str] = []
    for line in physical:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def test_an_ics_file_in_tokyo_time_with_its_time_zone(world: dict[str, Any]) -> None:  # noqa: F811
    start = dt.datetime(2026, 5, 20, 1, 0, tzinfo=dt.UTC)  # 10:00 in Tokyo
    slot = InterviewSlot.objects.create(
        cycle=world["cycle"],
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=45),
        meeting_url="https://meet.example.jp/jpo-1?a=1,b=2",
    )
    long_text = "面接の説明、セミコロン; カンマ, 改行\n" * 8
    ics = calendar.slot_ics(
        slot=slot,
        summary="JPO FY2025 interview",
        description=long_text,
        attendees=[("山田 花子", "cand@example.jp"), ("Panel One", "panel@example.jp")],
        now=dt.datetime(2026, 5, 1, 3, 4, 5, tzinfo=dt.UTC),
    )
    lines = unfold(ics)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and "METHOD:REQUEST" in lines
    tz = lines[lines.index("BEGIN:VTIMEZONE") : lines.index("END:VTIMEZONE") + 1]
    assert "TZID:Asia/Tokyo" in tz and "TZOFFSETTO:+0900" in tz
    assert "DTSTART;TZID=Asia/Tokyo:20260520T100000" in lines
    assert "DTEND;TZID=Asia/Tokyo:20260520T104500" in lines
    assert "DTSTAMP:20260501T030405Z" in lines
    assert any(line.startswith("UID:interview-slot-") for line in lines)
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert description == "DESCRIPTION:" + ("面接の説明、セミコロン\\; カンマ\\, 改行\\n" * 8)
    assert "LOCATION:https://meet.example.jp/jpo-1?a=1\\,b=2" in lines
    assert sum(line.startswith("ATTENDEE;") for line in lines) == 2
    assert any(line.endswith("mailto:cand@example.jp") for line in lines)
    # Folding never splits a multi-byte character (each physical line is valid UTF-8 on its own).
    for physical in ics.split(b"\r\n"):
        physical.decode("utf-8")


def _future_slot(world: dict[str, Any], panel: list[Any], hours: int = 48) -> InterviewSlot:  # noqa: F811
    start = timezone.now() + dt.timedelta(hours=hours)
    return stage_two.slot_create(
        cycle=world["cycle"],
        actor=world["officer"],
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
        meeting_url="https://meet.example.jp/jpo-2",
        panel=panel,
    )


def test_confirming_a_slot_sends_the_invitation_to_the_candidate_and_each_panel_member(
    world: dict[str, Any],  # noqa: F811
    make_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    second = make_user(Role.REVIEWER, username="panel2", preferred_language="en")
    (a,) = interviewed(world["cycle"], n=1, officer=world["officer"], panel=world["panel"], slot=False)
    slot = _future_slot(world, [world["panel"], second])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        stage_two.slot_confirm(application=a, user=owner(a), slot=slot, now=timezone.now())
    invitations = Email.objects.filter(kind=calendar.KIND)
    assert sorted(invitations.values_list("recipient", flat=True)) == sorted(
        [owner(a).email, world["panel"].email, second.email]
    )
    assert all(e.attachments.count() == 1 for e in invitations)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [owner(a).email, world["panel"].email, second.email]
    )
    sent = {m.to[0]: m for m in mail.outbox}
    ((name, content, mimetype),) = sent[second.email].attachments
    assert name == "interview.ics" and mimetype.startswith("text/calendar")
    lines = unfold(content.encode("utf-8") if isinstance(content, str) else content)
    start = slot.starts_at.astimezone(calendar.TOKYO).strftime("%Y%m%dT%H%M%S")
    assert f"DTSTART;TZID=Asia/Tokyo:{start}" in lines
    assert any(line.endswith(f"mailto:{owner(a).email}") for line in lines)
    # Links in the e-mail start with the configured public address.
    assert (
        reverse("selection:interview_calendar", args=[Interview.objects.get(application=a).pk])
        in sent[owner(a).email].body
    )

    # A member who joins the panel afterwards gets it too; those already there do not get it again.
    third = make_user(Role.REVIEWER, username="panel3")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        stage_two.slot_panel_set(slot=slot, actor=world["officer"], panel=[world["panel"], third])
    # The member taken off the panel gets the cancellation of the event instead.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([third.email, second.email])
    assert Email.objects.filter(recipient=second.email, kind=calendar.KIND_CANCEL).exists()
    assert set(slot.panel.all()) == {world["panel"], third}


def test_the_panel_refuses_non_reviewers_and_started_slots(world: dict[str, Any]) -> None:  # noqa: F811
    slot = _future_slot(world, [world["panel"]])
    with pytest.raises(SelectionError) as wrong:
        stage_two.slot_panel_set(slot=slot, actor=world["officer"], panel=[world["officer"]])
    assert wrong.value.field == "panel"
    with pytest.raises(SelectionError):
        stage_two.slot_panel_set(slot=slot, actor=world["officer"], panel=[])
    with pytest.raises(SelectionError):
        stage_two.slot_panel_set(
            slot=slot, actor=world["officer"], panel=[world["panel"]], now=slot.starts_at
        )
    assert list(slot.panel.all()) == [world["panel"]]


def test_the_invitation_is_downloaded_by_the_candidate_the_panel_and_officers_only(
    world: dict[str, Any],  # noqa: F811
    make_user: Any,
) -> None:
    (a,) = interviewed(world["cycle"], n=1, officer=world["officer"], panel=world["panel"], slot=False)
    slot = _future_slot(world, [world["panel"]])
    stage_two.slot_confirm(application=a, user=owner(a), slot=slot, now=timezone.now())
    url = reverse("selection:interview_calendar", args=[Interview.objects.get(application=a).pk])
    for user, expected in (
        (owner(a), 200),
        (world["panel"], 200),
        (world["officer"], 200),
        (make_user(Role.REVIEWER), 404),
        (make_user(Role.APPLICANT), 404),
        (make_user(Role.ANALYST), 404),
    ):
        client = Client()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected, user
        if expected == 200:
            assert response["Content-Type"].startswith("text/calendar")
            assert response["Content-Disposition"].endswith('.ics"')
            assert b"BEGIN:VEVENT" in response.content

    client = Client()
    client.force_login(world["officer"])
    page = client.get(reverse("selection:slot_panel", args=[slot.pk]))
    assert page.status_code == 200 and world["panel"].username in page.content.decode()
    response = client.post(reverse("selection:slot_panel", args=[slot.pk]), {"panel": ["x"]})
    assert response.status_code == 400

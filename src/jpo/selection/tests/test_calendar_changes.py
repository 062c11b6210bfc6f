"""When an interview slot moves or is cancelled after a candidate confirmed it, the candidate and the panel
get a calendar message of the same event (same UID): an update with a higher SEQUENCE, or a
cancellation (METHOD:CANCEL), in Tokyo time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jpo.accounts.models import AuditEvent, Role
from jpo.outbox.models import Email
from jpo.selection.models import Interview, InterviewSlot
from jpo.selection.services import calendar, stage_two
from jpo.selection.services.errors import SelectionError
from jpo.selection.tests.test_calendar import _future_slot, unfold
from jpo.selection.tests.test_releases import interviewed, owner, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _confirmed(world: dict[str, Any], make_user: Any) -> tuple[Any, InterviewSlot, list[Any]]:  # noqa: F811
    second = make_user(Role.REVIEWER, username="panel2", preferred_language="en")
    (a,) = interviewed(world["cycle"], n=1, officer=world["officer"], panel=world["panel"], slot=False)
    slot = _future_slot(world, [world["panel"], second])
    stage_two.slot_confirm(application=a, user=owner(a), slot=slot, now=timezone.now())
    return a, slot, [world["panel"], second]


def _ics(email: Email) -> list[str]:
    [attachment] = email.attachments.all()
    assert attachment.content_type.startswith("text/calendar")
    return unfold(bytes(attachment.content))


def _value(lines: list[str], name: str) -> str:
    return next(line.split(":", 1)[1] for line in lines if line.split(":", 1)[0].split(";")[0] == name)


def test_a_moved_slot_sends_the_same_event_with_a_higher_sequence(
    world: dict[str, Any],  # noqa: F811
    make_user: Any,
) -> None:
    a, slot, panel = _confirmed(world, make_user)
    invitation = _ics(Email.objects.get(kind=calendar.KIND, recipient=owner(a).email))
    uid, sequence = _value(invitation, "UID"), int(_value(invitation, "SEQUENCE"))
    Email.objects.all().delete()
    start = slot.starts_at + dt.timedelta(days=1, hours=2)
    with pytest.raises(SelectionError):
        stage_two.slot_move(slot=slot, actor=world["officer"], starts_at=start, ends_at=start)
    stage_two.slot_move(
        slot=slot, actor=world["officer"], starts_at=start, ends_at=start + dt.timedelta(minutes=40)
    )
    updates = Email.objects.filter(kind=calendar.KIND_UPDATE)
    assert sorted(updates.values_list("recipient", flat=True)) == sorted(
        [owner(a).email, *(u.email for u in panel)]
    )
    for email in updates:
        lines = _ics(email)
        assert "METHOD:REQUEST" in lines and "STATUS:CONFIRMED" in lines
        assert _value(lines, "UID") == uid
        assert int(_value(lines, "SEQUENCE")) > sequence
        local = start.astimezone(calendar.TOKYO)
        assert f"DTSTART;TZID=Asia/Tokyo:{local:%Y%m%dT%H%M%S}" in lines
        assert "TZID:Asia/Tokyo" in lines
    english = updates.get(recipient=panel[1].email)
    assert "moved" in english.subject and f"{start.astimezone(calendar.TOKYO):%H:%M}" in english.subject
    # The invitation downloaded afterwards is the moved one, with the same sequence.
    client = Client()
    client.force_login(owner(a))
    interview = Interview.objects.get(application=a)
    downloaded = unfold(client.get(reverse("selection:interview_calendar", args=[interview.pk])).content)
    assert _value(downloaded, "SEQUENCE") == _value(_ics(english), "SEQUENCE")
    assert AuditEvent.objects.filter(action="selection.slot_moved", target_id=str(slot.pk)).exists()


def test_a_cancelled_slot_sends_a_cancellation_and_frees_the_candidate(
    world: dict[str, Any],  # noqa: F811
    make_user: Any,
) -> None:
    a, slot, panel = _confirmed(world, make_user)
    uid = _value(_ics(Email.objects.get(kind=calendar.KIND, recipient=owner(a).email)), "UID")
    Email.objects.all().delete()
    with pytest.raises(SelectionError):
        stage_two.slot_cancel(slot=slot, actor=world["officer"], reason=" ")
    stage_two.slot_cancel(slot=slot, actor=world["officer"], reason="The panel member is ill")
    cancels = Email.objects.filter(kind=calendar.KIND_CANCEL)
    assert sorted(cancels.values_list("recipient", flat=True)) == sorted(
        [owner(a).email, *(u.email for u in panel)]
    )
    for email in cancels:
        lines = _ics(email)
        assert "METHOD:CANCEL" in lines and "STATUS:CANCELLED" in lines
        assert _value(lines, "UID") == uid and int(_value(lines, "SEQUENCE")) >= 1
        assert "The panel member is ill" in email.body
    assert reverse("selection:my_stage_two") in cancels.get(recipient=owner(a).email).body
    assert Interview.objects.get(application=a).slot is None
    assert not InterviewSlot.objects.filter(pk=slot.pk).exists()


def test_a_candidate_who_moves_cancels_the_old_event(
    world: dict[str, Any],  # noqa: F811
    make_user: Any,
) -> None:
    a, slot, panel = _confirmed(world, make_user)
    other = _future_slot(world, [world["panel"]], hours=96)
    Email.objects.all().delete()
    stage_two.slot_confirm(application=a, user=owner(a), slot=other, now=timezone.now())
    cancels = Email.objects.filter(kind=calendar.KIND_CANCEL)
    assert sorted(cancels.values_list("recipient", flat=True)) == sorted(
        [owner(a).email, *(u.email for u in panel)]
    )
    assert all(f"interview-slot-{slot.pk}@" in _value(_ics(e), "UID") for e in cancels)
    invitation = Email.objects.get(kind=calendar.KIND, recipient=owner(a).email)
    assert f"interview-slot-{other.pk}@" in _value(_ics(invitation), "UID")


def test_only_officers_move_or_cancel_slots_through_the_pages(
    world: dict[str, Any],  # noqa: F811
    make_user: Any,
) -> None:
    a, slot, _panel = _confirmed(world, make_user)
    client = Client()
    client.force_login(world["panel"])
    assert client.post(reverse("selection:slot_cancel", args=[slot.pk]), {"reason": "x"}).status_code == 403
    client.force_login(world["officer"])
    page = client.get(reverse("selection:slot_panel", args=[slot.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert reverse("selection:slot_move", args=[slot.pk]) in page.content.decode()
    response = client.post(reverse("selection:slot_cancel", args=[slot.pk]), {"reason": ""})
    assert response.status_code == 400
    start = (
        (slot.starts_at + dt.timedelta(days=2)).astimezone(calendar.TOKYO).replace(second=0, microsecond=0)
    )
    response = client.post(
        reverse("selection:slot_move", args=[slot.pk]),
        {
            "starts_at": f"{start:%Y-%m-%dT%H:%M}",
            "ends_at": f"{start + dt.timedelta(hours=1):%Y-%m-%dT%H:%M}",
        },
    )
    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.starts_at == start and slot.sequence == 1
    assert Email.objects.filter(kind=calendar.KIND_UPDATE, recipient=owner(a).email).exists()

"""Calendar invitations for interview slots (iCalendar, RFC 5545: https://www.rfc-editor.org/rfc/rfc5545).

One event per slot, in Tokyo time with its VTIMEZONE (Japan has no daylight saving time, so one
STANDARD component at +09:00 describes it), the same UID for the candidate and every panel member so
calendars recognise one meeting. When the candidate confirms a slot, the invitation is e-mailed (as an
attachment, through the outbox) to the candidate and to each member of the panel; each can also
download it from their interview page.

When the slot changes afterwards, the same people get the change as a calendar message of the same UID:
a moved slot (or a changed meeting link) as METHOD:REQUEST with a higher SEQUENCE (the slot's
`sequence`, raised at each change), which calendars apply as an update; a cancelled slot, a candidate
who moves to another slot, or a member taken off the panel as METHOD:CANCEL (STATUS:CANCELLED), which
removes the event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jpo.accounts.links import absolute_url
from jpo.accounts.models import User
from jpo.outbox.services import Attachment, email_queue
from jpo.selection.models import Interview, InterviewSlot

TZID = "Asia/Tokyo"
TOKYO = ZoneInfo(TZID)
CONTENT_TYPE = "text/calendar; charset=utf-8; method=REQUEST"
CANCEL_CONTENT_TYPE = "text/calendar; charset=utf-8; method=CANCEL"
KIND = "selection.interview_invitation"
KIND_UPDATE = "selection.interview_update"
KIND_CANCEL = "selection.interview_cancel"

VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0900",
    "TZOFFSETTO:+0900",
    "TZNAME:JST",
    "END:STANDARD",
    "END:VTIMEZONE",
)


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, new lines as \\n."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75  # continuation lines start with one space
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _local(value: dt.datetime) -> str:
    return value.astimezone(TOKYO).strftime("%Y%m%dT%H%M%S")


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def slot_ics(
    *,
    slot: InterviewSlot,
    summary: str,
    description: str,
    attendees: Sequence[tuple[str, str]],
    sequence: int | None = None,
    cancel: bool = False,
    now: dt.datetime | None = None,
) -> bytes:
    """The iCalendar file of one interview slot; `attendees` are (name, e-mail). METHOD:REQUEST (an
    invitation, or an update when `sequence` is above 0), or METHOD:CANCEL with `cancel`. `sequence`
    defaults to the slot's own."""
    if sequence is None:
        sequence = slot.sequence
    now = now or timezone.now()
    host = urlsplit(settings.JPO_BASE_URL).hostname or "jpo.invalid"
    organizer = settings.DEFAULT_FROM_EMAIL
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//MOFA JPO programme//jpo//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:CANCEL" if cancel else "METHOD:REQUEST",
        *VTIMEZONE,
        "BEGIN:VEVENT",
        f"UID:interview-slot-{slot.pk}@{host}",
        f"DTSTAMP:{_utc(now)}",
        f"SEQUENCE:{sequence}",
        f"DTSTART;TZID={TZID}:{_local(slot.starts_at)}",
        f"DTEND;TZID={TZID}:{_local(slot.ends_at)}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"ORGANIZER:mailto:{organizer}",
    ]
    if slot.meeting_url:
        lines += [f"LOCATION:{escape_text(slot.meeting_url)}", f"URL:{slot.meeting_url}"]
    for name, email in attendees:
        lines.append(
            f'ATTENDEE;CN="{name.replace(chr(34), "")}";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:'
            f"mailto:{email}"
        )
    lines += ["STATUS:CANCELLED" if cancel else "STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def interview_ics(
    *,
    interview: Interview,
    language: str,
    now: dt.datetime | None = None,
    slot: InterviewSlot | None = None,
    panel: Sequence[User] | None = None,
    cancel: bool = False,
) -> bytes:
    """The invitation of one confirmed interview (same event for the candidate and the panel); with
    `cancel`, its cancellation. `slot` and `panel`: the slot left (default: the interview's own)."""
    slot = slot or interview.slot
    assert slot is not None
    application = interview.application
    applicant = application.applicant
    panel = list(slot.panel.all()) if panel is None else list(panel)
    with translation.override(language):
        summary = _("JPO %(cycle)s interview: %(receipt)s") % {
            "cycle": application.cycle.code,
            "receipt": application.receipt_number or application.pk,
        }
        description = _(
            "Online interview of the JPO programme (stage two). Candidate: %(name)s. Online meeting link: %(url)s"
        ) % {
            "name": applicant.full_name,
            "url": slot.meeting_url or "—",
        }
    attendees = [(applicant.full_name, _recipient(interview))]
    attendees += [(_name(u), u.email) for u in panel]
    return slot_ics(
        slot=slot, summary=summary, description=description, attendees=attendees, now=now, cancel=cancel
    )


def _recipient(interview: Interview) -> str:
    applicant = interview.application.applicant
    return applicant.user.email if applicant.user is not None else applicant.email


def _calendar_send(
    people: Sequence[tuple[str, str, bool]],
    *,
    ics: Callable[[str], bytes],
    message: Callable[[bool], tuple[str, str]],
    kind: str,
    file_name: str = "interview.ics",
    content_type: str = CONTENT_TYPE,
) -> int:
    """Queue one e-mail to each of `people` (address, language, is the candidate), in their language:
    `message(is the candidate)` gives its subject and body (in the active language), `ics(language)`
    the calendar message attached. Returns the number of e-mails queued."""
    sent = 0
    for address, language, is_candidate in people:
        content = ics(language)
        with translation.override(language):
            subject, body = message(is_candidate)
        sent += len(
            email_queue(
                recipients=[address],
                subject=subject,
                body=body,
                kind=kind,
                attachments=[Attachment(file_name, content, content_type)],
            )
        )
    return sent


def _tokyo(moment: dt.datetime) -> str:
    return timezone.localtime(moment, TOKYO).strftime("%Y-%m-%d %H:%M")


def interview_invitations_send(*, interview: Interview, members: Sequence[User] | None = None) -> int:
    """E-mail the interview's calendar invitation to the candidate and each panel member (or only to
    `members`), each in their language, through the outbox. Call inside the transaction of the change."""
    slot = interview.slot
    assert slot is not None
    people: list[tuple[str, str, bool]] = []  # (address, language, is_candidate)
    if members is None:
        applicant = interview.application.applicant
        language = applicant.user.preferred_language if applicant.user is not None else settings.LANGUAGE_CODE
        people.append((_recipient(interview), language, True))
    for member in members if members is not None else slot.panel.all():
        people.append((member.email, member.preferred_language or settings.LANGUAGE_CODE, False))

    def message(is_candidate: bool) -> tuple[str, str]:
        when = _tokyo(slot.starts_at)
        link = absolute_url(reverse("selection:interview_calendar", args=[interview.pk]))
        if is_candidate:
            body = _(
                "Your interview is confirmed for %(when)s (Japan time).\n\nOnline meeting link: %(url)s\n\n"
                "The calendar invitation is attached; you can also download it here: %(link)s"
            )
        else:
            body = _(
                "You sit on the panel of an interview on %(when)s (Japan time).\n\nOnline meeting link: "
                "%(url)s\n\nThe calendar invitation is attached; you can also download it here: %(link)s"
            )
        subject = _("JPO interview on %(when)s (Japan time)") % {"when": when}
        return subject, body % {"when": when, "url": slot.meeting_url or "—", "link": link}

    return _calendar_send(
        people,
        ics=lambda language: interview_ics(interview=interview, language=language),
        message=message,
        kind=KIND,
    )


def _people(
    interview: Interview, panel: Sequence[User], *, candidate: bool = True
) -> list[tuple[str, str, bool]]:
    """(address, language, is the candidate) of those a calendar message goes to."""
    people: list[tuple[str, str, bool]] = []
    if candidate:
        applicant = interview.application.applicant
        language = applicant.user.preferred_language if applicant.user is not None else settings.LANGUAGE_CODE
        people.append((_recipient(interview), language or settings.LANGUAGE_CODE, True))
    for member in panel:
        people.append((member.email, member.preferred_language or settings.LANGUAGE_CODE, False))
    return [p for p in people if p[0]]


def interview_update_send(*, interview: Interview, previous_start: dt.datetime) -> int:
    """E-mail the moved interview (same UID, the slot's raised SEQUENCE) to the candidate and each panel
    member, each in their language. Call inside the transaction of the change, after raising
    `slot.sequence`."""
    slot = interview.slot
    assert slot is not None

    def message(is_candidate: bool) -> tuple[str, str]:
        when = _tokyo(slot.starts_at)
        subject = _("JPO interview moved to %(when)s (Japan time)") % {"when": when}
        body = _(
            "The JPO interview of %(before)s (Japan time) is moved to %(when)s (Japan time).\n\n"
            "Online meeting link: %(url)s\n\nThe updated calendar invitation is attached: opening it "
            "moves the event in your calendar."
        ) % {"before": _tokyo(previous_start), "when": when, "url": slot.meeting_url or "—"}
        return subject, body

    return _calendar_send(
        _people(interview, list(slot.panel.all())),
        ics=lambda language: interview_ics(interview=interview, language=language),
        message=message,
        kind=KIND_UPDATE,
    )


def interview_cancel_send(
    *,
    interview: Interview,
    slot: InterviewSlot,
    panel: Sequence[User],
    candidate: bool = True,
    reason: str = "",
) -> int:
    """E-mail the cancellation (METHOD:CANCEL, same UID, `slot.sequence` already raised) of the
    interview at `slot` to the candidate (unless `candidate` is False) and to `panel`, each in their
    language. Call inside the transaction of the change."""

    def message(is_candidate: bool) -> tuple[str, str]:
        when = _tokyo(slot.starts_at)
        subject = _("JPO interview of %(when)s (Japan time) cancelled") % {"when": when}
        body = _(
            "The JPO interview of %(when)s (Japan time) is cancelled for you. The attached calendar "
            "message removes it from your calendar."
        ) % {"when": when}
        if reason:
            body += "\n\n" + _("Reason") + ": " + reason
        if is_candidate and interview.slot_id is None:
            body += "\n\n" + _("Please choose another interview slot: %(link)s") % {
                "link": absolute_url(reverse("selection:my_stage_two"))
            }
        return subject, body

    return _calendar_send(
        _people(interview, panel, candidate=candidate),
        ics=lambda language: interview_ics(
            interview=interview, language=language, slot=slot, panel=panel, cancel=True
        ),
        message=message,
        kind=KIND_CANCEL,
        file_name="interview-cancel.ics",
        content_type=CANCEL_CONTENT_TYPE,
    )

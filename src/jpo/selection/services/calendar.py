"""Calendar invitations for interview slots (iCalendar, RFC 5545: https://www.rfc-editor.org/rfc/rfc5545).

One event per slot, in Tokyo time with its VTIMEZONE (Japan has no daylight saving time, so one
STANDARD component at +09:00 describes it), the same UID for the candidate and every panel member so
calendars recognise one meeting. When the candidate confirms a slot, the invitation is e-mailed (as an
attachment, through the outbox) to the candidate and to each member of the panel; each can also
download it from their interview page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
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
KIND = "selection.interview_invitation"

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
    sequence: int = 0,
    now: dt.datetime | None = None,
) -> bytes:
    """The iCalendar file (METHOD:REQUEST) of one interview slot; `attendees` are (name, e-mail)."""
    now = now or timezone.now()
    host = urlsplit(settings.JPO_BASE_URL).hostname or "jpo.invalid"
    organizer = settings.DEFAULT_FROM_EMAIL
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//MOFA JPO programme//jpo//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
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
    lines += ["STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def interview_ics(*, interview: Interview, language: str, now: dt.datetime | None = None) -> bytes:
    """The invitation of one confirmed interview (same event for the candidate and the panel)."""
    slot = interview.slot
    assert slot is not None
    application = interview.application
    applicant = application.applicant
    panel = list(slot.panel.all())
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
    return slot_ics(slot=slot, summary=summary, description=description, attendees=attendees, now=now)


def _recipient(interview: Interview) -> str:
    applicant = interview.application.applicant
    return applicant.user.email if applicant.user is not None else applicant.email


def interview_invitations_send(*, interview: Interview, members: Sequence[User] | None = None) -> int:
    """E-mail the interview's calendar invitation to the candidate and each panel member (or only to
    `members`), each in their language, through the outbox. Call inside the transaction of the change."""
    slot = interview.slot
    assert slot is not None
    sent = 0
    people: list[tuple[str, str, bool]] = []  # (address, language, is_candidate)
    if members is None:
        applicant = interview.application.applicant
        language = applicant.user.preferred_language if applicant.user is not None else settings.LANGUAGE_CODE
        people.append((_recipient(interview), language, True))
    for member in members if members is not None else slot.panel.all():
        people.append((member.email, member.preferred_language or settings.LANGUAGE_CODE, False))
    for address, language, is_candidate in people:
        ics = interview_ics(interview=interview, language=language)
        with translation.override(language):
            when = timezone.localtime(slot.starts_at, TOKYO).strftime("%Y-%m-%d %H:%M")
            subject = _("JPO interview on %(when)s (Japan time)") % {"when": when}
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
            body = body % {"when": when, "url": slot.meeting_url or "—", "link": link}
        sent += len(
            email_queue(
                recipients=[address],
                subject=subject,
                body=body,
                kind=KIND,
                attachments=[Attachment("interview.ics", ics, CONTENT_TYPE)],
            )
        )
    return sent

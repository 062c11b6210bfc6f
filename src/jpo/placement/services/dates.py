"""Dates a record can hold: nothing that has not happened yet is recorded as done.

"Today" is the calendar day in Japan (Asia/Tokyo), whatever the server's or the browser's zone: an
officer in Tokyo at 08:00 on 2 April records a return on 2 April, while UTC still reads 1 April.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext_lazy

TOKYO = ZoneInfo("Asia/Tokyo")

IN_FUTURE = gettext_lazy(
    "%(what)s cannot be after today (%(today)s, Japan time): record it once it has happened."
)


def today_in_tokyo() -> dt.date:
    return timezone.now().astimezone(TOKYO).date()


def future_refusal(day: dt.date | None, *, what: str) -> str | None:
    """The message refusing `day` when it lies after today in Japan, else None."""
    today = today_in_tokyo()
    if day is not None and day > today:
        return str(IN_FUTURE % {"what": what, "today": today.isoformat()})
    return None

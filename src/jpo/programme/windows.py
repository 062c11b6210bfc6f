"""Pre-registration and application windows: exact instants, decided by the server clock.

Convention: a window's closing instant is the *last second accepted*. A cycle closing at
2022-03-07 23:59:59 JST accepts a submission at 23:59:59.999 and refuses one at 2022-03-08 00:00:00.
The clock is `django.utils.timezone.now()`, read once per request by the caller and passed in.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jpo.programme.models import Cycle


def _closed_after(closes: dt.datetime, now: dt.datetime) -> bool:
    return now.replace(microsecond=0) > closes.replace(microsecond=0)


def is_within(opens: dt.datetime | None, closes: dt.datetime | None, now: dt.datetime) -> bool:
    if opens is None or closes is None:
        return False
    return opens <= now and not _closed_after(closes, now)


def applications_open(cycle: Cycle, now: dt.datetime) -> bool:
    return is_within(cycle.applications_open, cycle.applications_close, now)


def preregistration_open(cycle: Cycle, now: dt.datetime) -> bool:
    return is_within(cycle.preregistration_opens, cycle.preregistration_closes, now)


def can_start(cycle: Cycle, now: dt.datetime) -> bool:
    """A draft may be started during pre-registration or the application window."""
    return preregistration_open(cycle, now) or applications_open(cycle, now)


def past_deadline(cycle: Cycle, now: dt.datetime) -> bool:
    return cycle.applications_close is not None and _closed_after(cycle.applications_close, now)


def format_instant(value: dt.datetime | None) -> str:
    """An instant in Asia/Tokyo, to the second, written the way the current language writes it."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    if (get_language() or "ja").startswith("ja"):
        return formats.date_format(local, "Y年n月j日 H:i:s") + "（日本時間）"
    return formats.date_format(local, "j F Y, H:i:s") + " (Japan time)"


def format_window(opens: dt.datetime | None, closes: dt.datetime | None, *, empty: str) -> str:
    """A window as people read it: "opens – closes" (Japan time), or `empty` (a phrase such as "No
    pre-registration") when the cycle has neither instant; never "— – —"."""
    if opens is None and closes is None:
        return empty
    if closes is None:
        return _("from %(start)s") % {"start": format_instant(opens)}
    if opens is None:
        return _("until %(end)s") % {"end": format_instant(closes)}
    return f"{format_instant(opens)} – {format_instant(closes)}"


def _window_position(cycle: Cycle, now: dt.datetime) -> tuple[str, str]:
    """Where the cycle's application window stands at `now` ("unset", "before", "open", "closed") and the
    instant that goes with it as text (Asia/Tokyo; the day only once closed)."""
    opens, closes = cycle.applications_open, cycle.applications_close
    if opens is None or closes is None:
        return "unset", ""
    if now < opens:
        return "before", timezone.localtime(opens).strftime("%Y-%m-%d %H:%M")
    if not _closed_after(closes, now):
        return "open", timezone.localtime(closes).strftime("%Y-%m-%d %H:%M")
    return "closed", timezone.localtime(closes).strftime("%Y-%m-%d")


def window_stage(cycle: Cycle, now: dt.datetime, *, sentence: bool = False) -> str:
    """Where the cycle's application window stands at `now`: a short phrase (a cell of a table of
    cycles), or with `sentence` a sentence that names the cycle (a home page)."""
    position, date = _window_position(cycle, now)
    if sentence:
        texts = {
            "unset": _("%(cycle)s: the application window is not set."),
            "before": _("%(cycle)s: applications open on %(date)s."),
            "open": _("%(cycle)s: applications are open until %(date)s."),
            "closed": _("%(cycle)s: applications closed on %(date)s; selection is under way."),
        }
        return texts[position] % {"cycle": cycle.label, "date": date}
    phrases = {
        "unset": _("Application window not set"),
        "before": _("Opens on %(date)s"),
        "open": _("Open until %(date)s"),
        "closed": _("Closed on %(date)s"),
    }
    return phrases[position] % {"date": date}


def submission_refusal(cycle: Cycle, now: dt.datetime) -> str | None:
    """Why a submission at `now` is refused, or None when it is in time."""
    if cycle.applications_open is None or cycle.applications_close is None:
        return _("The application window of %(cycle)s has not been published yet.") % {"cycle": cycle.code}
    if now < cycle.applications_open:
        return _("Applications for %(cycle)s open on %(opens)s. You can submit from then.") % {
            "cycle": cycle.code,
            "opens": format_instant(cycle.applications_open),
        }
    if _closed_after(cycle.applications_close, now):
        return _(
            "The deadline has passed: applications for %(cycle)s closed at %(closes)s. "
            "The server received your request at %(now)s."
        ) % {
            "cycle": cycle.code,
            "closes": format_instant(cycle.applications_close),
            "now": format_instant(now),
        }
    return None


def start_refusal(cycle: Cycle, now: dt.datetime) -> str | None:
    if can_start(cycle, now):
        return None
    if past_deadline(cycle, now):
        return _("Applications for %(cycle)s closed at %(closes)s.") % {
            "cycle": cycle.code,
            "closes": format_instant(cycle.applications_close),
        }
    return _("You cannot start an application for %(cycle)s yet: see the dates above.") % {
        "cycle": cycle.code
    }

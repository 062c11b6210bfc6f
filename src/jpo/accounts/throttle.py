"""A small rate limiter shared by the public forms and the public API.

Each scope (sign-up, log-in, password reset, the eligibility API and self-check) allows `limit`
requests per client address (jpo.accounts.network.client_ip) in a window of `seconds`; settings
JPO_THROTTLES holds the figures. The counters are rows of the database (`ThrottleCount`), counted under
a row lock, so every app server, gunicorn worker and process counts together, and two requests at the
same moment are both counted (a cache's read-then-write `incr` would lose one).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jpo.accounts.models import ThrottleCount
from jpo.accounts.network import client_ip

# Counters whose window ended this long ago are deleted when a new key starts counting.
KEEP_EXPIRED = dt.timedelta(days=1)


def throttle_hit(*, key: str, limit: int, seconds: int, now: dt.datetime | None = None) -> bool:
    """Count one request for `key`; True when it is over `limit` in the current `seconds` window."""
    now = now or timezone.now()
    if len(key) > 200:  # an address of 254 characters: keep the key unique and within the column
        key = f"{key[:120]}#{hashlib.sha256(key.encode()).hexdigest()}"
    with transaction.atomic():
        row, created = ThrottleCount.objects.select_for_update().get_or_create(
            key=key, defaults={"count": 1, "window_ends": now + dt.timedelta(seconds=seconds)}
        )
        if created:
            ThrottleCount.objects.filter(window_ends__lt=now - KEEP_EXPIRED).delete()
        elif row.window_ends <= now:  # a new window
            row.count, row.window_ends = 1, now + dt.timedelta(seconds=seconds)
            row.save(update_fields=["count", "window_ends"])
        else:
            row.count += 1
            row.save(update_fields=["count"])
    return row.count > limit


def rate(scope: str) -> tuple[int, int]:
    """(limit, seconds) of a scope, from settings.JPO_THROTTLES."""
    limit, seconds = settings.JPO_THROTTLES[scope]
    return int(limit), int(seconds)


def throttled(request: HttpRequest, scope: str, *, extra: str = "") -> bool:
    """Count this request against `scope` for the client's address (and `extra`, e.g. an e-mail address)."""
    limit, seconds = rate(scope)
    key = f"{scope}:{client_ip(request)}" + (f":{extra}" if extra else "")
    return throttle_hit(key=key, limit=limit, seconds=seconds)


def too_many_requests(request: HttpRequest, scope: str) -> HttpResponse:
    """The 429 page, in the user's language, with Retry-After."""
    _limit, seconds = rate(scope)
    minutes = max(1, -(-seconds // 60))
    response = render(request, "accounts/throttled.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(seconds)
    return response

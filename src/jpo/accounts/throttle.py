"""A small rate limiter on Django's cache, shared by the public forms and the public API.

Each scope (sign-up, log-in, password reset, the eligibility API and self-check) allows `limit`
requests per client address (jpo.accounts.network.client_ip) in a window of `seconds`; settings
JPO_THROTTLES holds the figures. With several app servers the cache must be shared
(JPO_CACHE_BACKEND, see docs/operators.md); with one, the per-process memory cache is enough.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jpo.accounts.network import client_ip


def throttle_hit(*, key: str, limit: int, seconds: int) -> bool:
    """Count one request for `key`; True when it is over `limit` in the current `seconds` window."""
    cache_key = f"jpo:throttle:{key}"
    if cache.add(cache_key, 1, timeout=seconds):
        return limit < 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=seconds)
        return limit < 1
    return count > limit


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

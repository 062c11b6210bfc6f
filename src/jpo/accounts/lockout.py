"""Log-in lock-out (django-axes): who is locked, and for how long.

Failures count per user name *and* client address together, so a stranger cannot lock someone else
out from their own address, and many users behind one address do not lock each other. Staff accounts
are never locked for long: after the failure limit they wait a short back-off (minutes) before they
may try again from that address, so an attacker cannot keep the programme's staff out for an hour.
Applicants wait the full cool-off.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render

from jpo.accounts.models import Role, User


def _attempted_username(request: Any) -> str:
    credentials = getattr(request, "axes_credentials", None) or {}
    username = credentials.get("username")
    if username is None and request is not None and request.method == "POST":
        username = request.POST.get("username")
    return str(username or "")


def is_staff_username(username: str) -> bool:
    if not username:
        return False
    return User.objects.filter(username=username).exclude(role=Role.APPLICANT, is_superuser=False).exists()


def cool_off(request: Any = None) -> dt.timedelta:
    """AXES_COOLOFF_TIME: the staff back-off for staff user names, the applicant cool-off otherwise."""
    if request is not None and is_staff_username(_attempted_username(request)):
        return dt.timedelta(minutes=settings.JPO_STAFF_LOCKOUT_MINUTES)
    return dt.timedelta(minutes=settings.JPO_LOCKOUT_MINUTES)


def lockout_response(request: Any, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a page in the user's language saying how long to wait (429)."""
    minutes = max(1, math.ceil(cool_off(request).total_seconds() / 60))
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)

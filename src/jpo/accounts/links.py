"""Absolute links for e-mails, always from JPO_BASE_URL and never from the request's Host header
(which a client chooses: a forged Host would put an attacker's site into a password-reset e-mail)."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` (from `reverse`) under the site's configured public address."""
    return f"{settings.JPO_BASE_URL.rstrip('/')}/{path.lstrip('/')}"

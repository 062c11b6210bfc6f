"""Log-in receivers: staff sessions last hours, applicants' the site's (longer) default."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from jpo.accounts.access import is_staff_account


@receiver(user_logged_in, dispatch_uid="jpo.accounts.staff_session_expiry")
def staff_session_expiry(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session") and is_staff_account(user):
        request.session.set_expiry(settings.JPO_STAFF_SESSION_HOURS * 3600)

"""Writes about applications. Status changes go through `application_transition` only."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jpo.accounts.models import User
from jpo.accounts.services import audit_record
from jpo.applications.models import Application, StatusChange
from jpo.applications.workflow import TRACK_ONLY, TRANSITIONS, Status


class IllegalTransition(Exception):
    """The workflow table does not allow this move."""


class StaleApplication(Exception):
    """Someone else changed the application since it was read: nothing was overwritten."""


def application_transition(
    *,
    application: Application,
    to: Status | str,
    actor: User | None,
    reason: str = "",
    expected_version: int | None = None,
) -> StatusChange:
    """Move `application` to status `to`, or refuse with `IllegalTransition` / `StaleApplication`.

    `expected_version` is the version the caller read; when given, a concurrent change is detected
    instead of silently overwritten.
    """
    target = Status(to)
    with transaction.atomic():
        current = Application.objects.select_for_update().select_related("track").get(pk=application.pk)
        if expected_version is not None and current.version != expected_version:
            raise StaleApplication(
                _(
                    "This application was changed by someone else (version %(now)s, you read %(read)s). Reload it."
                )
                % {"now": current.version, "read": expected_version}
            )
        source = Status(current.status)
        if target not in TRANSITIONS[source]:
            raise IllegalTransition(
                _("An application cannot move from “%(from)s” to “%(to)s”.")
                % {"from": source.label, "to": target.label}
            )
        track_kind = TRACK_ONLY.get(target)
        if track_kind is not None and current.track.kind != track_kind:
            raise IllegalTransition(
                _("“%(to)s” is not a step of the %(track)s.") % {"to": target.label, "track": current.track}
            )
        fields = {"status": target.value, "version": F("version") + 1, "updated_at": timezone.now()}
        if target == Status.SUBMITTED:
            fields["submitted_at"] = timezone.now()
        Application.objects.filter(pk=current.pk).update(**fields)
        change = StatusChange.objects.create(
            application=current, from_status=source.value, to_status=target.value, actor=actor, reason=reason
        )
        audit_record(
            actor=actor,
            action="application.transition",
            target=current,
            data={"from": source.value, "to": target.value, "reason": reason},
        )
    application.refresh_from_db()
    return change

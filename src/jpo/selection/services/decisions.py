"""The one door for status changes in selection: `application_decide`.

It calls `jpo.applications.services.application_transition` (which checks the workflow table, the
track and the version, and records who, when, from, to and why) and, for a result the applicant is
told about, records the e-mail in the same transaction: the portal shows the new status at the moment
the e-mail is queued, and both are rolled back together if anything fails.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from jpo.accounts.models import User
from jpo.applications.models import Application, StatusChange
from jpo.applications.services import IllegalTransition, StaleApplication, application_transition
from jpo.applications.workflow import Status
from jpo.selection.services.errors import Conflict, SelectionError
from jpo.selection.services.notifications import NOTIFY_STATUSES, notification_prepare


def application_decide(
    *,
    application: Application,
    to: Status | str,
    actor: User | None,
    reason: str,
    expected_version: int | None = None,
    notify: bool = True,
    correction: bool = False,
) -> StatusChange:
    """Move an application and, for a notified result, queue its e-mail.

    `expected_version` (the version the officer's page showed) makes a concurrent change a `Conflict`
    instead of a silent overwrite. The e-mail goes to the outbox, sent after the transaction commits.
    `correction`: a decision recorded by mistake is corrected (see `workflow.CORRECTIONS`).
    """
    target = Status(to)
    with transaction.atomic():
        try:
            change = application_transition(
                application=application,
                to=target,
                actor=actor,
                reason=reason,
                expected_version=expected_version,
                correction=correction,
            )
        except StaleApplication as error:
            raise Conflict(str(error)) from error
        except IllegalTransition as error:
            raise SelectionError(str(error)) from error
        if notify and target in NOTIFY_STATUSES:
            notification_prepare(application=application, status=target)
    return change


def version_from(value: object) -> int:
    """The version a form posted (hidden field), or a refusal naming the field."""
    try:
        version = int(str(value))
    except (TypeError, ValueError):
        raise SelectionError(
            _("The page is out of date: reload it and try again."), field="version"
        ) from None
    return version

"""Publishing a cycle's rules from the officer's pages, then re-screening the submitted applications under
them once the application window has opened (here, not in programme, because it starts a screening run)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jpo.accounts.models import User
from jpo.accounts.services import audit_record
from jpo.programme.labels import fiscal_year_label
from jpo.programme.rules.services import rule_set_publish
from jpo.programme.services import CycleError, cycle_window_opened
from jpo.selection.services.errors import SelectionError
from jpo.selection.services.screening import SCREENABLE, screening_run_start


@dataclass
class PublishResult:
    rule_set: Any
    run: Any = None  # the re-screening run queued, if any
    rescreen_refused: str = ""  # why the re-screen could not be queued (a run of the cycle is open)


def rule_set_publish_and_rescreen(
    *,
    rule_set: Any,
    actor: User,
    confirm_unknown: bool = False,
    reason: str = "",
    expected_version: int | None = None,
) -> PublishResult:
    """Publish a draft (`jpo.programme.rules.services.rule_set_publish`); once the cycle's application
    window has opened, a reason is required and audited, and the submitted applications are re-screened
    under the new rules by a background screening run (returned; None when there is nothing to screen).

    Raises RuleSetError (from publishing) or CycleError (no reason); nothing is published then. The
    run is queued after commit by the selection app's machinery; if a run of the cycle is already open,
    the rules stay published and `rescreen_refused` says why no run was queued.
    """
    cycle = rule_set.cycle
    opened = cycle_window_opened(cycle, timezone.now())
    if opened and not reason.strip():
        raise CycleError(
            _("The application window of %(cycle)s has opened: give the reason for the change.")
            % {"cycle": fiscal_year_label(cycle.fiscal_year)},
            field="reason",
        )
    with transaction.atomic():
        published = rule_set_publish(
            rule_set=rule_set, actor=actor, confirm_unknown=confirm_unknown, expected_version=expected_version
        )
        if opened:
            audit_record(
                actor=actor,
                action="programme.rule_set.publish_reason",
                target=published,
                data={"cycle": cycle.code, "reason": reason.strip()},
            )
    if not opened or not cycle.applications.filter(status__in=SCREENABLE).exists():
        return PublishResult(rule_set=published)
    try:
        # The reason for changing the rules after the window opened is also the reason for screening
        # again before it closes (recorded as such).
        return PublishResult(
            rule_set=published,
            run=screening_run_start(cycle=cycle, actor=actor, force_reason=reason),
        )
    except SelectionError as error:
        return PublishResult(rule_set=published, rescreen_refused=error.message)

"""The order of the year: screening, the shortlist and final decisions wait until the cycle's application
window has closed (an application submitted on the last day must be judged with the others). An officer
may run a step earlier only by giving a reason, which is audited and shown on the cycle's page."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from jpo.accounts.models import User
from jpo.accounts.services import audit_record
from jpo.programme.models import Cycle
from jpo.programme.windows import applications_open, format_instant
from jpo.selection.services.errors import SelectionError

FORCED = "selection.window_forced"
# The steps that wait for the window, as the audit record and the cycle's page name them.
STEPS = {
    "screening": pgettext_lazy("step of the year", "Screening"),
    "shortlist": pgettext_lazy("step of the year", "Closing the shortlist"),
    "final_decision": pgettext_lazy("step of the year", "Final decision"),
}
FORCE_FIELD = "force_reason"


def window_open(cycle: Cycle) -> bool:
    return applications_open(cycle, timezone.now())


def window_gate(*, cycle: Cycle, actor: User | None, step: str, force_reason: str = "") -> None:
    """Refuse `step` while the application window of `cycle` is open, unless the officer gives a reason
    to run it now (recorded). Call it inside the transaction of the step, so the record goes with it."""
    if not window_open(cycle):
        return
    reason = force_reason.strip()
    if not reason:
        raise SelectionError(
            _(
                "The application window of %(cycle)s is open until %(closes)s: “%(step)s” waits until it "
                "closes. To run it now, give the reason for running it before the window closes."
            )
            % {
                "cycle": cycle.code,
                "closes": format_instant(cycle.applications_close),
                "step": STEPS[step],
            },
            field=FORCE_FIELD,
        )
    audit_record(actor=actor, action=FORCED, target=cycle, data={"step": step, "reason": reason})

"""Hooks applications offers the apps above it (any app may import an app's `interface`).

`applicant_purging` is sent by the retention purge (`services.cycle_purge`), inside its transaction,
once per applicant being anonymised, with `application_ids` (that applicant's applications). An app that
keeps free texts or e-mails about those applications erases them in its receiver (connected in its
`AppConfig.ready`): the purge stays one all-or-nothing transaction, and applications imports no app
above it. A receiver that raises undoes the whole purge.
"""

from __future__ import annotations

from django.dispatch import Signal

applicant_purging = Signal()

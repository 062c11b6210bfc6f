"""The one table of application statuses and the moves between them.

Every status change goes through `jpo.applications.services.application_transition`, which checks
this table (and the track-specific moves) and records who, when, from, to and why.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    SCREENED_OUT = "screened_out", _("Screened out")
    ELIGIBLE = "eligible", _("Eligible")
    UNDER_REVIEW = "under_review", _("Under review")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    NOT_SHORTLISTED = "not_shortlisted", _("Not shortlisted")
    INTERVIEW = "interview", _("Interview")
    PASSED = "passed", _("Passed")
    NOT_PASSED = "not_passed", _("Not passed")
    RECOMMENDED = "recommended", _("Recommended to organizations")
    FORWARDED = "forwarded", _("Forwarded to the organization")
    SELECTED = "selected", _("Selected by an organization")
    NOT_SELECTED = "not_selected", _("Not selected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = Status

TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.ELIGIBLE, S.SCREENED_OUT, S.WITHDRAWN}),
    # Re-screening or an officer's override may move an application either way.
    S.SCREENED_OUT: frozenset({S.ELIGIBLE}),
    S.ELIGIBLE: frozenset({S.UNDER_REVIEW, S.SCREENED_OUT, S.WITHDRAWN}),
    S.UNDER_REVIEW: frozenset({S.SHORTLISTED, S.NOT_SHORTLISTED, S.WITHDRAWN}),
    S.SHORTLISTED: frozenset({S.INTERVIEW, S.FORWARDED, S.WITHDRAWN}),
    S.NOT_SHORTLISTED: frozenset(),
    S.INTERVIEW: frozenset({S.PASSED, S.NOT_PASSED, S.WITHDRAWN}),
    S.PASSED: frozenset({S.RECOMMENDED, S.WITHDRAWN}),
    S.NOT_PASSED: frozenset(),
    S.RECOMMENDED: frozenset({S.SELECTED, S.NOT_SELECTED, S.WITHDRAWN}),
    S.FORWARDED: frozenset({S.SELECTED, S.NOT_SELECTED, S.WITHDRAWN}),
    S.SELECTED: frozenset({S.WITHDRAWN}),
    S.NOT_SELECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# Moves that only one track allows: MOFA interviews in its own track; in the organization track
# MOFA forwards the shortlist and the organization runs stage two.
TRACK_ONLY: dict[Status, str] = {
    S.INTERVIEW: "mofa",
    S.FORWARDED: "organization",
}

TERMINAL = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)

# Corrections of a decision recorded by mistake (an officer, with a reason): the decision is replaced by
# the other one, or taken back to the step before it. Not moves of the year: only `correction=True`
# transitions use this table, and each is recorded as a correction.
CORRECTIONS: dict[Status, frozenset[Status]] = {
    S.PASSED: frozenset({S.NOT_PASSED, S.INTERVIEW}),
    S.NOT_PASSED: frozenset({S.PASSED, S.INTERVIEW}),
    S.RECOMMENDED: frozenset({S.PASSED}),
    # Back to recommended (MOFA track): also when the programme office withdraws a confirmed offer
    # (`placement.services.offers.offer_withdraw`), the candidate returns to where they stood.
    S.SELECTED: frozenset({S.NOT_SELECTED, S.FORWARDED, S.RECOMMENDED}),
    S.NOT_SELECTED: frozenset({S.SELECTED, S.FORWARDED}),
}

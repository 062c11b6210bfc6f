"""The one table of offer statuses and the moves between them, and who may make each move.

The candidate answers first (accepts or declines by the deadline); an accepted offer then waits for
the organization, which confirms or refuses it. Only the organization's confirmation makes the
candidate "selected by an organization". An offer nobody answered by its deadline lapses (the daily
sweep), and the post goes to the next candidate of its reserve list. The programme office may withdraw
an offer at any point before the dispatch is recorded (a confirmed one with a reason).
"""

from __future__ import annotations

from jpo.placement.models import OfferStatus

OS = OfferStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    OS.PENDING: frozenset({OS.ACCEPTED, OS.DECLINED, OS.REFUSED, OS.LAPSED, OS.WITHDRAWN}),
    OS.ACCEPTED: frozenset({OS.CONFIRMED, OS.REFUSED, OS.WITHDRAWN}),
    # The programme office may still withdraw a confirmed offer (with a reason) until the dispatch is
    # recorded: the post reopens, the candidate returns to the list and the reserve is offered.
    OS.CONFIRMED: frozenset({OS.WITHDRAWN}),
    OS.DECLINED: frozenset(),
    OS.REFUSED: frozenset(),
    OS.LAPSED: frozenset(),
    OS.WITHDRAWN: frozenset(),
}

# Who answers for whom: the candidate's side (the applicant, or an officer recording their answer),
# the organization's side (its focal point, or an officer on its behalf), the programme office, the
# system (the deadline sweep, no person).
CANDIDATE = "candidate"
ORGANIZATION = "organization"
OFFICE = "office"
SYSTEM = "system"

SIDE: dict[str, str] = {
    OS.ACCEPTED: CANDIDATE,
    OS.DECLINED: CANDIDATE,
    OS.CONFIRMED: ORGANIZATION,
    OS.REFUSED: ORGANIZATION,
    OS.WITHDRAWN: OFFICE,
    OS.LAPSED: SYSTEM,
}

# After these an offer is over and its post may go to the next candidate of the reserve list.
REOFFERABLE = frozenset({OS.DECLINED, OS.REFUSED, OS.LAPSED, OS.WITHDRAWN})

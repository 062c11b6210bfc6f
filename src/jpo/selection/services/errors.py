"""Refusals of selection actions: a message for the user and the HTTP status a view answers with."""

from __future__ import annotations

from jpo.core.errors import DomainError


class SelectionError(DomainError):
    """Bad input or an action that is not possible now (HTTP 400). Nothing was written."""

    code = "selection.refused"


class NotAllowed(SelectionError):
    """The user may not do this to this object (HTTP 403)."""

    code = "selection.not_allowed"
    status_code = 403


class Conflict(SelectionError):
    """Someone else changed the object, or this was already done (HTTP 409). Nothing was overwritten."""

    code = "selection.conflict"
    status_code = 409

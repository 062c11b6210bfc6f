"""Refusals of selection actions: a message for the user and the HTTP status a view answers with."""

from __future__ import annotations


class SelectionError(Exception):
    """Bad input or an action that is not possible now (HTTP 400). Nothing was written."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(SelectionError):
    """The user may not do this to this object (HTTP 403)."""

    status_code = 403


class Conflict(SelectionError):
    """Someone else changed the object, or this was already done (HTTP 409). Nothing was overwritten."""

    status_code = 409

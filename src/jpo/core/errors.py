"""The one base of the errors a service raises to refuse an action (pure Python).

A `DomainError` carries a message for the person (already in their language), the form field at fault
if any, a machine `code` and the HTTP `status_code` a page or the API answers with. Nothing was
written when one is raised. Views that can re-show a form catch it and do so; any other is answered
once for every page (`jpo.web.middleware.DomainErrorMiddleware`) and every API operation (the
exception handler in `jpo.api`).
"""

from __future__ import annotations


class DomainError(Exception):
    """An action refused: bad input, or not possible now (HTTP 400 unless a subclass says otherwise)."""

    code = "invalid"
    status_code = 400

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, str | None]:
        """The body the API answers with."""
        return {"detail": self.message or str(self), "field": self.field, "code": self.code}


class NotFound(DomainError):
    """What was asked for does not exist, or is not the asker's to see: one answer for both, so that
    nothing leaks (HTTP 404). Selectors raise it; pages answer with the site's 404 page
    (`jpo.web.middleware`), the API with its error body."""

    code = "core.not_found"
    status_code = 404

    def __init__(self, message: str = "Not Found", *, field: str | None = None) -> None:
        super().__init__(message, field=field)

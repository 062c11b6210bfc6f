"""Refusals a view did not handle itself, answered once for every page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation

from jpo.core.errors import DomainError, NotFound
from jpo.web.views import handler404


class DomainErrorMiddleware:
    """A `DomainError` that reaches the top of a page view: the styled refusal page with its message
    and status (400, 403, 409, ...), in the visitor's language, never a 500; a `NotFound` gets the site's 404 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        if isinstance(exception, NotFound):  # the same page as any unknown address: nothing leaks
            return handler404(request, exception)
        language = translation.get_language_from_request(request)
        with translation.override(language):
            body = loader.render_to_string(
                "web/refused.html",
                {"status": exception.status_code, "message": exception.message or str(exception)},
                request=request,
            )
        return HttpResponse(body, status=exception.status_code)

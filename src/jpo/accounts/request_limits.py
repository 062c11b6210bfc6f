"""Request limits applied before any view reads the body.

- Size: a request whose Content-Length is over the limit is answered 413 at once, before the body is
  read (the proxy in docs/deploy.md has the same limit). Signed-out visitors get a smaller limit than
  signed-in users, who upload documents and census files.
- NUL characters in query or form fields are answered 400 (PostgreSQL cannot store them in text, and
  no form has a use for them). JSON bodies are checked by `jpo.safety.jsonio`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from jpo.accounts import access
from jpo.safety.text import first_with_nul


def request_limit(request: HttpRequest) -> int:
    """Bytes a request may carry: officers upload census files, other users documents, visitors forms."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return int(settings.JPO_MAX_ANONYMOUS_REQUEST_KB) * 1024
    if access.is_officer(user):
        return (int(settings.JPO_MAX_IMPORT_MB) + 1) * 2**20
    return (int(settings.JPO_MAX_UPLOAD_MB) + 1) * 2**20


def _size(n: int) -> str:
    return f"{n / 2**20:g} MB" if n >= 2**20 else f"{n / 1024:g} KB"


def _refuse(request: HttpRequest, status: int, message: str, field: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "field": field}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class RequestLimitsMiddleware:
    """Place after AuthenticationMiddleware (the limit depends on who is signed in) and before
    anything that reads request.POST or request.body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refuse(request, 400, _("The Content-Length header is not a number."), "body")
        limit = request_limit(request)
        if length > limit:
            return _refuse(
                request,
                413,
                _("The request is larger than the limit of %(limit)s.") % {"limit": _size(limit)},
                "body",
            )
        field = first_with_nul(request.GET.lists())
        if (
            field is None
            and request.method == "POST"
            and request.content_type
            in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            )
        ):
            try:
                field = first_with_nul(request.POST.lists())
            except MultiPartParserError:
                return _refuse(request, 400, _("The form data cannot be read."), "body")
        if field is not None:
            return _refuse(
                request,
                400,
                _("The field “%(field)s” contains a NUL character, which is not allowed.") % {"field": field},
                field,
            )
        return self.get_response(request)

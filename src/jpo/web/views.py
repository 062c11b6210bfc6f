from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from jpo.accounts.access import public
from jpo.web.selectors import home_summary


@public
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # any database failure means unhealthy
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse({"status": "ok" if status == 200 else "error", "database": database}, status=status)


@public
def home(request: HttpRequest) -> HttpResponse:
    context = home_summary(user=request.user) if request.user.is_authenticated else {}
    return render(request, "web/home.html", context)


@public
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html")


@cache
def _favicon_bytes() -> bytes:
    found = finders.find("jpo/favicon.ico")
    return Path(str(found)).read_bytes()


@public
@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on their own; answer with the vendored icon rather than a 404."""
    return HttpResponse(_favicon_bytes(), content_type="image/x-icon")


def _error_page(request: HttpRequest, status: int, *, with_context: bool = True) -> HttpResponse:
    """A styled error page in the visitor's language (their cookie, else their browser's), never Django's
    bare English one."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        if with_context:
            body = loader.render_to_string(f"web/{status}.html", {"status": status}, request=request)
        else:
            # A server error may come from the database or a context processor: render without either.
            body = loader.render_to_string(f"web/{status}.html", {"status": status, "bare": True})
    return HttpResponse(body, status=status)


def handler403(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error_page(request, 403)


def handler404(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error_page(request, 404)


def handler500(request: HttpRequest) -> HttpResponse:
    try:
        return _error_page(request, 500, with_context=False)
    except Exception:  # the error page itself must never fail: plain text in both languages
        text = "サーバーで問題が発生しました。 / Something went wrong on our side."
        return HttpResponse(text, status=500, content_type="text/plain; charset=utf-8")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (expired page or blocked cookie): the styled 403 page with a hint to reload."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        body = loader.render_to_string("web/403.html", {"status": 403, "csrf": True}, request=request)
    return HttpResponse(body, status=403)

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponseBase


class LoginRequiredByDefaultMiddleware(LoginRequiredMiddleware):
    """Deny by default: every page needs a signed-in user unless its view is marked `public`.

    The REST API under /api/ is left to django-ninja, whose routers require authentication by default
    and answer 401 in JSON rather than redirecting to the login page.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

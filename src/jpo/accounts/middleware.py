from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.urls import reverse


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


class StaffTwoFactorMiddleware:
    """Staff (every role but applicant, and superusers) reach nothing but the two-factor page, log-out
    and the language switch until they have entered a code from their authenticator in this session.

    Required for all staff when JPO_REQUIRE_2FA is on (production); otherwise only for staff who have
    enrolled an authenticator. The API answers 403 in JSON instead of redirecting.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        from jpo.accounts import twofactor

        user = request.user
        if twofactor.needs_verification(user) and not self._exempt(request.path):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Two-factor verification required: log in again."}, status=403)
            return redirect_to_login(request.get_full_path(), reverse("accounts:two_factor"), "next")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        allowed = {
            reverse("accounts:two_factor"),
            reverse("logout"),
            reverse("set_language"),
            reverse("healthz"),
        }
        return path in allowed or path.startswith(settings.STATIC_URL)

"""Helpers shared by the selection views: the signed-in user and refusals as 4xx pages."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jpo.accounts.models import User
from jpo.selection.services.errors import SelectionError


def user_of(request: HttpRequest) -> User:
    """The signed-in user (the middleware and the role checks ran before any view body)."""
    return cast(User, request.user)


def refused(
    request: HttpRequest,
    error: SelectionError,
    *,
    back: str,
    template: str = "selection/refused.html",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Answer a refused action with its message and HTTP status (400, 403 or 409); nothing was written."""
    data = {"error": error, "back": back, **(context or {})}
    return render(request, template, data, status=error.status_code)

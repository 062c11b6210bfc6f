"""Helpers shared by the selection views: refusals as 4xx pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jpo.selection.services.errors import SelectionError


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

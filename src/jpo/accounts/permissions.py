"""The one place where views and API handlers ask who may do what (deny by default).

Pages: every view needs a signed-in user (see middleware) and then one of these checks.
`public` marks the few pages anyone may open.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from jpo.accounts.models import Role

F = TypeVar("F", bound=Callable[..., Any])

public = login_not_required

STAFF_ROLES = frozenset({Role.OFFICER, Role.REVIEWER, Role.FOCAL_POINT, Role.MINISTRY_HR, Role.ANALYST})


def has_role(user: Any, *roles: str) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.role in roles))


def require_role(user: Any, *roles: str) -> None:
    if not has_role(user, *roles):
        raise PermissionDenied


def role_required(*roles: str) -> Callable[[F], F]:
    """View decorator: only users holding one of `roles` (or superusers) get through; others get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            require_role(request.user, *roles)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator

"""Object-level predicates (django-rules), loaded by rules' autodiscovery."""

from __future__ import annotations

from typing import Any

import rules

from jpo.accounts.models import Role


@rules.predicate
def is_officer(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role == Role.OFFICER))


@rules.predicate
def is_analyst(user: Any) -> bool:
    return bool(user.is_authenticated and user.role == Role.ANALYST)


@rules.predicate
def is_own_application(user: Any, application: Any) -> bool:
    return bool(
        user.is_authenticated and application is not None and application.applicant.user_id == user.pk
    )


@rules.predicate
def is_focal_point_of(user: Any, application: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.role == Role.FOCAL_POINT
        and application is not None
        and application.forwarded_to_id is not None
        and application.forwarded_to_id == user.organization_id
    )


@rules.predicate
def is_ministry_hr_of(user: Any, application: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.role == Role.MINISTRY_HR
        and application is not None
        and application.ministry_id is not None
        and application.ministry_id == user.ministry_id
    )


rules.add_perm(
    "applications.view_application", is_officer | is_own_application | is_focal_point_of | is_ministry_hr_of
)
rules.add_perm("applications.change_application", is_officer)
rules.add_perm("workforce.view_statistics", is_officer | is_analyst)

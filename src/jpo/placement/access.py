"""Who may see or change which placement rows (deny by default).

Officers: everything in placement. Focal points: their organization's posts, candidates and dispatches.
Ministry HR officers: their ministry's seconded civil servants. Applicants: their own offers and dispatch.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from jpo.accounts.models import Role


def is_officer(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.role == Role.OFFICER))


def is_focal_point(user: Any) -> bool:
    return bool(user.is_authenticated and user.role == Role.FOCAL_POINT and user.organization_id)


def is_ministry_hr(user: Any) -> bool:
    return bool(user.is_authenticated and user.role == Role.MINISTRY_HR and user.ministry_id)


def scope_posts(user: Any, posts: QuerySet) -> QuerySet:
    if is_officer(user):
        return posts
    if is_focal_point(user):
        return posts.filter(organization_id=user.organization_id)
    return posts.none()


def scope_dispatches(user: Any, dispatches: QuerySet) -> QuerySet:
    if is_officer(user):
        return dispatches
    if is_focal_point(user):
        return dispatches.filter(post__organization_id=user.organization_id)
    if is_ministry_hr(user):
        return dispatches.filter(secondment__ministry_id=user.ministry_id)
    if user.is_authenticated and user.role == Role.APPLICANT:
        return dispatches.filter(application__applicant__user=user)
    return dispatches.none()


def scope_candidates(user: Any, applications: QuerySet) -> QuerySet:
    """Focal points see the candidates who named their organization or were forwarded to it."""
    if is_officer(user):
        return applications
    if is_focal_point(user):
        org = user.organization_id
        return applications.filter(Q(preferences__organization_id=org) | Q(forwarded_to_id=org)).distinct()
    return applications.none()


def require_post_scope(user: Any, post: Any) -> None:
    if not (is_officer(user) or (is_focal_point(user) and post.organization_id == user.organization_id)):
        raise PermissionDenied


def require_dispatch_scope(user: Any, dispatch: Any) -> None:
    if not scope_dispatches(user, type(dispatch).objects.filter(pk=dispatch.pk)).exists():
        raise PermissionDenied


def require_secondment_scope(user: Any, secondment: Any) -> None:
    if not (is_officer(user) or (is_ministry_hr(user) and secondment.ministry_id == user.ministry_id)):
        raise PermissionDenied

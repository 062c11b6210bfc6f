"""Who may see or do what: the role predicates, once, and the per-object scoping every reader uses.

Deny by default. A user holds a role only while signed in and active; an active superuser holds every
role. Object scoping answers "which rows of this kind may this user see", so lists, detail pages, API
handlers and exports narrow the same way.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

from jpo.accounts.models import Role

# Permissions only superusers use: managing accounts, groups and permissions (and so passwords and the
# superuser flag). No group ever holds them; see the admin and the migration that strips them.
ACCOUNT_MANAGEMENT_MODELS = (("accounts", "user"), ("auth", "group"), ("auth", "permission"))


def is_superuser(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def has_role(user: Any, *roles: str) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.role in roles))


def account_management_q() -> Q:
    q = Q(pk__in=[])
    for app_label, model in ACCOUNT_MANAGEMENT_MODELS:
        q |= Q(content_type__app_label=app_label, content_type__model=model)
    return q


def officer_group_permissions() -> list[Permission]:
    """What the programme officers' group holds: the jpo apps' programme data, never account management."""
    labels = [c.label for c in apps.get_app_configs() if c.name.startswith("jpo.")]
    return list(Permission.objects.filter(content_type__app_label__in=labels).exclude(account_management_q()))


# --- Applications and their documents ---------------------------------------------------------------


def applications_visible_q(user: Any, prefix: str = "") -> Q:
    """The applications `user` may read, as a filter (prefix: the path to the application, e.g.
    "application__"). Officers: all. Applicants: their own. Focal points: those forwarded to their
    organization. Ministry HR: their ministry's civil servants, once submitted (a draft is the
    applicant's alone)."""
    if has_role(user, Role.OFFICER):
        return Q()
    if not (user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if user.role == Role.APPLICANT:
        return Q(**{f"{prefix}applicant__user_id": user.pk})
    if user.role == Role.FOCAL_POINT and user.organization_id:
        return Q(**{f"{prefix}forwarded_to_id": user.organization_id})
    if user.role == Role.MINISTRY_HR and user.ministry_id:
        return Q(**{f"{prefix}ministry_id": user.ministry_id, f"{prefix}submitted_at__isnull": False})
    return Q(pk__in=[])


def scope_applications(user: Any, applications: QuerySet) -> QuerySet:
    return applications.filter(applications_visible_q(user))


def scope_documents(user: Any, documents: QuerySet) -> QuerySet:
    return documents.filter(applications_visible_q(user, "application__"))

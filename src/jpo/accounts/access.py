"""Who may see or do what (deny by default): the role predicates, once, and the per-object scoping that
every view, selector, API handler, service and export uses.

A user holds a role only while signed in and active. An active superuser is a programme officer (and
passes every `role_required`), but never holds a scoped role (focal point, ministry HR, reviewer,
applicant) in the predicates below, because those narrow what is seen to one organization, ministry
or person. Object scoping answers "which rows of this kind may this user see", so a list, a detail
page by id, the API and an export narrow the same way; out of scope is 404 (nothing confirmed).

Pages: every view needs a signed-in user (see the middleware) and then one of these checks; `public`
marks the few pages anyone may open. The authorization matrix test
(`accounts/tests/test_authorization_matrix.py`) fails for any URL without a declared rule.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.apps import apps
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from jpo.accounts.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])

public = login_not_required

# Permissions only superusers use: managing accounts, groups and permissions (and so passwords and the
# superuser flag). No group ever holds them; see the admin and the migration that strips them.
ACCOUNT_MANAGEMENT_MODELS = (("accounts", "user"), ("auth", "group"), ("auth", "permission"))


# --- Roles ------------------------------------------------------------------------------------------


def is_active_user(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_superuser(user: Any) -> bool:
    return bool(is_active_user(user) and user.is_superuser)


def has_role(user: Any, *roles: str) -> bool:
    """`user` holds one of `roles`, or is a superuser."""
    return bool(is_active_user(user) and (user.is_superuser or user.role in roles))


def _holds_exactly(user: Any, role: str) -> bool:
    return bool(is_active_user(user) and user.role == role)


def is_staff_account(user: Any) -> bool:
    """Any role but applicant (superusers included): staff log in with a second factor, for hours."""
    return bool(is_active_user(user) and (user.is_superuser or user.role != Role.APPLICANT))


def is_officer(user: Any) -> bool:
    return has_role(user, Role.OFFICER)


def is_analyst(user: Any) -> bool:
    return _holds_exactly(user, Role.ANALYST)


def is_reviewer(user: Any) -> bool:
    return _holds_exactly(user, Role.REVIEWER)


def is_applicant(user: Any) -> bool:
    return _holds_exactly(user, Role.APPLICANT)


def is_focal_point(user: Any) -> bool:
    return bool(_holds_exactly(user, Role.FOCAL_POINT) and user.organization_id)


def is_ministry_hr(user: Any) -> bool:
    return bool(_holds_exactly(user, Role.MINISTRY_HR) and user.ministry_id)


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


# --- The admin --------------------------------------------------------------------------------------


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
    if is_officer(user):
        return Q()
    if is_applicant(user):
        return Q(**{f"{prefix}applicant__user_id": user.pk})
    if is_focal_point(user):
        return Q(**{f"{prefix}forwarded_to_id": user.organization_id})
    if is_ministry_hr(user):
        return Q(**{f"{prefix}ministry_id": user.ministry_id, f"{prefix}submitted_at__isnull": False})
    return Q(pk__in=[])


def scope_applications(user: Any, applications: QuerySet) -> QuerySet:
    return applications.filter(applications_visible_q(user))


def scope_documents(user: Any, documents: QuerySet) -> QuerySet:
    return documents.filter(applications_visible_q(user, "application__"))


def scope_own_applications(user: Any, applications: QuerySet, prefix: str = "") -> QuerySet:
    """The user's own applications: what only the applicant edits, submits, withdraws or answers."""
    if not is_active_user(user):
        return applications.none()
    return applications.filter(**{f"{prefix}applicant__user_id": user.pk})


def scope_endorsement_requests(user: Any, requests: QuerySet) -> QuerySet:
    """A ministry HR officer decides on their own ministry's requests (made at submission) only."""
    if is_ministry_hr(user):
        return requests.filter(ministry_id=user.ministry_id)
    return requests.none()


# --- Selection: what is assigned to a reviewer, an interviewer, an organization ---------------------


def scope_review_assignments(user: Any, assignments: QuerySet) -> QuerySet:
    """A reviewer's own assignments (officers see them on the cycle's pages, not as their own)."""
    if not is_active_user(user):
        return assignments.none()
    return assignments.filter(reviewer_id=user.pk)


def scope_interviews(user: Any, interviews: QuerySet) -> QuerySet:
    """The interviews whose panel the user sits on."""
    if not is_active_user(user):
        return interviews.none()
    return interviews.filter(slot__panel=user)


def scope_interview_invitations(user: Any, interviews: QuerySet) -> QuerySet:
    """Whose calendar invitation of an interview a user may download: officers all; the candidate
    their own; a reviewer the interviews whose panel they sit on."""
    if is_officer(user):
        return interviews
    if is_applicant(user):
        return interviews.filter(application__applicant__user_id=user.pk)
    if is_reviewer(user):
        return scope_interviews(user, interviews)
    return interviews.none()


# Statuses in which an organization sees the candidates forwarded to it (its stage two and after).
FORWARDED_STATUSES = ("forwarded", "selected", "not_selected")


def scope_forwarded_candidates(user: Any, applications: QuerySet) -> QuerySet:
    """A focal point's candidates: forwarded to their organization, from stage two on."""
    if is_focal_point(user):
        return applications.filter(forwarded_to_id=user.organization_id, status__in=FORWARDED_STATUSES)
    return applications.none()


def scope_applicant_record(user: Any, applications: QuerySet) -> QuerySet:
    """The applications shown on a person's page (the desk's applicant page). Officers: every one, with
    everything recorded. Focal points: the candidates forwarded to their organization, from stage two on
    (the same as their dossiers), and nothing else of the person. Nobody else."""
    if is_officer(user):
        return applications
    if is_focal_point(user):
        return scope_forwarded_candidates(user, applications)
    return applications.none()


def scope_dossiers(user: Any, applications: QuerySet) -> QuerySet:
    """The applications whose PDF dossier the user may download. Officers: all. A panel: the
    applications assigned to the reviewer (unless the cycle's review is blind: the dossier names the
    person) and those whose interview slot the interviewer sits on. Focal points: candidates forwarded
    to their organization, from stage two on. Nobody else (applicants read their own application on
    its status page)."""
    if is_officer(user):
        return applications
    if is_focal_point(user):
        return scope_forwarded_candidates(user, applications)
    if is_reviewer(user):
        reviewed = Q(review_assignments__reviewer_id=user.pk) & ~Q(cycle__rubric__blind=True)
        interviewed = Q(interview__slot__panel=user)
        ids = applications.filter(reviewed | interviewed).values("pk")
        return applications.filter(pk__in=ids)
    return applications.none()


# --- Placement: posts, candidates, offers, dispatches, secondments, reminders -----------------------


def scope_posts(user: Any, posts: QuerySet) -> QuerySet:
    if is_officer(user):
        return posts
    if is_focal_point(user):
        return posts.filter(organization_id=user.organization_id)
    return posts.none()


def scope_candidates(user: Any, applications: QuerySet) -> QuerySet:
    """Focal points see the candidates who named their organization or were forwarded to it."""
    if is_officer(user):
        return applications
    if is_focal_point(user):
        org = user.organization_id
        return applications.filter(Q(preferences__organization_id=org) | Q(forwarded_to_id=org)).distinct()
    return applications.none()


def scope_offers(user: Any, offers: QuerySet) -> QuerySet:
    if is_officer(user):
        return offers
    if is_focal_point(user):
        return offers.filter(post__organization_id=user.organization_id)
    if is_applicant(user):
        return offers.filter(application__applicant__user=user)
    return offers.none()


def scope_dispatches(user: Any, dispatches: QuerySet) -> QuerySet:
    if is_officer(user):
        return dispatches
    if is_focal_point(user):
        return dispatches.filter(post__organization_id=user.organization_id)
    if is_ministry_hr(user):
        return dispatches.filter(secondment__ministry_id=user.ministry_id)
    if is_applicant(user):
        return dispatches.filter(application__applicant__user=user)
    return dispatches.none()


def scope_secondments(user: Any, secondments: QuerySet) -> QuerySet:
    if is_officer(user):
        return secondments
    if is_ministry_hr(user):
        return secondments.filter(ministry_id=user.ministry_id)
    return secondments.none()


def scope_reminders(user: Any, reminders: QuerySet) -> QuerySet:
    if is_officer(user):
        return reminders
    if is_active_user(user):
        return reminders.filter(Q(recipient=user) | Q(email=user.email))
    return reminders.none()


def require_post_scope(user: Any, post: Any) -> None:
    if not scope_posts(user, type(post).objects.filter(pk=post.pk)).exists():
        raise PermissionDenied


def require_dispatch_scope(user: Any, dispatch: Any) -> None:
    if not scope_dispatches(user, type(dispatch).objects.filter(pk=dispatch.pk)).exists():
        raise PermissionDenied


def require_secondment_scope(user: Any, secondment: Any) -> None:
    if not scope_secondments(user, type(secondment).objects.filter(pk=secondment.pk)).exists():
        raise PermissionDenied


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a view's request (the middleware and the role checks ran before any view
    body, so there is one): typed as our User."""
    return cast(User, request.user)

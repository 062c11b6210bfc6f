"""Deny by default: every page answers an anonymous visitor with a login redirect, 401, 403, 404 or 405,
except the few marked public. A new view that forgets its permission check fails here."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from jpo.accounts.access import has_role, role_required
from jpo.accounts.models import Role

PUBLIC = {
    "/",
    "/healthz",
    "/favicon.ico",
    "/about/",
    "/accounts/login/",
    "/admin/login/",
    "/api/docs",
    "/api/openapi.json",
}
# The applicant portal's public pages: landing, sign-up and Django's password-reset steps.
PUBLIC |= {
    "/portal/",
    "/accounts/signup/",
    "/accounts/signup/sent/",
    "/accounts/password-reset/",
    "/accounts/password-reset/sent/",
    "/accounts/reset/1/1/",
    "/accounts/reset/done/",
}
# The public calls for applications and the web self-check.
PUBLIC |= {"/calls/", "/calls/1/", "/calls/1/self-check/"}
# The site's icon (browsers ask for it on every page, signed in or not).
PUBLIC |= {"/favicon.ico"}


def _paths(resolver: URLResolver, prefix: str = "") -> list[str]:
    found: list[str] = []
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found.extend(_paths(entry, pattern))
        elif isinstance(entry, URLPattern):
            # Fill every converter with a value that parses, so the view itself is reached.
            path = re.sub(r"<(?:int:)?\w+>", "1", pattern)
            path = re.sub(r"<(?:str|slug|uuid|path):\w+>", "1", path)
            path = path.lstrip("^").rstrip("$").replace("\\Z", "")
            if "(" in path or "?" in path or "[" in path:  # regex patterns (admin internals): skip
                continue
            found.append("/" + path)
    return sorted(set(found))


@pytest.mark.django_db
def test_every_non_public_page_refuses_anonymous_visitors(client: Any) -> None:
    paths = _paths(get_resolver())
    assert len(paths) > 10, paths
    exposed = []
    for path in paths:
        if path in PUBLIC or path.startswith("/static/"):
            continue
        response = client.get(path)
        if response.status_code == 200:
            exposed.append(path)
        assert response.status_code != 500, path
    assert exposed == []


@pytest.mark.django_db
def test_public_pages_answer_anonymous_visitors(client: Any) -> None:
    for path in ["/", "/healthz", "/about/", "/accounts/login/"]:
        assert client.get(path).status_code == 200, path


@pytest.mark.django_db
def test_role_required_lets_only_the_named_roles_through(make_user: Any) -> None:
    @role_required(Role.OFFICER)
    def view(request: Any) -> str:
        return "ok"

    request = RequestFactory().get("/")
    request.user = make_user(Role.OFFICER)
    assert view(request) == "ok"
    for role in [Role.APPLICANT, Role.ANALYST, Role.REVIEWER]:
        request.user = make_user(role)
        with pytest.raises(PermissionDenied):
            view(request)


@pytest.mark.django_db
def test_inactive_user_holds_no_role(make_user: Any) -> None:
    user = make_user(Role.OFFICER, is_active=False)
    assert not has_role(user, Role.OFFICER)


@pytest.mark.django_db
def test_role_predicates_honour_is_active_and_superusers_the_same_way(make_user: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    from jpo.accounts import access
    from jpo.programme.models import Ministry, Organization

    org = Organization.objects.create(
        code="UNDP", name_en="UNDP", name_ja="国連開発計画", kind="fund_programme"
    )
    ministry = Ministry.objects.create(code="mhlw", name_en="MHLW", name_ja="厚生労働省")
    officer = make_user(Role.OFFICER)
    root = make_user(Role.ANALYST, is_superuser=True)
    focal = make_user(Role.FOCAL_POINT, organization=org)
    hr = make_user(Role.MINISTRY_HR, ministry=ministry)
    assert access.is_officer(officer) and access.is_officer(root)
    assert not access.is_officer(make_user(Role.OFFICER, is_active=False))
    assert not access.is_officer(make_user(Role.OFFICER, is_superuser=True, is_active=False))
    assert not access.is_officer(AnonymousUser())
    # Scoped roles narrow to one organization, ministry or person: a superuser never holds them.
    assert access.is_focal_point(focal) and not access.is_focal_point(root)
    assert access.is_ministry_hr(hr) and not access.is_ministry_hr(root)
    assert not access.is_applicant(root)
    for predicate, user in [(access.is_focal_point, focal), (access.is_ministry_hr, hr)]:
        user.is_active = False
        assert not predicate(user)

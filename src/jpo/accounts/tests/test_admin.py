"""The admin: only superusers manage users, groups, permissions and passwords. An officer on staff, even
one whose group was given every permission of the jpo apps (as databases made before the fix were),
cannot open a user, tick "superuser", set a password or edit a group; programme data stays open."""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client

from jpo.accounts.access import officer_group_permissions
from jpo.accounts.models import Role, User
from jpo.programme.models import Cycle

pytestmark = pytest.mark.django_db

ACCOUNT_PERMISSIONS = {
    "accounts.add_user",
    "accounts.change_user",
    "accounts.delete_user",
    "accounts.view_user",
    "auth.add_group",
    "auth.change_group",
    "auth.delete_group",
    "auth.view_group",
    "auth.add_permission",
    "auth.change_permission",
    "auth.delete_permission",
    "auth.view_permission",
}


def _codes(permissions: Any) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


@pytest.fixture
def old_officer(make_user: Any) -> User:
    """An officer on staff whose group holds every jpo and auth permission (the old, unsafe grant)."""
    officer = make_user(Role.OFFICER, is_staff=True)
    group = Group.objects.create(name="Programme officers")
    group.permissions.set(Permission.objects.all())
    officer.groups.add(group)
    return officer


@pytest.fixture
def superuser(make_user: Any) -> User:
    return make_user(Role.OFFICER, is_staff=True, is_superuser=True)


def test_officer_cannot_open_or_change_users(old_officer: User, superuser: User, client: Client) -> None:
    client.force_login(old_officer)
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get(f"/admin/accounts/user/{old_officer.pk}/change/").status_code == 403
    response = client.post(
        f"/admin/accounts/user/{old_officer.pk}/change/",
        {
            "username": old_officer.username,
            "email": old_officer.email,
            "role": Role.OFFICER,
            "preferred_language": "ja",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 403
    old_officer.refresh_from_db()
    assert not old_officer.is_superuser
    assert client.get("/admin/accounts/user/add/").status_code == 403
    assert client.get("/admin/").status_code == 200
    assert b"/admin/accounts/user/" not in client.get("/admin/").content


def test_officer_cannot_set_anyones_password(old_officer: User, superuser: User, client: Client) -> None:
    client.force_login(old_officer)
    url = f"/admin/accounts/user/{superuser.pk}/password/"
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": "taken-over-2026!", "password2": "taken-over-2026!"})
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert not superuser.check_password("taken-over-2026!")


def test_officer_cannot_manage_groups(old_officer: User, client: Client) -> None:
    client.force_login(old_officer)
    group = Group.objects.get()
    assert client.get("/admin/auth/group/").status_code == 403
    assert client.get(f"/admin/auth/group/{group.pk}/change/").status_code == 403


def test_officer_keeps_the_admin_of_programme_data(old_officer: User, client: Client) -> None:
    Cycle.objects.create(fiscal_year=2030)
    client.force_login(old_officer)
    assert client.get("/admin/programme/cycle/").status_code == 200


def test_superuser_manages_users(superuser: User, old_officer: User, client: Client) -> None:
    client.force_login(superuser)
    assert client.get(f"/admin/accounts/user/{old_officer.pk}/change/").status_code == 200
    assert client.get(f"/admin/accounts/user/{old_officer.pk}/password/").status_code == 200
    assert client.get("/admin/auth/group/").status_code == 200


def test_officers_group_holds_programme_data_but_no_account_management() -> None:
    codes = _codes(officer_group_permissions())
    assert "programme.change_cycle" in codes
    assert "applications.view_applicant" in codes
    assert codes.isdisjoint(ACCOUNT_PERMISSIONS)


def test_demo_officers_group_holds_no_account_management() -> None:
    from jpo.demo.logins import OFFICERS_GROUP, demo_logins_upsert
    from jpo.programme.models import Ministry, Organization

    Organization.objects.create(code="UNDP", name_en="UNDP", name_ja="国連開発計画", kind="fund_programme")
    Ministry.objects.create(code="MHLW", name_en="MHLW", name_ja="厚生労働省")
    users = demo_logins_upsert()
    group = Group.objects.get(name=OFFICERS_GROUP)
    assert _codes(group.permissions.all()).isdisjoint(ACCOUNT_PERMISSIONS)
    assert not users["officer"].has_perm("accounts.change_user")
    assert users["officer"].has_perm("programme.change_cycle")


def test_migration_strips_account_management_from_existing_groups(make_user: Any) -> None:
    group = Group.objects.create(name="Programme officers")
    group.permissions.set(Permission.objects.all())
    officer = make_user(Role.OFFICER, is_staff=True)
    officer.user_permissions.add(Permission.objects.get(codename="change_user"))
    root = make_user(Role.OFFICER, is_superuser=True)
    root.user_permissions.add(Permission.objects.get(codename="change_user"))
    migration = importlib.import_module("jpo.accounts.migrations.0004_no_account_management_for_staff")
    # The migration works on the database its schema editor is connected to; only `.connection` is read.
    migration.strip_account_management(global_apps, SimpleNamespace(connection=connection))
    assert _codes(group.permissions.all()).isdisjoint(ACCOUNT_PERMISSIONS)
    assert "programme.change_cycle" in _codes(group.permissions.all())
    assert not officer.user_permissions.exists()
    assert root.user_permissions.exists()

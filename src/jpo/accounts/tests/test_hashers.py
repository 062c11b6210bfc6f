"""Passwords are stored with Argon2id at the configured cost; older PBKDF2 hashes upgrade at log-in."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client

from jpo import settings as project_settings
from jpo.accounts.models import User

pytestmark = pytest.mark.django_db

# OWASP's minimum Argon2id configuration of 7 MiB, 5 passes, 1 lane.
NOW = "argon2$argon2id$v=19$m=7168,t=5,p=1$"


@pytest.fixture
def project_hashers(settings: Any) -> None:
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS  # the tests otherwise use MD5 for speed


def test_new_passwords_use_argon2id_with_the_chosen_cost(project_hashers: None) -> None:
    assert make_password("a-long-test-password").startswith(NOW)


def test_a_pbkdf2_hash_still_logs_in_and_is_upgraded(project_hashers: None, make_user: Any) -> None:
    user = make_user("applicant")
    User.objects.filter(pk=user.pk).update(password=make_password("old-password-123", hasher="pbkdf2_sha256"))
    response = Client().post("/accounts/login/", {"username": user.username, "password": "old-password-123"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith(NOW)


def test_a_hash_with_the_previous_argon2_cost_logs_in_and_is_upgraded(
    project_hashers: None, make_user: Any
) -> None:
    import argon2

    user = make_user("applicant")
    previous = argon2.PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=argon2.Type.ID)
    User.objects.filter(pk=user.pk).update(password="argon2" + previous.hash("old-password-123"))
    response = Client().post("/accounts/login/", {"username": user.username, "password": "old-password-123"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith(NOW)
    assert Client().login(username=user.username, password="old-password-123")

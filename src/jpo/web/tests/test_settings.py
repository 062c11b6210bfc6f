"""Settings come from the environment; production refuses to start without its secrets."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

STRONG_KEY = "k7Qp2vX9-mZ4rT8wL1nB6yH3cF5jD0sG_aE7uR2iO9pK4xV1qW8zN3mY6tB5hJ0l"
PRODUCTION = {
    "JPO_ENV": "production",
    "JPO_ALLOWED_HOSTS": "jpo.example.jp",
    "JPO_SECRET_KEY": STRONG_KEY,
    "JPO_BASE_URL": "https://jpo.example.jp",
}


def _django_check(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # As deployed: none of our settings, and not the browser tests' async switch (a deploy warning).
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith("JPO_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "jpo.cli", "check", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def test_production_without_secret_key_is_a_startup_error() -> None:
    result = _django_check(JPO_ENV="production", JPO_ALLOWED_HOSTS="jpo.example.jp")
    assert result.returncode != 0
    assert "JPO_SECRET_KEY must be set" in result.stderr


def test_production_without_base_url_is_a_startup_error() -> None:
    result = _django_check(
        JPO_ENV="production", JPO_ALLOWED_HOSTS="jpo.example.jp", JPO_SECRET_KEY=STRONG_KEY
    )
    assert result.returncode != 0
    assert "JPO_BASE_URL must be set" in result.stderr


def test_production_with_its_settings_starts() -> None:
    result = _django_check(
        JPO_ENV="production",
        JPO_ALLOWED_HOSTS="jpo.example.jp",
        JPO_SECRET_KEY=STRONG_KEY,
        JPO_BASE_URL="https://jpo.example.jp",
    )
    assert result.returncode == 0, result.stderr


def test_database_url_selects_the_database(tmp_path: object) -> None:
    code = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    environment = dict(
        os.environ, DATABASE_URL="postgres://u@db.example:5432/jpo", DJANGO_SETTINGS_MODULE="jpo.settings"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=60
    )
    assert out.stdout.strip() == "django.db.backends.postgresql"


def test_without_jpo_env_the_settings_are_production(tmp_path: object) -> None:
    # A virtualenv without the development marker (as deployed) and no JPO_ENV: production checks apply.
    code = "import django; django.setup()"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("JPO_")}
    environment["DJANGO_SETTINGS_MODULE"] = "jpo.settings"
    result = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.prefix = {str(tmp_path)!r}; {code}"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )
    assert result.returncode != 0
    assert "JPO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "short-key",
        "x" * 60,  # long but no variety
        "development-only-not-secret",
        "django-insecure-" + "a1b2c3d4e5f6g7h8i9j0" * 3,
    ],
)
def test_production_refuses_a_weak_secret_key(key: str) -> None:
    result = _django_check(**{**PRODUCTION, "JPO_SECRET_KEY": key})
    assert result.returncode != 0
    assert "JPO_SECRET_KEY is too weak for production" in result.stderr


def test_production_refuses_debug() -> None:
    result = _django_check(**{**PRODUCTION, "JPO_DEBUG": "1"})
    assert result.returncode != 0
    assert "JPO_DEBUG=1 is refused when JPO_ENV=production" in result.stderr


def test_deploy_checks_are_clean_in_production() -> None:
    result = _django_check("--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "WARNING" not in result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_production_headers_hsts_one_year_and_secure_cookies() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("JPO_")}
    environment.update(PRODUCTION, DJANGO_SETTINGS_MODULE="jpo.settings")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=60
    )
    assert out.stdout.split() == ["31536000", "True", "True", "True", "True", "False"], out.stderr

"""Settings come from the environment; production refuses to start without its secrets."""

from __future__ import annotations

import os
import subprocess
import sys


def _django_check(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("JPO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "jpo.cli", "check"],
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
    result = _django_check(JPO_ENV="production", JPO_ALLOWED_HOSTS="jpo.example.jp", JPO_SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "JPO_BASE_URL must be set" in result.stderr


def test_production_with_its_settings_starts() -> None:
    result = _django_check(
        JPO_ENV="production",
        JPO_ALLOWED_HOSTS="jpo.example.jp",
        JPO_SECRET_KEY="x" * 50,
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

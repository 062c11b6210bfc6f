from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def rep_user(db: Any) -> Any:
    """Create a user with a role (and scope) for this app's permission tests."""
    from jpo.accounts.models import User

    counter = {"n": 0}

    def _make(role: str = "applicant", **extra: Any) -> Any:
        counter["n"] += 1
        username = f"rep-{role}-{counter['n']}"
        return User.objects.create_user(
            username=username,
            email=f"{username}@example.jp",
            password="a-long-test-password",
            role=role,
            **extra,
        )

    return _make

from __future__ import annotations

from typing import Any

import pytest

from jpo.accounts.models import Role, User
from jpo.workforce.services import workforce_load_reference_data


def make(role: str, username: str | None = None) -> User:
    from jpo.placement.tests import factories

    name = username or role
    scope: dict[str, Any] = {}
    if role == Role.FOCAL_POINT:
        scope["organization"] = factories.organization()
    if role == Role.MINISTRY_HR:
        scope["ministry"] = factories.ministry()
    return User.objects.create_user(
        username=name, email=f"{name}@example.jp", password="x" * 12, role=role, **scope
    )


@pytest.fixture
def analyst(db: Any) -> User:
    return make(Role.ANALYST)


@pytest.fixture
def officer(db: Any) -> User:
    return make(Role.OFFICER)


@pytest.fixture
def loaded(db: Any) -> None:
    """The published series and official targets shipped with the app."""
    workforce_load_reference_data()

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    """Background tasks (the outbox's e-mails) run at once, so tests see the e-mails sent."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

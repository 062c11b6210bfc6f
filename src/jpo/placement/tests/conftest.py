"""Fixtures of placement tests."""

from __future__ import annotations

import datetime as dt

import pytest

from jpo.placement.services.dates import TOKYO

# A day after every date the placement tests record (dispatches of 2025-2028, follow-ups to 2035): the
# services refuse a date after today, so these tests run on a fixed day whatever the machine's date.
LATER = dt.datetime(2040, 1, 10, 10, 0, tzinfo=TOKYO)


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """The server clock set to `LATER` (`django.utils.timezone.now` is the clock our code reads)."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: LATER)
    return LATER

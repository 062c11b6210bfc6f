"""Small builders for tests: real rows through the real models (no mocks of our own code)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jpo.applications.models import Applicant, Application
from jpo.programme.models import Cycle, Track, TrackKind


def make_application(*, fiscal_year: int = 2024, track: str = TrackKind.MOFA, **extra: Any) -> Application:
    cycle, _ = Cycle.objects.get_or_create(fiscal_year=fiscal_year)
    track_row, _ = Track.objects.get_or_create(cycle=cycle, kind=track)
    n = Applicant.objects.count() + 1
    applicant = Applicant.objects.create(
        family_name="山田",
        given_name=f"花子{n}",
        birth_date=dt.date(1995, 5, 1),
        email=f"applicant{n}@example.jp",
        nationalities=["JP"],
    )
    return Application.objects.create(applicant=applicant, cycle=cycle, track=track_row, **extra)

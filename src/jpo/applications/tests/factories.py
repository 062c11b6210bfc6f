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


def make_pdf(*, pages: int = 1, pad_bytes: int = 0, text: str = "JPO test document") -> bytes:
    """A small valid PDF (pypdf), optionally padded with an embedded file to reach a size."""
    import io
    import os

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    if pad_bytes:
        writer.add_attachment("padding.bin", os.urandom(pad_bytes))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


ELIGIBLE_PROFILE: dict[str, Any] = {
    "birth_date": dt.date(1995, 5, 1),
    "degree": {
        "level": "master",
        "field": "development economics",
        "institution": "Kobe University",
        "awarded": dt.date(2020, 3, 24),
    },
    "job": {
        "employer": "Example K.K.",
        "title": "Analyst",
        "start": dt.date(2020, 4, 1),
        "end": None,
        "type": "full_time",
        "sector": "private",
        "description": "",
    },
    "test": {"test": "toefl_ibt", "score": 105, "taken": dt.date(2025, 6, 1)},
}

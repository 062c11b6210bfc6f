"""Our notes beside published figures read in the reader's language."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from jpo.workforce.notes import japanese_notes, note_label
from jpo.workforce.services import workforce_load_reference_data

DATA = Path(__file__).resolve().parents[1] / "data"


def test_every_shipped_note_has_its_japanese_version() -> None:
    notes = set()
    for path in DATA.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            notes |= {row["note"] for row in csv.DictReader(handle) if row.get("note")}
    assert notes, "the shipped files carry notes"
    assert sorted(notes - set(japanese_notes())) == []
    assert all(japanese_notes()[n] and japanese_notes()[n] != n for n in notes if n.isascii())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        ("ja", "「2025年までに1,000人」目標の基準値。", "Baseline of the 1,000-by-2025 target."),
        ("en", "Baseline of the 1,000-by-2025 target.", "「2025年までに1,000人」目標の基準値。"),
    ],
)
def test_dashboard_shows_notes_in_the_readers_language(
    client: Any, officer: Any, language: str, shown: str, hidden: str
) -> None:
    workforce_load_reference_data()
    client.force_login(officer)
    client.cookies["jpo_language"] = language
    html = client.get(reverse("workforce:dashboard")).content.decode()
    assert shown in html
    assert hidden not in html
    assert ("Only the year is published" in html) == (language == "en")


def test_a_note_without_translation_is_shown_as_written() -> None:
    with translation.override("ja"):
        assert note_label("Typed by an importer.") == "Typed by an importer."
        assert note_label("42 organizations.") == "42機関。"
    with translation.override("en"):
        assert note_label("42 organizations.") == "42 organizations."

"""The notes beside published staff figures, in the reader's language.

A note is ours (how a figure was read, what a source leaves out), so a Japanese reader gets it in
Japanese (data/notes_ja.yaml); a note typed in an imported file has no translation and is shown as written.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from jpo.programme.labels import get_language_short

NOTES_JA = Path(__file__).resolve().parent / "data" / "notes_ja.yaml"


@cache
def japanese_notes() -> dict[str, str]:
    with NOTES_JA.open(encoding="utf-8") as handle:
        return {str(k): str(v) for k, v in (yaml.safe_load(handle) or {}).items()}


def note_label(note: str) -> str:
    """The note in the active language (as written where no Japanese version is kept)."""
    if not note or get_language_short() != "ja":
        return note
    return japanese_notes().get(note, note)

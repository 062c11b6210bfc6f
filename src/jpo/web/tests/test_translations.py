"""Both languages: every message of the Japanese catalogue is translated and the compiled file is current."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def test_every_message_has_a_japanese_translation() -> None:
    catalogue = polib.pofile(str(LOCALE / "ja" / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in catalogue if not entry.translated()]
    assert untranslated == []
    assert len(catalogue) > 100


def test_compiled_catalogue_matches_the_source() -> None:
    source = polib.pofile(str(LOCALE / "ja" / "LC_MESSAGES" / "django.po"))
    compiled = polib.mofile(str(LOCALE / "ja" / "LC_MESSAGES" / "django.mo"))
    compiled_map = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in compiled}
    for entry in source.translated_entries():
        if entry.msgid_plural:
            continue
        assert compiled_map.get((entry.msgctxt, entry.msgid)) == entry.msgstr, entry.msgid


def test_no_message_is_defined_twice() -> None:
    # GNU msgfmt refuses a catalogue with a repeated (context, message); the .po merges by union, so check.
    catalogue = polib.pofile(str(LOCALE / "ja" / "LC_MESSAGES" / "django.po"))
    counts = Counter((entry.msgctxt, entry.msgid) for entry in catalogue)
    assert [key for key, count in counts.items() if count > 1] == []

"""Both languages: every message of the Japanese catalogue is translated and the compiled file is current."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import polib
import pytest

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


# The names the code marks messages with (django.utils.translation imported as these names).
KEYWORDS = (
    "_",
    "_lazy",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext:1,2",
    "ngettext_lazy:1,2",
    "pgettext:1c,2",
    "pgettext_lazy:1c,2",
    "npgettext:1c,2,3",
    "npgettext_lazy:1c,2,3",
)


def test_the_catalogue_holds_exactly_the_messages_the_code_uses(tmp_path: Path) -> None:
    """Every message the code and the templates (HTML, e-mail text, SVG charts) ask for is in the catalogue
    (a missing one shows in English on Japanese pages: the charts said "staff unknown"), and every entry
    of the catalogue is still asked for (a dead one misleads whoever translates). The messages are
    extracted the way makemessages does (templates through Django's templatize, then GNU xgettext)."""
    xgettext = shutil.which("xgettext")
    if xgettext is None:
        pytest.skip("GNU gettext (xgettext) is not installed")
    from django.utils.translation.template import templatize

    package = LOCALE.parent
    files = []
    for path in sorted(package.rglob("*")):
        if {"tests", "migrations"} & set(path.relative_to(package).parts):
            continue
        if path.suffix == ".py":
            files.append(str(path))
        elif path.is_file() and "templates" in path.parts:
            copy = tmp_path / (str(path.relative_to(package)).replace("/", "__") + ".py")
            copy.write_text(templatize(path.read_text(encoding="utf-8"), origin=str(path)), encoding="utf-8")
            files.append(str(copy))
    listing = tmp_path / "files.txt"
    listing.write_text("\n".join(files), encoding="utf-8")
    pot = tmp_path / "used.pot"
    subprocess.run(
        [xgettext, "-L", "Python", "--from-code=UTF-8", "-o", str(pot), "-f", str(listing)]
        + [f"--keyword={keyword}" for keyword in KEYWORDS],
        check=True,
    )
    used = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(pot))}
    catalogue = {
        (entry.msgctxt, entry.msgid)
        for entry in polib.pofile(str(LOCALE / "ja" / "LC_MESSAGES" / "django.po"))
    }
    assert len(used) > 100
    assert sorted(used - catalogue, key=str) == [], "asked for but not in the catalogue"
    assert sorted(catalogue - used, key=str) == [], "in the catalogue but asked for by nothing"

"""People's names in the order their script expects, the same on every page, e-mail, PDF and API answer.

The rule (one place, used by `Applicant`, `AlumniRecord`, `User.get_full_name` and the notifications):

- A name written (or read, for the kana fields) with Japanese or other East Asian characters — kanji,
  hiragana, katakana, hangul — is written family name first: 山田 花子. The project decided this order for
  Japanese names in both languages of the interface.
- A name written only in another script (Latin: "Susan Banks") is written given name first, as its owner
  writes it.

The record keeps the two parts apart; only the display joins them. Nationality does not decide: a Japanese
national may be called Susan Banks, and the system asks Japanese names in kanji and kana anyway. An empty
part is left out (no stray space).
"""

from __future__ import annotations

import re

# Han ideographs (with extension A and the compatibility block), hiragana, katakana (with phonetic
# extensions and half-width forms), CJK symbols, the ideographic space, and hangul.
_EAST_ASIAN = re.compile(
    "[\u3000-\u303f\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff66-\uff9f\uac00-\ud7af\u1100-\u11ff]"
)


def family_name_first(*parts: str | None) -> bool:
    """Whether a name whose parts (and readings) are these is written family name first."""
    return any(part and _EAST_ASIAN.search(part) for part in parts)


def person_name(family: str | None, given: str | None, *readings: str | None) -> str:
    """The full name for display: `family given` for Japanese (East Asian) names, `given family` otherwise.

    `readings` are the kana readings where the record has them: a name read in kana is a Japanese name
    even when typed in Latin letters.
    """
    family, given = (family or "").strip(), (given or "").strip()
    ordered = (family, given) if family_name_first(family, given, *readings) else (given, family)
    return " ".join(part for part in ordered if part)

"""The one rule for the order of a person's name (jpo.core.names)."""

from __future__ import annotations

import pytest

from jpo.core.names import person_name


@pytest.mark.parametrize(
    ("family", "given", "readings", "expected"),
    [
        ("山田", "花子", (), "山田 花子"),  # kanji: family name first
        ("やまだ", "はなこ", (), "やまだ はなこ"),  # hiragana
        ("ヤマダ", "ハナコ", (), "ヤマダ ハナコ"),  # katakana
        ("김", "민준", (), "김 민준"),  # hangul: family name first too
        ("Banks", "Susan", (), "Susan Banks"),  # Latin: given name first
        ("García Márquez", "Gabriel", (), "Gabriel García Márquez"),
        ("Yamada", "Hanako", ("ヤマダ", "ハナコ"), "Yamada Hanako"),  # read in kana: a Japanese name
        ("Banks", "", (), "Banks"),  # an empty part leaves no stray space
        ("", "  Susan ", (), "Susan"),
        (None, None, (), ""),
    ],
)
def test_the_script_of_a_name_decides_its_order(
    family: str | None, given: str | None, readings: tuple[str, ...], expected: str
) -> None:
    assert person_name(family, given, *readings) == expected

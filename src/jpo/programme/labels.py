"""How people read a fiscal year: FY2027 in English, 2027年度 in Japanese (the language of the request or
of the e-mail being written). Codes for machines stay FY2027 (Cycle.code). Likewise a published date
and a Member State's name."""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

from django.utils.translation import get_language, gettext


def fiscal_year_label(fiscal_year: int) -> str:
    return gettext("FY%(fy)s") % {"fy": fiscal_year}


# Japanese short names of the UN Member States as the Ministry of Foreign Affairs writes them (each row
# cites its source; docs/sources.md, section 5). The workforce census and the representation pages read
# them, so they live here, below both.
MEMBER_STATE_NAMES_JA_FILE = Path(__file__).resolve().parent / "reference" / "member_states_ja.csv"


@functools.cache
def member_state_names_ja() -> dict[str, str]:
    """{ISO3: Japanese short name} of every UN Member State, from the shipped list."""
    with MEMBER_STATE_NAMES_JA_FILE.open(encoding="utf-8", newline="") as f:
        return {row["iso3"]: row["name_ja"] for row in csv.DictReader(f)}


def member_state_label(iso3: str, name_en: str, language: str | None = None) -> str:
    """A Member State's name in the reader's language: MOFA's Japanese short name on Japanese pages, the
    English name given otherwise (or where the list has no Japanese name)."""
    if (language or get_language_short()) == "ja":
        return member_state_names_ja().get(iso3, name_en)
    return name_en


def get_language_short() -> str:
    """The active language without region: "ja" or "en"."""
    return (get_language() or "ja").split("-")[0]


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_PART_OF_YEAR = {"end": "年末", "mid": "年半ば", "early": "年初め", "late": "年後半", "start": "年初め"}
_DAY_MONTH_YEAR = re.compile(r"(?:(\d{1,2}) )?([A-Za-z]+)\.? (\d{4})")
_PART_YEAR = re.compile(r"(end|mid|early|late|start) (?:of )?(\d{4})", re.IGNORECASE)
_YEAR = re.compile(r"(\d{4})")
_WITH_NOTE = re.compile(r"(.+?) \(([^()]+)\)")


def published_date_label(label: str, language: str | None = None) -> str:
    """A reference date as its source published it ("end 2024", "Jan 2009", "30 Jun 2015", "2016"), in
    the reader's language: as published in English; 2024年末, 2009年1月, 2015年6月30日, 2016年 in
    Japanese. A label of another form is returned as published (it is a citation, not our words).

    The published form is what is stored (its precision is the source's: a month, a year's end), and it
    is read at render time, so one record serves both languages."""
    text = " ".join((label or "").split())
    if (language or get_language_short()) != "ja" or not text:
        return text
    noted = _WITH_NOTE.fullmatch(text)
    if noted:  # "2001 (Kono)": the date read, the note (who published it) kept as written
        return f"{_ja_date(noted.group(1)) or noted.group(1)}（{noted.group(2)}）"
    return _ja_date(text) or text


def _ja_date(text: str) -> str | None:
    if found := _YEAR.fullmatch(text):
        return f"{found.group(1)}年"
    if found := _PART_YEAR.fullmatch(text):
        return f"{found.group(2)}{_PART_OF_YEAR[found.group(1).lower()]}"
    if (found := _DAY_MONTH_YEAR.fullmatch(text)) and found.group(2).lower() in _MONTHS:
        day, month, year = found.group(1), _MONTHS[found.group(2).lower()], found.group(3)
        return f"{year}年{month}月{day}日" if day else f"{year}年{month}月"
    return None

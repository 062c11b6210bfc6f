"""What a Japanese page must not show: English sentences (text set apart with lang="en" or translate="no"
is allowed: proper names, codes, citations quoted as published), "None", snake_case identifiers, references to the team's notes or issues,
empty parentheses, a range with neither end ("— – —"), fiscal years written FY2026 instead of 2026年度, dates written as an English source
wrote them ("end 2024" instead of 2024年末), and codes beside a translated answer ("はい (CAA)").
(The order of names is checked by the page tour itself: it needs the people in the database.)"""

from __future__ import annotations

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")

# Addresses, and the {{ placeholders }} of e-mail templates (codes the officer types), are not words.
URL_OR_EMAIL = re.compile(
    r"https?://\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+|www\.\S+|\{\{\s*\w+\s*\}\}"
    # Slash-joined codes: UN document symbols (A/72/123) and repository names (owner/name).
    r"|\b[\w.-]+/[\w./-]+"
)
_JAPANESE = "[\u3040-\u30ff\u3400-\u9fff]"  # kana and kanji (not full-width punctuation)
_DATE = (
    r"\b(?:end|mid|early|late|start)\s+(?:of\s+)?\d{4}\b"
    r"|\b(?:\d{1,2}\s+)?(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t|tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s+\d{4}\b"
)
CHECKS: list[tuple[str, re.Pattern[str]]] = [
    ("None", re.compile(r"\bNone\b")),
    ("identifier", re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")),
    ("internal reference", re.compile(r"FACTS|\bissue\s*#?\d+|#\d{1,3}\b|§\s*\d")),
    ("empty parentheses", re.compile(r"\(\s*\)|（\s*）")),
    # Pages counted the English way ("(1 p.)"): 1ページ.
    ("English abbreviation", re.compile(r"\b\d+\s?pp?\.")),
    # A window with neither end ("— – —"): the page says in words that there is none.
    ("empty range", re.compile(r"—\s*[–~〜-]\s*—")),
    ("fiscal year in English", re.compile(r"\bFY\s?\d{4}\b")),
    # A date as an English source wrote it ("end 2024", "Jan 2009") used as our words: beside Japanese
    # ("end 2024 時点", "Jan 2009 までに") or standing alone (a table cell); it reads 2024年末, 2009年1月.
    # Inside a quoted citation ("Tokyo Shimbun, 6 Oct 2013") it is the source's own words and stays.
    (
        "date in English",
        re.compile(rf"(?:{_DATE})\s*{_JAPANESE}|{_JAPANESE}[\s：]*(?:{_DATE})|^\s*(?:{_DATE})\s*$"),
    ),
    # A code in parentheses beside a translated answer ("はい (CAA)"): the name is shown, not the code.
    ("code beside a word", re.compile(r"(?:はい|いいえ|あり|なし)\s*[(（]\s*[A-Za-z][A-Za-z0-9_-]*\s*[)）]")),
    # Three lower-case English words in a row: a sentence or a phrase, not a name or a code.
    (
        "English",
        re.compile(
            r"\b[A-Za-z][a-z]+(?:[ ,;:'-]+(?:a|an|the|of|to|in|on|for|and|or|is|are|be|by|with|[a-z]{2,})\b){3,}"
        ),
    ),
]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, text inside is exempt)
        self.parts: list[str] = []

    def _exempt(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = values.get("lang")
        exempt = (
            self._exempt()
            or tag in {"script", "style", "code", "pre", "template"}
            or (lang is not None and not lang.startswith("ja") and tag != "html")
            or values.get("translate") == "no"  # proper names, codes, citations quoted as published
        )
        if not exempt:
            self.parts.extend(str(values[name]) for name in READ_ATTRIBUTES if values.get(name))
            if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
                self.parts.append(str(values["value"]))
        if tag not in VOID:
            self.stack.append((tag, exempt))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self._exempt() and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    """The text a reader meets (with labels read aloud), outside parts marked as another language."""
    parser = _Text()
    parser.feed(html)
    return parser.parts


def wording_problems(html: str) -> list[str]:
    problems = []
    for text in visible_text(html):
        bare = URL_OR_EMAIL.sub("·", text)  # a mark, so "(https://…)" is not taken for empty parentheses
        for name, pattern in CHECKS:
            found = pattern.search(bare)
            if found:
                problems.append(f"{name}: {found.group(0)!r} in {text[:160]!r}")
    return problems

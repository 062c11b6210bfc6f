"""Walk the site as one signed-in person: every page reachable by links from the home page, one of each
kind (the same URL pattern with another id counts once). Used by the tests that read every page of every
role (the Japanese wording, and the page width in a browser)."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlsplit

from django.urls import Resolver404, resolve

# Not pages to read: the admin (Django's own), the API and its schema, files, the log-out and language forms.
SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/i18n/", "/accounts/logout/")
SKIP_SUFFIXES = (".csv", ".xlsx", ".pdf", ".svg", ".json", ".ics", ".png", ".ico", ".txt", ".zip")
SKIP_NAMES = {"portal:document", "selection:review_document", "workforce:import_errors"}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def shape(url: str) -> str | None:
    """The kind of page a URL opens (its URL pattern and query keys), or None when it is not one to read."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(SKIP_PREFIXES) or parts.path.endswith(SKIP_SUFFIXES):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.view_name in SKIP_NAMES:
        return None
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return match.view_name + "?" + "&".join(keys)


@dataclass
class Page:
    url: str
    status: int
    html: str


def crawl(
    get: Callable[[str], tuple[int, str]], *, start: tuple[str, ...] = ("/",), limit: int = 120
) -> Iterator[Page]:
    """Pages reachable from `start` through `get(url) -> (status, html)`, one per kind, breadth first."""
    queue = deque(start)
    seen: set[str] = set()
    visited = 0
    while queue and visited < limit:
        url = urldefrag(queue.popleft()).url
        kind = shape(url)
        if kind is None or kind in seen:
            continue
        seen.add(kind)
        status, html = get(url)
        visited += 1
        yield Page(url, status, html)
        if status == 200:
            queue.extend(href for href in links(html) if not re.match(r"^(mailto|tel|javascript):", href))

"""Downloads named by the system: the checked type's extension and Content-Type, never the name or
extension an uploader gave (`cv.exe`, `cv.html`), served as an attachment the browser will not sniff."""

from __future__ import annotations

import re
from typing import Any

from django.http import FileResponse, HttpResponse

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "svg": "image/svg+xml",
    "json": "application/json",
    "ics": "text/calendar; charset=utf-8",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def download_name(*parts: object, extension: str) -> str:
    """A file name of ASCII letters, digits, dots, dashes and underscores, ending in `.extension`."""
    if extension not in CONTENT_TYPES:
        raise ValueError(f"no content type known for .{extension}")
    stem = "-".join(_UNSAFE.sub("-", str(p)).strip("-.") for p in parts if str(p).strip())
    return f"{stem[:120] or 'download'}.{extension}"


def _headers(response: HttpResponse | FileResponse, name: str) -> None:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"


def file_download(handle: Any, *parts: object, extension: str) -> FileResponse:
    """A stored file as an attachment named from `parts` (e.g. receipt number and kind)."""
    name = download_name(*parts, extension=extension)
    response = FileResponse(handle, content_type=CONTENT_TYPES[extension])
    _headers(response, name)
    response["Cache-Control"] = "private, no-store"
    return response


def bytes_download(content: bytes | str, *parts: object, extension: str) -> HttpResponse:
    """Generated content (an export) as an attachment named from `parts`."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[extension])
    _headers(response, download_name(*parts, extension=extension))
    return response

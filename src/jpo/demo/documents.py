"""The PDF documents of synthetic applications: one small, valid, one-page PDF per document, saying on
its face that it is synthetic and what it stands for (no real CV, letter or certificate exists).

Files are written straight under MEDIA_ROOT at the generated name a real upload gets
(`applications.models.document_upload_to`), on a background thread while the load goes on, and the
Document rows are inserted in bulk. What the portal checks on upload (a PDF that `pypdf` reads, its
SHA-256 and page count) holds for every file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from django.core.files.storage import default_storage
from django.utils import timezone

from jpo.applications.models import Application, Document, DocumentKind, document_upload_to
from jpo.core.bulksql import rows_insert

# Drafts have begun with their CV and cover letter; a submitted application had every required one.
DRAFT_KINDS = (DocumentKind.CV, DocumentKind.COVER_LETTER)
SUBMITTED_KINDS = (DocumentKind.CV, DocumentKind.COVER_LETTER, DocumentKind.DEGREE, DocumentKind.LANGUAGE)
_TITLES = {
    DocumentKind.CV: "Curriculum vitae",
    DocumentKind.COVER_LETTER: "Cover letter",
    DocumentKind.DEGREE: "Degree certificate",
    DocumentKind.LANGUAGE: "Language score report",
}


def _escape(text: str) -> str:
    ascii_text = text.encode("ascii", "replace").decode("ascii")
    return ascii_text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def synthetic_pdf(lines: Iterable[str]) -> bytes:
    """A one-page PDF (Helvetica, ASCII text) with one line of text per item of `lines`."""
    text = ["BT", "/F1 12 Tf", "72 760 Td", "16 TL"]
    text += [f"({_escape(line)}) '" for line in lines]
    text.append("ET")
    stream = "\n".join(text).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class DocumentWriter:
    """Writes the files of `documents_create` on a background thread while the load goes on (writing
    thousands of small files waits on the disk, not on Python), and is joined before the transaction
    commits. `discard()` removes what was written, for a load that failed."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-documents")
        self._jobs: list[Future[None]] = []
        self._paths: list[str] = []

    def write(self, files: list[tuple[str, bytes]]) -> None:
        self._paths += [path for path, _ in files]
        self._jobs.append(self._pool.submit(_write_all, files))

    def finish(self) -> None:
        for job in self._jobs:
            job.result()  # raises what the thread raised
        self._pool.shutdown()

    def discard(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        for path in self._paths:
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)


def _write_all(files: list[tuple[str, bytes]]) -> None:
    made: set[str] = set()
    for path, content in files:
        folder = os.path.dirname(path)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        _write_new(path, content)


def documents_create(applications: Iterable[tuple[Application, bool]], *, writer: DocumentWriter) -> int:
    """Record the documents of each (application, complete): all four kinds when complete (a submitted
    application had them all), else the CV and cover letter a draft begins with. `writer` writes the files."""
    root = Path(default_storage.path(""))
    now = timezone.now()
    rows = []
    files = []
    for application, complete in applications:
        kinds = SUBMITTED_KINDS if complete else DRAFT_KINDS
        for kind in kinds:
            public_id = uuid.uuid4()
            content = synthetic_pdf(
                [
                    "SYNTHETIC DEMONSTRATION DOCUMENT (jpo demo) - not a real document",
                    f"{_TITLES[kind]} of a synthetic applicant",
                    f"Application: {application.cycle.code}, {application.applicant.email}",
                ]
            )
            name = document_upload_to(Document(public_id=public_id), "document.pdf")
            files.append((str(root / name), content))
            digest = hashlib.sha256(content).hexdigest()
            rows.append(
                (
                    public_id,
                    application.pk,
                    kind.value,
                    name,
                    f"{kind.value}-synthetic.pdf",
                    len(content),
                    digest,
                    1,
                    now,
                )
            )
    writer.write(files)
    return rows_insert(
        Document,
        [
            "public_id",
            "application_id",
            "kind",
            "file",
            "original_name",
            "size",
            "sha256",
            "pages",
            "uploaded_at",
        ],
        rows,
    )


def _write_new(path: str, content: bytes) -> None:
    """Create the file and write it with three system calls (a buffered file object costs twice as much
    for thousands of small files); O_EXCL: a generated name never overwrites a file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        os.write(fd, content)
    finally:
        os.close(fd)


def documents_files(queryset: Iterable[Document]) -> list[str]:
    return [d.file.name for d in queryset if d.file.name]

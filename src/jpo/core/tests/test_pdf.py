"""The shared PDF font: Japanese text is embedded (a subset of IPAex Gothic), not a named CID font that
only renders where the reader happens to have one."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader
from reportlab.pdfgen import canvas

from jpo.core.pdf import FONT_FILE, japanese_font


def _fonts(reader: PdfReader) -> list[Any]:
    found = []
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font = ref.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                found.append(descendant.get_object())
    return found


def test_japanese_text_is_embedded_and_extractable() -> None:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setFont(japanese_font(), 12)
    pdf.drawString(40, 800, "応募者 山田太郎 2026年度")
    pdf.save()
    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    assert "応募者 山田太郎 2026年度" in reader.pages[0].extract_text()
    fonts = _fonts(reader)
    assert fonts and all("/FontFile2" in f["/FontDescriptor"] for f in fonts if "/FontDescriptor" in f)
    assert any("IPAexGothic" in str(f.get("/BaseFont", "")) for f in fonts)


def test_the_licence_ships_beside_the_font() -> None:
    licence = FONT_FILE.parent / "IPA_Font_License_Agreement_v1.0.txt"
    assert FONT_FILE.stat().st_size > 1_000_000
    assert "IPA Font License Agreement v1.0" in licence.read_text(encoding="utf-8")

"""The one font every PDF the system makes is set in: IPAex Gothic, embedded (subset) in each file.

A CID font named but not embedded (reportlab's `HeiseiKakuGo-W5`) renders only where the reader has
a matching Japanese font installed, and then not the same everywhere; an embedded TrueType font
renders the same on every machine. IPAex Gothic is TrueType (reportlab cannot embed the OpenType/CFF
Noto CJK fonts) and free to embed and redistribute under the IPA Font License v1.0, whose text ships
beside it in `fonts/`.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "IPAexGothic"
FONT_FILE = Path(__file__).resolve().parent / "fonts" / "ipaexg.ttf"

_lock = threading.Lock()


def japanese_font() -> str:
    """The registered name of the Japanese font (registered once per process: parsing the file takes
    a moment)."""
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        with _lock:
            if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_FILE)))
    return FONT_NAME

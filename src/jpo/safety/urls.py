"""Links that staff type and others click (interview meeting links): `https:` only.

`javascript:` and `data:` links run in the reader's session; `http:` leaks the meeting to the network.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

MAX_URL_CHARS = 500
_HTTPS = URLValidator(schemes=["https"])


def is_https_url(text: str) -> bool:
    if len(text) > MAX_URL_CHARS or any(c.isspace() or ord(c) < 32 for c in text):
        return False
    try:
        _HTTPS(text)
    except ValidationError:
        return False
    return True

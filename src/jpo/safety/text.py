"""Text from outside: NUL characters are refused everywhere (PostgreSQL cannot store them in text, and
no form, file or API field has a use for them)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def first_with_nul(fields: Iterable[tuple[str, Any]]) -> str | None:
    """The name of the first field (name, value or list of values, as QueryDict.lists() gives) whose
    name or a value holds a NUL character."""
    for name, values in fields:
        if "\x00" in name or any("\x00" in str(v) for v in ([values] if isinstance(values, str) else values)):
            return name.replace("\x00", "") or "?"
    return None

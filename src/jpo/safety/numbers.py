"""Numbers typed by people or read from files: finite, in range, and never a crash.

`Decimal("1e999999")`, `Decimal("NaN")`, `float("inf")` and 5,000-digit integers all parse in Python;
stored, they break pages and exports later. Every entry point parses through these functions and
turns `NumberError` into its own 4xx or exit-2 message.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any

# Integers longer than this are refused before int() parses them (Python refuses 4,300 digits with a
# ValueError, but parsing long strings is quadratic before that).
MAX_INT_DIGITS = 18
# Database ids (BigAutoField) are positive 64-bit integers.
MAX_ID = 2**63 - 1


class NumberError(ValueError):
    """Not a number, not finite, or out of range. `str(error)` says which, in English."""


def _text(raw: Any) -> str:
    return str(raw).strip().replace(",", "") if raw is not None else ""


def parse_int(raw: Any, *, minimum: int, maximum: int) -> int:
    """A whole number from minimum to maximum (inclusive); "1,200" and "12.0" are accepted."""
    if isinstance(raw, bool):
        raise NumberError(f"not a whole number ({raw!r})")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if not math.isfinite(raw) or not raw.is_integer():
            raise NumberError(f"not a whole number ({raw!r})")
        value = int(raw)
    else:
        text = _text(raw)
        digits = text.lstrip("+-")
        if digits.endswith(".0"):
            digits, text = digits[:-2], text[:-2]
        if not digits.isascii() or not digits.isdigit():
            raise NumberError(f"not a whole number ({str(raw)[:40]!r})")
        if len(digits.lstrip("0")) > MAX_INT_DIGITS:
            raise NumberError(f"out of range (from {minimum} to {maximum})")
        value = int(text)
    if not minimum <= value <= maximum:
        raise NumberError(f"out of range (from {minimum} to {maximum})")
    return value


def parse_decimal(raw: Any, *, minimum: Decimal, maximum: Decimal, places: int) -> Decimal:
    """A finite decimal from minimum to maximum with at most `places` decimal places."""
    if isinstance(raw, bool):
        raise NumberError(f"not a number ({raw!r})")
    text = repr(raw) if isinstance(raw, float) else _text(raw)
    if len(text) > 40:
        raise NumberError("not a number (too long)")
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise NumberError(f"not a number ({text!r})") from None
    if not value.is_finite():
        raise NumberError(f"not a finite number ({text!r})")
    if not minimum <= value <= maximum:
        raise NumberError(f"out of range (from {minimum} to {maximum})")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise NumberError(f"at most {places} decimal places ({text!r})")
    return value


def parse_id(raw: Any) -> int | None:
    """A database id from a form or query string; None if it is not one (then the object is not found)."""
    try:
        return parse_int(raw, minimum=1, maximum=MAX_ID)
    except NumberError:
        return None


def parse_ids(values: Any) -> list[int] | None:
    """Ids from a multiple choice; None if any of them is not an id."""
    ids = [parse_id(v) for v in values]
    if any(i is None for i in ids):
        return None
    return [i for i in ids if i is not None]

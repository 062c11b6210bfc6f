"""JSON from outside (API bodies, CLI files) with limits: size, nesting, numbers, NUL characters.

Python's `json` accepts `NaN`, `Infinity`, `1e999999` (read as infinity) and nesting until the
interpreter's recursion limit, and refuses integers over 4,300 digits with a ValueError; each became a
traceback, a 500 or invalid JSON in our output. `load_json` refuses all of them with one line naming
the problem (and where, for nested values).
"""

from __future__ import annotations

import json
import math
from typing import Any

from jpo.safety.numbers import MAX_INT_DIGITS

MAX_JSON_BYTES = 1_000_000  # an applicant profile is a few kilobytes
MAX_JSON_DEPTH = 20  # a profile nests 3 levels


class JSONInputError(ValueError):
    """The text is not acceptable JSON. `str(error)` is one line naming what is wrong."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.message = message
        self.path = path


class _Refused(Exception):
    pass


def _constant(name: str) -> Any:
    raise _Refused(f"{name} is not a number JSON allows")


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused(f"a number with more than {MAX_INT_DIGITS} digits ({text[:20]}…)")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"a number out of range ({text[:20]})")
    return value


def load_json(raw: bytes | str, *, max_bytes: int = MAX_JSON_BYTES, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON text (UTF-8, a BOM allowed); JSONInputError on anything outside the limits."""
    if len(raw) > max_bytes:
        raise JSONInputError(f"larger than {max_bytes:,} bytes")
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise JSONInputError("not UTF-8 text") from None
    else:
        text = raw.removeprefix("\ufeff")
    try:
        data = json.loads(text, parse_constant=_constant, parse_int=_int, parse_float=_float)
    except json.JSONDecodeError as error:
        raise JSONInputError(
            f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    except _Refused as error:
        raise JSONInputError(str(error)) from None
    except RecursionError:
        raise JSONInputError(f"nested more than {max_depth} levels deep") from None
    _check_tree(data, max_depth)
    return data


def _check_tree(data: Any, max_depth: int) -> None:
    """Depth and NUL characters, without recursion (the tree may be as deep as the parser allowed)."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise JSONInputError("contains a NUL character", path=path or "body")
        elif isinstance(value, dict | list):
            if depth >= max_depth:
                raise JSONInputError(f"nested more than {max_depth} levels deep", path=path or None)
            if isinstance(value, dict):
                for key, item in value.items():
                    child = f"{path}.{key}" if path else str(key)
                    if "\x00" in key:
                        raise JSONInputError("a key contains a NUL character", path=path or "body")
                    stack.append((item, child, depth + 1))
            else:
                for index, item in enumerate(value):
                    stack.append((item, f"{path}[{index}]", depth + 1))

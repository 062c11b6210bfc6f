"""The shared number parsers: finite, in range, never an exception other than NumberError."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from jpo.safety.numbers import NumberError, parse_decimal, parse_id, parse_ids, parse_int


@pytest.mark.parametrize(("raw", "expected"), [("12", 12), (" 1,200 ", 1200), ("12.0", 12), (7, 7), (3.0, 3)])
def test_parse_int_accepts_whole_numbers(raw: Any, expected: int) -> None:
    assert parse_int(raw, minimum=0, maximum=10_000) == expected


@pytest.mark.parametrize(
    "raw", ["", "abc", "1e3", "12.5", "9" * 5000, "-1", "10001", True, float("nan"), float("inf"), "١٢", None]
)
def test_parse_int_refuses_the_rest(raw: Any) -> None:
    with pytest.raises(NumberError):
        parse_int(raw, minimum=0, maximum=10_000)


@pytest.mark.parametrize(
    "raw",
    ["1e999999", "Infinity", "-Infinity", "NaN", "sNaN", "1.234", "1000", "0", "x", "1" * 60, float("inf")],
)
def test_parse_decimal_refuses_infinite_nan_and_out_of_range(raw: Any) -> None:
    with pytest.raises(NumberError):
        parse_decimal(raw, minimum=Decimal("0.01"), maximum=Decimal("999.99"), places=2)


def test_parse_decimal_accepts_values_in_range() -> None:
    assert parse_decimal("2.5", minimum=Decimal("0.01"), maximum=Decimal("999.99"), places=2) == Decimal(
        "2.5"
    )


def test_ids_from_forms() -> None:
    assert parse_id("42") == 42 and parse_id("abc") is None and parse_id("0") is None
    assert parse_id("9" * 40) is None
    assert parse_ids(["1", "2"]) == [1, 2] and parse_ids(["1", "x"]) is None and parse_ids([]) == []

"""Spreadsheet cells never become formulas; numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from jpo.safety.cells import append_row, safe_cell, write_csv


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("https://evil.example/")', '\'=HYPERLINK("https://evil.example/")'),
        ("+81 3 1234", "'+81 3 1234"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-12.5", "-12.5"),
        ("+3", "+3"),
        ("UNDP", "UNDP"),
        (-3, -3),
        (None, ""),
    ],
)
def test_safe_cell(value: object, expected: object) -> None:
    assert safe_cell(value) == expected


def test_write_csv_neutralises_every_cell() -> None:
    text = write_csv([["name", "note"], ["=1+1", "@x"]], bom=True)
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [["name", "note"], ["'=1+1", "'@x"]]


def test_append_row_keeps_formula_text_as_text() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    append_row(sheet, ["=1+1", 2, "", "plain"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    loaded = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert loaded is not None
    row = next(loaded.iter_rows())
    assert [c.value for c in row] == ["=1+1", 2, None, "plain"]
    assert row[0].data_type == "s" and row[1].data_type == "n"

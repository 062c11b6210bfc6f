"""The one reader of tabular uploads (jpo.core.tabular): CSV and XLSX, the header, rows, refusals."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from jpo.core.errors import DomainError
from jpo.core.tabular import ImportRefused, RowError, check_header, count_data_rows, data_rows, read_rows

REQUIRED = ("name", "count")
OPTIONAL = ("note",)


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _collect(
    content: bytes, file_name: str, **kwargs: object
) -> tuple[list[tuple[int, list[str]]], list[RowError]]:
    """The data rows and every error, the way an importer loops over a file."""
    errors: list[RowError] = []
    columns: dict[str, int] = {}

    def header(cells: list[str]) -> bool:
        found, problems = check_header(cells, required=REQUIRED, optional=OPTIONAL)
        columns.update(found)
        errors.extend(problems)
        return not problems

    def error(row: int, column: str, message: str) -> None:
        errors.append(RowError(row, column, message))

    rows = list(
        data_rows(read_rows(content=content, file_name=file_name), header=header, error=error, **kwargs)  # type: ignore[arg-type]
    )
    return rows, errors


def test_csv_rows_keep_their_file_row_numbers_and_skip_blank_lines() -> None:
    content = "\ufeffName,Count\nA,1\n\n , \nB,2\n".encode()
    rows, errors = _collect(content, "f.csv")
    assert errors == []
    assert rows == [(2, ["A", "1"]), (5, ["B", "2"])]
    assert count_data_rows(content=content, file_name="f.csv") == 4


def test_xlsx_rows_as_text_with_dates_and_whole_numbers_written_plainly() -> None:
    content = _xlsx(
        [["name", "count", "note"], ["A", 3.0, dt.datetime(2024, 4, 1)], [None, None, None], ["B", 2, None]]
    )
    rows, errors = _collect(content, "f.xlsx")
    assert errors == []
    assert rows == [(2, ["A", "3", "2024-04-01"]), (4, ["B", "2", ""])]
    # an XLSX is recognised by its first bytes even under another name
    assert list(read_rows(content=content, file_name="upload"))[1] == (2, ["A", "3", "2024-04-01"])


def test_a_bad_header_lists_every_unknown_repeated_and_missing_column() -> None:
    rows, errors = _collect(b"name,name,colour\nA,B,C\n", "f.csv")
    assert rows == []  # no row is checked after a bad header
    assert [(e.row, e.column) for e in errors] == [(1, "name"), (1, "colour"), (1, "count")]
    with translation.override("en"):
        _, errors = _collect(b"name,name,colour\n", "f.csv")
        assert [e.message for e in errors] == [
            "Column “name” appears twice.",
            "Unknown column “colour”.",
            "Missing column “count”.",
        ]


def test_a_bad_row_is_an_error_at_its_row_and_column_in_both_languages() -> None:
    error = RowError(3, "count", "x")
    assert error.as_dict() == {"row": 3, "column": "count", "message": "x"}
    with translation.override("en"):
        assert str(error) == "Row 3, column “count”: x"
    with translation.override("ja"):
        assert str(error) != "Row 3, column “count”: x" and "3" in str(error) and "count" in str(error)
    # a CSV that cannot be parsed (here a cell too long for the reader) is refused at its line
    with pytest.raises(ImportRefused) as refused:
        list(read_rows(content=b"name,count\nA,1\n" + b"x" * 200_000 + b",2\n", file_name="f.csv"))
    assert [e.row for e in refused.value.errors] == [3]


def test_an_empty_file_is_reported() -> None:
    for content, name in ((b"", "f.csv"), (_xlsx([]), "f.xlsx")):
        rows, errors = _collect(content, name)
        assert rows == []
        assert [(e.row, e.column) for e in errors] == [(1, "")]
    with translation.override("en"):
        assert _collect(b"", "f.csv")[1][0].message == "The file is empty: a header row is needed."


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"\xff\xfe\x00binary", "f.csv", "The file is not UTF-8 text (CSV) nor an XLSX workbook."),
        (b"not a workbook", "f.xlsx", "The file is not a readable XLSX workbook."),
        (b"PK\x03\x04broken zip", "upload", "The file is not a readable XLSX workbook."),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_4xx(
    content: bytes, name: str, message: str
) -> None:
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        list(read_rows(content=content, file_name=name))
    assert [(e.row, e.message) for e in refused.value.errors] == [(0, message)]
    assert isinstance(refused.value, DomainError) and 400 <= refused.value.status_code < 500
    assert refused.value.code == "import.refused"
    with translation.override("ja"), pytest.raises(ImportRefused) as refused:
        list(read_rows(content=content, file_name=name))
    assert refused.value.errors[0].message != message  # translated


def test_progress_is_reported_every_n_rows() -> None:
    content = ("name,count\n" + "".join(f"A{i},{i}\n" for i in range(10))).encode()
    seen: list[int] = []
    rows, errors = _collect(content, "f.csv", on_progress=seen.append, progress_every=4)
    assert len(rows) == 10 and errors == []
    assert seen == [3, 7]  # at rows 4 and 8 of the file (the header is row 1)

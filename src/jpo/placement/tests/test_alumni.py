"""Alumni roster import: CSV and XLSX, row-level errors, all or nothing, CLI exit status 2."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from jpo.placement.models import AlumniImport, AlumniRecord
from jpo.placement.services.alumni import AlumniImportError, alumni_import
from jpo.placement.tests import factories as f

pytestmark = pytest.mark.django_db

GOOD = (
    "family_name,given_name,cohort_fiscal_year,organization,is_civil_servant,outcome,current_organization,current_grade,email\n"
    "山田,太郎,1974,UNDP,no,regular_post_same,UNDP,D-1,taro@example.jp\n"
    "佐藤,花子,2019,WFP,yes,returned_to_ministry,,,\n"
)


def test_csv_import_creates_every_row() -> None:
    f.organization("UNDP")
    f.organization("WFP")
    batch = alumni_import(actor=f.officer(), name="roster.csv", content=GOOD.encode())
    assert batch.row_count == 2
    sato = AlumniRecord.objects.get(family_name="佐藤")
    assert (
        sato.is_civil_servant and sato.outcome == "returned_to_ministry" and sato.cohort_fiscal_year == 2019
    )


def test_xlsx_import() -> None:
    f.organization("UNDP")
    book = Workbook()
    sheet = book.active
    sheet.append(["family_name", "given_name", "cohort_fiscal_year", "organization"])
    sheet.append(["田中", "一郎", 1990, "UNDP"])
    buffer = io.BytesIO()
    book.save(buffer)
    alumni_import(actor=None, name="roster.xlsx", content=buffer.getvalue())
    assert AlumniRecord.objects.get().cohort_fiscal_year == 1990


def test_bad_rows_are_named_and_nothing_is_written() -> None:
    f.organization("UNDP")
    content = (
        "family_name,given_name,cohort_fiscal_year,organization,outcome,email\n"
        "山田,太郎,1980,UNDP,,\n"
        ",花子,1973,UNDP,,\n"
        "鈴木,次郎,2001,XYZ,promoted,not-an-email\n"
        "山田,太郎,1980,UNDP,,\n"
    ).encode()
    with pytest.raises(AlumniImportError) as caught:
        alumni_import(actor=None, name="r.csv", content=content)
    problems = {(e.row, e.column) for e in caught.value.errors}
    assert (3, "family_name") in problems and (3, "cohort_fiscal_year") in problems
    assert {(4, "organization"), (4, "outcome"), (4, "email")} <= problems
    assert (5, "family_name") in problems  # duplicate of row 2
    assert not AlumniRecord.objects.exists() and not AlumniImport.objects.exists()


def test_missing_column_unknown_column_and_unreadable_file() -> None:
    with pytest.raises(AlumniImportError, match="organization"):
        alumni_import(actor=None, name="r.csv", content=b"family_name,given_name,cohort_fiscal_year\n")
    with pytest.raises(AlumniImportError, match="Unknown column"):
        alumni_import(
            actor=None,
            name="r.csv",
            content=b"family_name,given_name,cohort_fiscal_year,organization,shoe_size\n",
        )
    with pytest.raises(AlumniImportError, match="cannot be read"):
        alumni_import(actor=None, name="r.xlsx", content=b"not a workbook")
    with pytest.raises(AlumniImportError):
        alumni_import(actor=None, name="r.txt", content=b"x")


def test_reimporting_the_same_people_is_refused() -> None:
    f.organization("UNDP")
    f.organization("WFP")
    alumni_import(actor=None, name="roster.csv", content=GOOD.encode())
    with pytest.raises(AlumniImportError, match="already in the roster"):
        alumni_import(actor=None, name="roster.csv", content=GOOD.encode())
    assert AlumniRecord.objects.count() == 2


def test_cli_exit_status_2_on_bad_rows(tmp_path, capsys) -> None:
    f.organization("UNDP")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "family_name,given_name,cohort_fiscal_year,organization\n山田,太郎,1950,UNDP\n", encoding="utf-8"
    )
    with pytest.raises(SystemExit) as caught:
        call_command("alumni_import", str(bad))
    assert caught.value.code == 2
    assert "Row 2" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_text(
        "family_name,given_name,cohort_fiscal_year,organization\n山田,太郎,1975,UNDP\n", encoding="utf-8"
    )
    call_command("alumni_import", str(good))
    assert AlumniRecord.objects.count() == 1


def test_retention_includes_alumni_on_request() -> None:
    from jpo.placement import selectors

    f.organization("UNDP")
    f.organization("WFP")
    alumni_import(actor=None, name="roster.csv", content=GOOD.encode())
    assert selectors.retention(grouping="cohort") == []
    rows = {r.key: r for r in selectors.retention(grouping="cohort", include_alumni=True)}
    assert rows["1974"].retained == 1 and rows["2019"].not_retained == 1


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        # each of these crashed the import (inf), cut the year silently (2001.9) or stored what breaks later
        ("山田,太郎,inf,UNDP,", "cohort_fiscal_year"),
        ("山田,太郎,2001.9,UNDP,", "cohort_fiscal_year"),
        ("山田,太郎,1e3,UNDP,", "cohort_fiscal_year"),
        ("山田,太郎," + "9" * 5000 + ",UNDP,", "cohort_fiscal_year"),
        ("山田,太郎,2001,UNDP," + "a" * 300 + "@example.jp", "email"),
        ("山\x00田,太郎,2001,UNDP,", "family_name"),
    ],
)
def test_numbers_lengths_and_nul_characters_are_checked(
    cells: str, column: str, tmp_path: Any, capsys: Any
) -> None:
    f.organization("UNDP")
    content = ("family_name,given_name,cohort_fiscal_year,organization,email\n" + cells + "\n").encode()
    with pytest.raises(AlumniImportError) as caught:
        alumni_import(actor=None, name="r.csv", content=content)
    assert (2, column) in {(e.row, e.column) for e in caught.value.errors}
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    with pytest.raises(SystemExit) as exit_info:
        call_command("alumni_import", str(path))
    assert exit_info.value.code == 2 and "Traceback" not in capsys.readouterr().err
    assert not AlumniRecord.objects.exists()


def test_an_import_whose_process_was_killed_is_marked_failed_and_the_file_can_be_imported_again(
    client: Any,
) -> None:
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone

    from jpo.leases import LEASE
    from jpo.placement.models import AlumniImportStatus

    f.organization("UNDP")
    f.organization("WFP")
    officer = f.officer()
    # What a process killed while writing leaves: the import recorded as running, none of its rows
    # (they are written in one transaction), and a heartbeat that stopped.
    killed = AlumniImport.objects.create(
        file_name="roster.csv",
        imported_by=officer,
        row_count=2,
        status=AlumniImportStatus.RUNNING,
        heartbeat_at=timezone.now() - dt.timedelta(minutes=2),
    )
    # While its lease runs, another import waits (the same people would be written twice).
    with pytest.raises(AlumniImportError, match="Another alumni import is running"):
        alumni_import(actor=officer, name="roster.csv", content=GOOD.encode())
    AlumniImport.objects.filter(pk=killed.pk).update(
        heartbeat_at=timezone.now() - LEASE - dt.timedelta(minutes=1)
    )
    client.force_login(officer)
    page = client.get(reverse("placement:alumni"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    killed.refresh_from_db()
    assert killed.status == AlumniImportStatus.FAILED
    assert "nothing was imported. Import the file again." in killed.error and killed.error in page
    batch = alumni_import(actor=officer, name="roster.csv", content=GOOD.encode())
    assert (batch.status, batch.row_count, AlumniRecord.objects.count()) == (AlumniImportStatus.DONE, 2, 2)

"""Census import: per-row checks, all or nothing, idempotent re-import, provenance; the reference loader."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from jpo.accounts.models import AuditEvent
from jpo.core.tabular import ImportRefused
from jpo.workforce.models import CensusImport, CensusRow, FormerJpoFigure, ImportStatus, Target
from jpo.workforce.services import census_import_file, workforce_load_reference_data
from jpo.workforce.tasks import census_import_task
from jpo.workforce.tests.conftest import HEADER, csv_bytes, xlsx_bytes

GOOD = csv_bytes(
    "2022-12-31,ALL,JPN,professional_higher,ALL,ALL,961,MOFA",
    "2022-12-31,ALL,JPN,professional_higher,D+,ALL,91,MOFA",
    "2022-12-31,UNDP,JPN,professional_higher,P-3,F,12,test",
    "2022-12-31,un women,ALL,all,ALL,ALL,3000,test",
)


def snapshot() -> list[tuple[Any, ...]]:
    return list(
        CensusRow.objects.order_by("pk").values_list(
            "pk", "source", "reference_date", "org_code", "grade", "headcount"
        )
    )


@pytest.mark.django_db
def test_good_file_is_imported_with_its_provenance(organizations: Any, officer: Any) -> None:
    result = census_import_file(content=GOOD, file_name="mofa.csv", source="mofa", actor=officer)

    assert result.status == ImportStatus.DONE
    assert result.row_count == 4
    assert result.imported_by == officer
    assert len(result.sha256) == 64
    assert result.source == "mofa"
    rows = {(r.org_code, r.nationality, r.grade, r.sex): r.headcount for r in CensusRow.objects.all()}
    assert rows == {
        ("", "JPN", "ALL", "ALL"): 961,
        ("", "JPN", "D+", "ALL"): 91,
        ("UNDP", "JPN", "P-3", "F"): 12,
        ("UN-WOMEN", "", "ALL", "ALL"): 3000,
    }
    assert CensusRow.objects.filter(organization=organizations["UN-WOMEN"]).count() == 1
    assert (
        AuditEvent.objects.filter(action="workforce.census_imported", target_id=str(result.pk)).count() == 1
    )


@pytest.mark.django_db
def test_xlsx_file_is_imported(organizations: Any) -> None:
    content = xlsx_bytes(
        [
            HEADER.split(","),
            [dt.date(2021, 12, 31), "UNICEF", "JPN", "professional_higher", "P-4", "M", 7, "x"],
            ["2021-12-31", "ALL", "JPN", "professional_higher", "ALL", "ALL", 956, "x"],
        ]
    )
    result = census_import_file(content=content, file_name="census.xlsx", source="ceb")
    assert result.row_count == 2
    assert CensusRow.objects.get(org_code="UNICEF").headcount == 7


@pytest.mark.django_db
def test_reimport_is_idempotent_and_updates_by_natural_key(organizations: Any) -> None:
    census_import_file(content=GOOD, file_name="a.csv", source="mofa")
    first = snapshot()
    census_import_file(content=GOOD, file_name="a.csv", source="mofa")
    assert snapshot() == first

    corrected = csv_bytes("2022-12-31,ALL,JPN,professional_higher,ALL,ALL,962,corrected")
    census_import_file(content=corrected, file_name="b.csv", source="mofa")
    assert CensusRow.objects.count() == 4
    assert CensusRow.objects.get(org_code="", grade="ALL", sex="ALL").headcount == 962

    # the same labels from another source are a separate row, never merged
    census_import_file(content=corrected, file_name="c.csv", source="press")
    assert CensusRow.objects.count() == 5
    assert CensusImport.objects.filter(status=ImportStatus.DONE).count() == 4


BAD_CASES = [
    (
        "wrong header",
        csv_bytes(
            "2022-12-31,ALL,JPN,professional_higher,ALL,ALL,961",
            header="date,org,nationality,category,grade,sex,headcount",
        ),
        {1},
        "reference_date",
    ),
    (
        "negative count",
        csv_bytes(
            "2022-12-31,ALL,JPN,professional_higher,ALL,ALL,961,x",
            "2021-12-31,ALL,JPN,professional_higher,ALL,ALL,-5,x",
        ),
        {3},
        "headcount",
    ),
    (
        "unknown organization",
        csv_bytes("2022-12-31,NOSUCHORG,JPN,professional_higher,ALL,ALL,9,x"),
        {2},
        "organization",
    ),
    (
        "unknown nationality",
        csv_bytes("2022-12-31,ALL,XYZ,professional_higher,ALL,ALL,9,x"),
        {2},
        "nationality",
    ),
    (
        "duplicate row",
        csv_bytes(
            "2022-12-31,UNDP,JPN,professional_higher,P-2,F,3,x",
            "2020-12-31,UNDP,JPN,all,ALL,ALL,3,x",
            "2022-12-31,undp,jpn,professional_higher,p-2,f,4,y",
        ),
        {4},
        "",
    ),
    (
        "future year",
        csv_bytes(f"{timezone.localdate().year + 1}-12-31,ALL,JPN,professional_higher,ALL,ALL,9,x"),
        {2},
        "reference_date",
    ),
    ("not a number", csv_bytes("2022-12-31,ALL,JPN,professional_higher,ALL,ALL,many,x"), {2}, "headcount"),
    # these gave a traceback (a 30-digit number overflows the column) or stored a NUL PostgreSQL refuses
    ("30-digit headcount", csv_bytes("2022-12-31,ALL,JPN,all,ALL,ALL," + "9" * 30 + ",x"), {2}, "headcount"),
    (
        "5,000-digit headcount",
        csv_bytes("2022-12-31,ALL,JPN,all,ALL,ALL," + "9" * 5000 + ",x"),
        {2},
        "headcount",
    ),
    (
        "huge rank",
        csv_bytes("2022-12-31,ALL,JPN,all,ALL,ALL,9,x," + "9" * 30, header=HEADER + ",published_rank"),
        {2},
        "published_rank",
    ),
    ("NUL byte", csv_bytes("2022-12-31,ALL,JPN,all,ALL,ALL,9,MOFA\x00x"), {2}, "citation"),
    ("unknown grade", csv_bytes("2022-12-31,ALL,JPN,professional_higher,P-9,ALL,1,x"), {2}, "grade"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "content", "rows", "column"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_input_is_refused_with_rows_and_nothing_changes(
    organizations: Any, case: str, content: bytes, rows: set[int], column: str
) -> None:
    census_import_file(content=GOOD, file_name="a.csv", source="mofa")
    before = snapshot()

    with pytest.raises(ImportRefused) as refused:
        census_import_file(content=content, file_name="bad.csv", source="mofa")

    assert {e.row for e in refused.value.errors} == rows
    assert column in {e.column for e in refused.value.errors}
    assert snapshot() == before
    failed = CensusImport.objects.get(file_name="bad.csv")
    assert failed.status == ImportStatus.REFUSED
    assert {e["row"] for e in failed.errors} == rows


@pytest.mark.django_db
def test_error_after_many_good_rows_rolls_back_everything_already_written(organizations: Any) -> None:
    census_import_file(content=GOOD, file_name="a.csv", source="mofa")
    before = snapshot()
    # 12,000 distinct good rows (written in chunks of 5,000), then one bad row at the end
    grades = ["P-1", "P-2", "P-3", "P-4", "P-5", "D-1", "D-2", "ALL"]
    many = [
        f"{2000 + i % 20}-06-30,UNICEF,JPN,all,{grades[(i // 20) % 8]},ALL,{i},x,v{i // 160}"
        for i in range(12_000)
    ]
    content = csv_bytes(*many, "2022-12-31,NOSUCHORG,JPN,all,ALL,ALL,1,x,v", header=HEADER + ",variant")

    with pytest.raises(ImportRefused) as refused:
        census_import_file(content=content, file_name="big.csv", source="mofa")

    assert [e.row for e in refused.value.errors] == [12_002]
    assert snapshot() == before


@pytest.mark.django_db
def test_command_refuses_bad_file_with_exit_status_2(organizations: Any, tmp_path: Any, capsys: Any) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes("2022-12-31,ALL,JPN,professional_higher,ALL,ALL,-1,x"))
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_census", str(path), "--source", "mofa")
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "row 2 [headcount]" in err
    assert CensusRow.objects.count() == 0


@pytest.mark.django_db
def test_every_bad_row_is_listed_by_the_service_and_the_command(
    organizations: Any, tmp_path: Any, capsys: Any
) -> None:
    # only the first 500 were listed although every bad row is promised
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(*(f"2022-12-31,ALL,JPN,all,ALL,ALL,-{i},x" for i in range(1, 701))))
    with pytest.raises(ImportRefused) as refused:
        census_import_file(content=path.read_bytes(), file_name="bad.csv", source="mofa")
    assert refused.value.error_count == len(refused.value.errors) == 700
    assert [e.row for e in refused.value.errors] == list(range(2, 702))
    assert len(CensusImport.objects.get(file_name="bad.csv").errors) == 700
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_census", str(path), "--source", "mofa", "--no-progress")
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "(700 problem(s))" in err and "row 2 [headcount]" in err and "row 701 [headcount]" in err
    assert "Traceback" not in err


@pytest.mark.django_db
def test_command_imports_good_file_and_reports_progress(
    organizations: Any, tmp_path: Any, capsys: Any
) -> None:
    path = tmp_path / "good.csv"
    path.write_bytes(GOOD)
    call_command("import_census", str(path), "--source", "mofa")
    captured = capsys.readouterr()
    assert "imported 4 rows" in captured.out
    assert "writing: 4/4 rows (100%)" in captured.err
    assert CensusRow.objects.count() == 4


@pytest.mark.django_db
def test_task_imports_an_upload_and_records_refusals(organizations: Any, officer: Any) -> None:
    from jpo.workforce.services import census_import_create

    good = census_import_create(content=GOOD, file_name="g.csv", source="mofa", actor=officer)
    census_import_task.call(good.pk)
    good.refresh_from_db()
    assert good.status == ImportStatus.DONE
    assert good.content is None
    assert CensusRow.objects.count() == 4

    bad = census_import_create(
        content=csv_bytes("2022-12-31,ALL,XXX,all,ALL,ALL,1,x"),
        file_name="b.csv",
        source="mofa",
        actor=officer,
    )
    result = census_import_task.call(bad.pk)
    bad.refresh_from_db()
    assert result["status"] == ImportStatus.REFUSED
    assert bad.errors[0]["row"] == 2
    assert bad.errors[0]["column"] == "nationality"
    assert CensusRow.objects.count() == 4


@pytest.mark.django_db
def test_reference_data_loads_the_published_series_once() -> None:
    summary = workforce_load_reference_data()
    assert summary["files_loaded"] == 5
    count = CensusRow.objects.count()

    again = workforce_load_reference_data()
    assert again["files_loaded"] == 0
    assert CensusRow.objects.count() == count

    mofa = CensusRow.objects.filter(
        source="mofa", nationality="JPN", org_code="", grade="ALL", sex="ALL", variant=""
    )
    by_year = {r.reference_date.year: r.headcount for r in mofa}
    assert by_year[2015] == 793
    assert by_year[2024] == 979
    assert by_year[2004] == 610
    for missing in (2006, 2008, 2009, 2011, 2013, 2023):
        assert missing not in by_year  # missing, not interpolated
    # 481 and 485 for 2001, side by side
    assert sorted(
        CensusRow.objects.filter(
            source="mofa", reference_date=dt.date(2001, 1, 1), grade="ALL", sex="ALL"
        ).values_list("headcount", flat=True)
    ) == [481, 485]
    assert all(r.citation for r in CensusRow.objects.all())

    ceb = CensusRow.objects.filter(source="ceb", nationality="")
    totals = {
        year: sum(r.headcount for r in ceb if r.reference_date.year == year) for year in range(2014, 2020)
    }
    assert totals == {2014: 93_891, 2015: 99_317, 2016: 103_843, 2017: 106_059, 2018: 109_589, 2019: 114_119}
    undp_2019 = sorted(
        ceb.filter(org_code="UNDP", reference_date=dt.date(2019, 12, 31)).values_list("headcount", flat=True)
    )
    assert undp_2019 == [246, 6648]

    assert FormerJpoFigure.objects.get(reference_date=dt.date(2015, 12, 31)).former_jpos == 361
    target = Target.objects.get(slug="1000-by-2025")
    assert (target.headcount, target.baseline_headcount, target.deadline) == (
        1000,
        793,
        dt.date(2025, 12, 31),
    )


@pytest.mark.django_db
def test_load_workforce_command_is_idempotent(capsys: Any) -> None:
    call_command("load_workforce")
    call_command("load_workforce")
    out = capsys.readouterr().out
    assert "5 already there" in out

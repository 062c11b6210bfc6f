"""Imports: every row checked, every error listed with its row and column, all or nothing, idempotent."""

from __future__ import annotations

import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from jpo.accounts.models import AuditEvent
from jpo.core.tabular import ImportRefused, RowError
from jpo.representation.models import (
    AssessmentRate,
    DataLoad,
    MemberState,
    Population,
    PublishedStatusCount,
    StaffCount,
)
from jpo.representation.services import (
    DATA_DIR,
    assessment_rates_import,
    member_states_import,
    populations_import,
    representation_load_reference_data,
    staff_counts_import,
)

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        MemberState.objects.count(),
        AssessmentRate.objects.count(),
        Population.objects.count(),
        StaffCount.objects.count(),
        PublishedStatusCount.objects.count(),
    )


def test_reference_data_loads_once_and_again_changes_nothing() -> None:
    out = io.StringIO()
    results = representation_load_reference_data(stdout=out)
    assert _counts() == (193, 772, 193 * 65, 4, 4)
    assert [r.created for r in results] == [193, 772, 12545, 4, 4]
    assert results[2].skipped == 1400  # economies that are not Member States
    assert "[3/5]" in out.getvalue()
    assert DataLoad.objects.count() == 5
    assert AuditEvent.objects.filter(action="representation.import").count() == 5

    again = representation_load_reference_data()
    assert [r.created + r.updated for r in again] == [0, 0, 0, 0, 0]
    assert _counts() == (193, 772, 12545, 4, 4)
    assert DataLoad.objects.count() == 5  # nothing written, nothing recorded

    japan = MemberState.objects.get(iso3="JPN")
    assert [str(r.rate_pct) for r in japan.assessment_rates.order_by("period")] == [
        "9.680",
        "8.564",
        "8.033",
        "6.930",
    ]
    assert list(japan.staff_counts.values_list("staff", flat=True)) == [88, 81, 79, 75]
    assert all(row.source for row in StaffCount.objects.all())
    assert "70/245" in japan.assessment_rates.get(period="2016-2018").source
    assert "SP.POP.TOTL" in japan.populations.get(year=2016).source


def _scale_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scale.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def two_states() -> None:
    MemberState.objects.create(iso3="AAA", m49="001", name="A", source="test")
    MemberState.objects.create(iso3="BBB", m49="002", name="B", source="test")


@pytest.mark.usefixtures("two_states")
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("iso3,period\nAAA,2016-2018\n", "missing column(s) rate_pct"),
        (
            "iso3,period,rate_pct\nAAA,2016-2018,-1\nBBB,2016-2018,101\n",
            "Row 2, column “rate_pct”: -1 is negative",
        ),
        (
            "iso3,period,rate_pct\nAAA,2016-2018,abc\nBBB,2016-2018,100\n",
            "Row 2, column “rate_pct”: “abc” is not a number",
        ),
        (
            "iso3,period,rate_pct\nAAA,2016-2018,60\nZZZ,2016-2018,40\n",
            "Row 3, column “iso3”: ZZZ is not a Member State",
        ),
        (
            "iso3,period,rate_pct\nAAA,2016-2018,60\nAAA,2016-2018,40\n",
            "Row 3, column “iso3”: AAA appears twice",
        ),
        (
            "iso3,period,rate_pct\nAAA,2016-2018,60\nBBB,2016-2018,39\n",
            "the rates for 2016-2018 add up to 99 per cent, not 100",
        ),
        ("iso3,period,rate_pct\nAAA,2016,60\nBBB,2016-2018,40\n", "Row 2, column “period”"),
        ("iso3,period,rate_pct\nAAA,2016-2018,60.0001\nBBB,2016-2018,40\n", "more than 3 decimals"),
    ],
)
def test_bad_scale_files_are_refused_whole(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ImportRefused) as excinfo:
        assessment_rates_import(path=_scale_file(tmp_path, text))
    assert message in str(excinfo.value)
    assert AssessmentRate.objects.count() == 0
    assert DataLoad.objects.count() == 0


@pytest.mark.usefixtures("two_states")
def test_a_changed_rate_is_updated_and_the_rest_left(tmp_path: Path) -> None:
    assessment_rates_import(
        path=_scale_file(tmp_path, "iso3,period,rate_pct\nAAA,2016-2018,60\nBBB,2016-2018,40\n")
    )
    result = assessment_rates_import(
        path=_scale_file(tmp_path, "iso3,period,rate_pct,source\nAAA,2016-2018,60\nBBB,2016-2018,40.000\n")
    )
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    result = assessment_rates_import(
        path=_scale_file(tmp_path, "iso3,period,rate_pct\nAAA,2016-2018,59.95\nBBB,2016-2018,40\n")
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert AssessmentRate.objects.get(state__iso3="AAA").rate_pct == Decimal("59.950")


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="no such file"):
        member_states_import(path=tmp_path / "missing.csv")
    path = tmp_path / "latin1.csv"
    path.write_bytes("iso3,m49,name,admission_date\nCIV,384,Côte d'Ivoire,\n".encode("latin-1"))
    with pytest.raises(ImportRefused, match="not UTF-8"):
        member_states_import(path=path)
    assert MemberState.objects.count() == 0


@pytest.mark.usefixtures("two_states")
def test_population_of_non_members_is_skipped_and_bad_rows_named(tmp_path: Path) -> None:
    path = tmp_path / "pop.csv"
    path.write_text("iso3,year,population\nAAA,2016,10\nWLD,2016,100\nBBB,2016,-5\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="Row 4, column “population”: -5 is negative"):
        populations_import(path=path)
    path.write_text("iso3,year,population\nAAA,2016,10\nXKX,2016,100\nBBB,2016,5\n", encoding="utf-8")
    result = populations_import(path=path)
    assert (result.created, result.skipped) == (2, 1)


@pytest.mark.usefixtures("two_states")
def test_staff_rows_need_a_source(tmp_path: Path) -> None:
    path = tmp_path / "staff.csv"
    path.write_text("iso3,as_of,staff,source\nAAA,2017-12-31,5,\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="Row 2, column “source”: a value is needed"):
        staff_counts_import(path=path)
    path.write_text("iso3,as_of,staff\nAAA,2017-12-31,5\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="missing column"):
        staff_counts_import(path=path)


def test_the_whole_reference_load_is_all_or_nothing(tmp_path: Path) -> None:
    staff = tmp_path / "staff.csv"
    shutil.copy(DATA_DIR / "japan_staff.csv", staff)
    with open(staff, "a", encoding="utf-8") as handle:
        handle.write("JPN,2020-01-01,-3,test\n")
    with pytest.raises(ImportRefused, match="Row 6, column “staff”"):
        representation_load_reference_data(staff=staff)
    assert _counts() == (0, 0, 0, 0, 0)


def test_a_load_failing_half_way_is_recorded_failed_and_nothing_is_written(tmp_path: Path) -> None:
    from jpo.representation.models import ReferenceLoad, ReferenceLoadStatus

    staff = tmp_path / "staff.csv"
    staff.write_text("iso3,as_of,staff,source\nJPN,2020-01-01,-3,test\n", encoding="utf-8")
    with pytest.raises(ImportRefused):
        representation_load_reference_data(staff=staff)
    run = ReferenceLoad.objects.get()
    assert run.status == ReferenceLoadStatus.FAILED and "column “staff”" in run.error
    assert _counts() == (0, 0, 0, 0, 0)


def test_a_load_whose_process_was_killed_is_marked_failed_and_can_be_run_again() -> None:
    import datetime as dt

    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.utils import timezone

    from jpo.leases import LEASE
    from jpo.representation.models import ReferenceLoad, ReferenceLoadStatus

    # What a process killed while loading leaves: the run recorded as running (its files go in one
    # transaction, so none of them was written) and a heartbeat that stopped.
    killed = ReferenceLoad.objects.create(
        status=ReferenceLoadStatus.RUNNING, heartbeat_at=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(CommandError, match="Another load of the reference data is running") as refused:
        call_command("load_representation")
    assert refused.value.returncode == 2 and _counts() == (0, 0, 0, 0, 0)
    ReferenceLoad.objects.filter(pk=killed.pk).update(
        heartbeat_at=timezone.now() - LEASE - dt.timedelta(seconds=1)
    )
    call_command("load_representation")
    killed.refresh_from_db()
    assert killed.status == ReferenceLoadStatus.FAILED and "Run it again." in killed.error
    latest = ReferenceLoad.objects.exclude(pk=killed.pk).get()
    assert latest.status == ReferenceLoadStatus.DONE and latest.finished_at is not None
    assert all(_counts())


def test_a_published_desirable_midpoint_reads_in_the_readers_language() -> None:
    count = StaffCount(published_range="desirable 203")
    with translation.override("ja"):
        assert count.published_range_shown == "望ましい職員数 203"
    with translation.override("en"):
        assert count.published_range_shown == "desirable 203"
    assert StaffCount(published_range="167-226").published_range_shown == "167-226"


@pytest.mark.usefixtures("two_states")
def test_every_bad_row_and_every_bad_cell_is_listed_and_nothing_written(tmp_path: Path) -> None:
    path = _scale_file(
        tmp_path,
        "iso3,period,rate_pct\n"
        "AAA,2016-2018,60\n"
        "aaa,2016,abc\n"  # three bad cells in one row
        "ZZZ,2016-2018,10\n"  # not a Member State
        "BBB,2016-2018,-1\n"
        "AAA,2016-2018,30\n",  # twice
    )
    with pytest.raises(ImportRefused) as excinfo:
        assessment_rates_import(path=path)
    errors = excinfo.value.errors
    assert [(e.row, e.column) for e in errors] == [
        (3, "iso3"),
        (3, "period"),
        (3, "rate_pct"),
        (4, "iso3"),
        (5, "rate_pct"),
        (6, "iso3"),
        (0, "rate_pct"),  # the good rows add up to 60, not 100
    ]
    assert all(isinstance(e, RowError) for e in errors)
    assert excinfo.value.error_count == 7
    assert excinfo.value.status_code == 400 and excinfo.value.code == "import.refused"
    assert "(and 6 more problems)" in str(excinfo.value)
    assert AssessmentRate.objects.count() == 0
    assert DataLoad.objects.count() == 0


def test_every_bad_member_state_row_is_listed(tmp_path: Path) -> None:
    path = tmp_path / "states.csv"
    path.write_text(
        "iso3,m49,name,admission_date\n"
        "AAA,001,A,1945-10-24\n"
        "BB,12,,\n"  # three errors
        "CCC,003,C,24/10/1945\n"
        "AAA,004,A again,\n"
        "DDD,005,D,\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRefused) as excinfo:
        member_states_import(path=path)
    assert [(e.row, e.column) for e in excinfo.value.errors] == [
        (3, "iso3"),
        (3, "m49"),
        (3, "name"),
        (4, "admission_date"),
        (5, "iso3"),
    ]
    assert MemberState.objects.count() == 0


@pytest.mark.usefixtures("two_states")
def test_a_bad_header_lists_every_missing_column_and_rows_that_cannot_be_read(tmp_path: Path) -> None:
    path = tmp_path / "staff.csv"
    path.write_text("iso3,as_of\nAAA,2017-12-31\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as excinfo:
        staff_counts_import(path=path)
    assert [(e.row, e.column) for e in excinfo.value.errors] == [(1, "staff"), (1, "source")]
    path.write_text(
        "iso3,as_of,staff,source\nAAA,2017-12-31,1,s,extra\nZZZ,2017-12-31,x,s\nBBB,2017-12-31,2,s\x00\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRefused) as excinfo:
        staff_counts_import(path=path)
    assert [(e.row, e.column) for e in excinfo.value.errors] == [
        (2, "-"),  # more values than columns
        (3, "iso3"),
        (3, "staff"),
        (4, "source"),  # a NUL character
    ]
    assert StaffCount.objects.count() == 0

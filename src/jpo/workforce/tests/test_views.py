"""Dashboard, exports, PDF and upload pages: permissions, content, constant query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from jpo.core.tabular import ImportRefused
from jpo.workforce.models import CensusImport, CensusRow, ImportStatus
from jpo.workforce.services import census_import_run, workforce_load_reference_data
from jpo.workforce.tests.conftest import csv_bytes

PAGES = [
    reverse("workforce:dashboard"),
    reverse("workforce:chart", args=["series"]),
    reverse("workforce:table_export", args=["mofa-series", "csv"]),
    reverse("workforce:report_pdf"),
]


@pytest.fixture
def loaded(db: Any) -> None:
    workforce_load_reference_data()


@pytest.fixture
def english(client: Any) -> Any:
    client.cookies["jpo_language"] = "en"
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("url", [*PAGES, reverse("workforce:import_upload")])
def test_anonymous_is_sent_to_login(client: Any, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("url", [*PAGES, reverse("workforce:import_upload")])
def test_applicant_is_refused(client: Any, applicant: Any, url: str) -> None:
    client.force_login(applicant)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_analyst_reads_but_cannot_import(client: Any, analyst: Any, loaded: None) -> None:
    client.force_login(analyst)
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("workforce:import_upload")).status_code == 403


@pytest.mark.django_db
def test_dashboard_shows_series_target_and_sources(english: Any, officer: Any, loaded: None) -> None:
    english.force_login(officer)
    html = english.get(reverse("workforce:dashboard")).content.decode()
    assert "<svg" in html
    assert "979" in html and "1,000 Japanese staff at UN-related agencies by 2025" in html
    assert "97.9%" in html  # progress
    assert "https://www.nippon.com/ja/news/yjj2025121300094/" in html  # the 979's source
    assert "2006, 2008, 2009, 2011, 2013, 2023" in html  # missing years named, not interpolated
    assert "Programme records (computed from this system)" in html
    assert 'title="' in html


@pytest.mark.django_db
def test_series_svg_has_a_title_per_point(english: Any, analyst: Any, loaded: None) -> None:
    english.force_login(analyst)
    response = english.get(reverse("workforce:chart", args=["series"]))
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert svg.startswith("<svg")
    assert svg.count("<circle") >= 20
    assert "<title>979 · end 2024 · source: MOFA survey" in svg
    assert "Target 1000 by end 2025" in svg
    for name in ("senior", "women", "organizations"):
        assert english.get(reverse("workforce:chart", args=[name])).content.startswith(b"<svg")
    assert english.get(reverse("workforce:chart", args=["nope"])).status_code == 404


@pytest.mark.django_db
def test_csv_export_content(english: Any, analyst: Any, loaded: None) -> None:
    english.force_login(analyst)
    response = english.get(reverse("workforce:table_export", args=["mofa-series", "csv"]))
    assert response["Content-Disposition"].startswith('attachment; filename="jpo-workforce-mofa-series-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Reference date", "Total", "Senior (D-1 and above)", "Women"]
    end_2015 = next(r for r in rows if r[0] == "end 2015")
    assert end_2015[1:3] == ["793", "70"]
    assert "https://clips.politylink.jp/clip/3796" in end_2015[6]
    assert any(r[0].startswith("# No published figure found for") for r in rows)


@pytest.mark.django_db
def test_xlsx_export_content(english: Any, analyst: Any, loaded: None) -> None:
    english.force_login(analyst)
    response = english.get(reverse("workforce:table_export", args=["rankings", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][:3] == ["Reference date", "Source", "Category"]
    japan_2021 = next(r for r in values if r[5] and str(r[5]).startswith("JPN") and r[0] == "end 2021")
    assert japan_2021[4] == 28 and japan_2021[6] == 1179
    assert english.get(reverse("workforce:table_export", args=["rankings", "pdf"])).status_code == 404
    assert english.get(reverse("workforce:table_export", args=["nope", "csv"])).status_code == 404


@pytest.mark.django_db
def test_pdf_report(client: Any, officer: Any, loaded: None) -> None:
    client.force_login(officer)
    response = client.get(reverse("workforce:report_pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"/Count 1 " in response.content or b"/Count 1\n" in response.content  # one page
    assert b"/FontFile2" in response.content and b"IPAexGothic" in response.content  # embedded


def _add_rows(n: int, start: int) -> None:
    from jpo.programme.models import Organization

    org = Organization.objects.get(code="UNDP")
    CensusRow.objects.bulk_create(
        CensusRow(
            source="ceb",
            reference_date=dt.date(2000 + (start + i) % 20, 12, 31),
            organization=org,
            org_code="UNDP",
            nationality="JPN" if i % 2 else "",
            category="all",
            variant=f"q{start + i}",
            headcount=i,
        )
        for i in range(n)
    ) + CensusRow.objects.bulk_create(
        CensusRow(
            source="ceb",
            reference_date=dt.date(2010, 12, 31),
            nationality=nat,
            category="all",
            variant="",
            headcount=100 + k,
        )
        for k, nat in enumerate(["FRA", "DEU", "ITA"][: max(1, n // 20)])
        if not CensusRow.objects.filter(reference_date=dt.date(2010, 12, 31), nationality=nat).exists()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("url", [*PAGES[:3], reverse("workforce:import_upload")])
def test_query_count_does_not_grow_with_rows(client: Any, officer: Any, loaded: None, url: str) -> None:
    client.force_login(officer)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _add_rows(60, 0)
    CensusImport.objects.bulk_create(
        CensusImport(file_name=f"f{i}.csv", sha256="0" * 64, source="ceb") for i in range(30)
    )
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large]


@pytest.mark.django_db
def test_officer_uploads_a_file_and_sees_it_imported(
    client: Any, officer: Any, organizations: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(officer)
    upload = SimpleUploadedFile(
        "mofa.csv", csv_bytes("2022-12-31,ALL,JPN,professional_higher,ALL,ALL,961,x"), "text/csv"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workforce:import_upload"), {"source": "mofa", "file": upload})
    assert response.status_code == 302
    census_import = CensusImport.objects.get()
    assert response["Location"] == reverse("workforce:import_detail", args=[census_import.pk])
    census_import.refresh_from_db()
    assert census_import.status == ImportStatus.DONE
    assert census_import.imported_by == officer
    assert CensusRow.objects.get().headcount == 961
    progress = client.get(reverse("workforce:import_progress", args=[census_import.pk])).content.decode()
    assert 'value="100"' in progress and "hx-get" not in progress


@pytest.mark.django_db
def test_refused_upload_lists_rows_and_reasons(
    english: Any, officer: Any, organizations: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    english.force_login(officer)
    content = csv_bytes(
        "2022-12-31,ALL,JPN,professional_higher,ALL,ALL,-3,x", "2022-12-31,NOPE,JPN,all,ALL,ALL,1,x"
    )
    with django_capture_on_commit_callbacks(execute=True):
        english.post(
            reverse("workforce:import_upload"),
            {"source": "mofa", "file": SimpleUploadedFile("bad.csv", content)},
        )
    census_import = CensusImport.objects.get()
    assert census_import.status == ImportStatus.REFUSED
    html = english.get(reverse("workforce:import_detail", args=[census_import.pk])).content.decode()
    assert "<td>2</td><td>headcount</td>" in html
    assert "<td>3</td><td>organization</td>" in html
    assert CensusRow.objects.count() == 0


@pytest.mark.django_db
def test_pending_upload_polls_for_progress(
    client: Any, officer: Any, organizations: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(officer)
    client.post(
        reverse("workforce:import_upload"),
        {
            "source": "mofa",
            "file": SimpleUploadedFile("a.csv", csv_bytes("2022-12-31,ALL,JPN,all,ALL,ALL,1,x")),
        },
    )
    census_import = CensusImport.objects.get()
    assert census_import.status == ImportStatus.PENDING
    html = client.get(reverse("workforce:import_detail", args=[census_import.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and "<progress" in html


@pytest.mark.django_db
def test_upload_of_wrong_file_type_is_a_400(client: Any, officer: Any) -> None:
    client.force_login(officer)
    response = client.post(
        reverse("workforce:import_upload"), {"source": "mofa", "file": SimpleUploadedFile("a.txt", b"x")}
    )
    assert response.status_code == 400
    assert CensusImport.objects.count() == 0


FORMULA = '=HYPERLINK("https://evil.example/","click")'


@pytest.mark.django_db
def test_a_formula_in_a_citation_stays_text_in_csv_and_xlsx(english: Any, analyst: Any, loaded: None) -> None:
    # a citation imported from a census file became a live formula in both exports
    CensusRow.objects.filter(source="mofa").update(citation=FORMULA)
    english.force_login(analyst)
    response = english.get(reverse("workforce:table_export", args=["mofa-series", "csv"]))
    cells = [c for r in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for c in r]
    assert "'" + FORMULA in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    response = english.get(reverse("workforce:table_export", args=["mofa-series", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    citations = [c for r in sheet.iter_rows() for c in r if c.value == FORMULA]
    assert citations and all(c.data_type == "s" for c in citations)
    assert b"<f>" not in _sheet_xml(response.content)


def _sheet_xml(xlsx: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


@pytest.mark.django_db
def test_a_refused_import_counts_its_problems_and_offers_all_of_them(
    english: Any, officer: Any, organizations: Any
) -> None:
    from jpo.workforce.services import census_import_create

    census_import = census_import_create(
        content=csv_bytes(*(f"2022-12-31,ALL,JPN,all,ALL,ALL,-{i},x" for i in range(1, 601))),
        file_name="bad.csv",
        source="mofa",
        actor=officer,
    )
    with pytest.raises(ImportRefused):
        census_import_run(census_import=census_import)
    english.force_login(officer)
    page = english.get(reverse("workforce:import_progress", args=[census_import.pk])).content.decode()
    assert "600 problems found. The first 500 are listed below." in page
    assert page.count("<tr><td>") == 500
    response = english.get(reverse("workforce:import_errors", args=[census_import.pk]))
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="census-import-{census_import.pk}-errors.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["row", "column", "problem"] and len(rows) == 601
    assert rows[-1][:2] == ["601", "headcount"]


def test_an_import_left_writing_by_a_killed_worker_shows_as_failed_and_can_be_uploaded_again(
    english: Any, officer: Any, organizations: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    from jpo.leases import LEASE

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    english.force_login(officer)
    content = csv_bytes("2022-12-31,ALL,JPN,professional_higher,ALL,ALL,961,x")
    # The worker checked the rows, began writing, and was killed: the row stays "writing".
    dead = CensusImport.objects.create(
        file_name="mofa.csv",
        sha256="0" * 64,
        source="mofa",
        status=ImportStatus.WRITING,
        row_count=1,
        rows_checked=1,
        heartbeat_at=timezone.now() - LEASE - dt.timedelta(seconds=1),
        content=content,
    )
    html = english.get(reverse("workforce:import_detail", args=[dead.pk])).content.decode()
    dead.refresh_from_db()
    assert dead.status == ImportStatus.FAILED and dead.is_finished and dead.content is None
    assert "The import did not finish" in html and "Upload the file again" in html
    assert "hx-get" not in html  # the page stops polling
    with django_capture_on_commit_callbacks(execute=True):
        english.post(
            reverse("workforce:import_upload"),
            {"source": "mofa", "file": SimpleUploadedFile("mofa.csv", content, "text/csv")},
        )
    again = CensusImport.objects.exclude(pk=dead.pk).get()
    assert again.status == ImportStatus.DONE and CensusRow.objects.get().headcount == 961


@pytest.mark.django_db
def test_an_import_that_is_making_progress_is_left_alone(officer: Any, client: Any) -> None:
    from django.utils import timezone

    from jpo.workforce.services import census_imports_expire

    live = CensusImport.objects.create(
        file_name="a.csv",
        sha256="0" * 64,
        source="mofa",
        status=ImportStatus.VALIDATING,
        heartbeat_at=timezone.now(),
    )
    assert census_imports_expire(now=timezone.now()) == 0
    live.refresh_from_db()
    assert live.status == ImportStatus.VALIDATING

from __future__ import annotations

import datetime as dt
import shutil
import zoneinfo
from pathlib import Path

import pytest

from jpo import policy
from jpo.accounts.models import AuditEvent
from jpo.programme import services
from jpo.programme.models import Agreement, Cycle, Ministry, Organization, Track, TrackKind
from jpo.programme.services import (
    ReferenceDataError,
    cycle_upsert,
    ministry_upsert,
    organization_upsert,
    programme_load_reference_data,
    reference_cycles,
    reference_organizations,
    track_upsert,
)

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
pytestmark = pytest.mark.django_db


def test_organization_upsert_creates_then_leaves_unchanged_then_updates_with_audit():
    org, change = organization_upsert(
        code="UNDP", name_en="UNDP", name_ja="国連開発計画", kind="fund_programme"
    )
    assert change == "created"
    assert (
        AuditEvent.objects.filter(action="programme.organization.create", target_id=str(org.pk)).count() == 1
    )

    _, change = organization_upsert(
        code="UNDP", name_en="UNDP", name_ja="国連開発計画", kind="fund_programme"
    )
    assert change == "unchanged"
    assert AuditEvent.objects.filter(target_id=str(org.pk), target_type="programme.organization").count() == 1

    _, change = organization_upsert(
        code="UNDP",
        name_en="United Nations Development Programme",
        name_ja="国連開発計画",
        kind="fund_programme",
    )
    assert change == "updated"
    event = AuditEvent.objects.get(action="programme.organization.update")
    assert event.data == {"name_en": {"old": "UNDP", "new": "United Nations Development Programme"}}
    assert Organization.objects.get(code="UNDP").name_en == "United Nations Development Programme"
    assert Organization.objects.count() == 1


def test_organization_upsert_rejects_an_invalid_kind_and_writes_nothing():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        organization_upsert(code="XX", name_en="X", name_ja="X", kind="bank")
    assert not Organization.objects.exists()
    assert not AuditEvent.objects.exists()


def test_cycle_upsert_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="applications_open of FY2030 must be an aware datetime"):
        cycle_upsert(fiscal_year=2030, applications_open=dt.datetime(2030, 2, 1))
    assert not Cycle.objects.exists()


def test_track_upsert_sets_exactly_the_organizations():
    cycle, _ = cycle_upsert(fiscal_year=2020)
    undp, _ = organization_upsert(code="UNDP", name_en="UNDP", name_ja="国連開発計画", kind="fund_programme")
    wfp, _ = organization_upsert(code="WFP", name_en="WFP", name_ja="国連世界食糧計画", kind="fund_programme")
    track, change = track_upsert(cycle=cycle, kind=TrackKind.ORGANIZATION, organizations=[undp, wfp])
    assert change == "created"
    _, change = track_upsert(cycle=cycle, kind=TrackKind.ORGANIZATION, organizations=[wfp, undp])
    assert change == "unchanged"
    _, change = track_upsert(cycle=cycle, kind=TrackKind.ORGANIZATION, organizations=[wfp])
    assert change == "updated"
    assert list(track.organizations.values_list("code", flat=True)) == ["WFP"]


def test_ministry_upsert_by_code():
    ministry_upsert(code="MOFA", name_en="Ministry of Foreign Affairs", name_ja="外務省")
    _, change = ministry_upsert(code="MOFA", name_en="Ministry of Foreign Affairs", name_ja="外務省")
    assert change == "unchanged"
    assert Ministry.objects.count() == 1


def test_reference_data_load_is_idempotent():
    first = programme_load_reference_data()
    assert first["organizations"].created == 20
    assert first["cycles"].created == 10
    counts = {m: m.objects.count() for m in (Organization, Agreement, Ministry, Cycle, Track)}
    audits = AuditEvent.objects.count()

    second = programme_load_reference_data()
    assert all(c.created == 0 and c.updated == 0 for c in second.values())
    assert {m: m.objects.count() for m in counts} == counts
    assert AuditEvent.objects.count() == audits


def test_reference_organizations_have_sources_and_never_an_ifi():
    programme_load_reference_data()
    codes = set(Organization.objects.values_list("code", flat=True))
    assert not codes & {"WB", "WORLDBANK", "IBRD", "IDA", "IFC", "IMF", "ADB", "AFDB", "IDB", "EBRD", "WTO"}
    for org in Organization.objects.all():
        assert org.source and org.name_ja and org.name_en, org.code
        assert "world bank" not in org.name_en.lower() and "monetary fund" not in org.name_en.lower()
    assert {
        "UN-SECRETARIAT",
        "IAEA",
        "CTBTO",
        "ICC",
        "IOM",
        "UNAIDS",
        "UNITAR",
        "UNOPS",
        "OHCHR",
        "UNHCR",
    } <= codes
    assert Agreement.objects.count() == Organization.objects.count()
    assert all(a.source for a in Agreement.objects.all())


def test_reference_cycles_windows_are_tokyo_instants_matching_the_policy():
    programme_load_reference_data()
    assert sorted(Cycle.objects.values_list("fiscal_year", flat=True)) == list(range(2017, 2027))
    for cycle in Cycle.objects.all():
        info = policy.cycle_info(cycle.fiscal_year)
        opens = cycle.applications_open.astimezone(TOKYO).date() if cycle.applications_open else None
        closes = cycle.applications_close.astimezone(TOKYO).date() if cycle.applications_close else None
        assert (opens, closes) == (info.applications.opens, info.applications.closes), cycle
        assert cycle.source
        if cycle.applications_open:
            assert "time of day not published" in cycle.source.lower(), cycle


def test_published_windows_are_exact():
    programme_load_reference_data()
    fy2022 = Cycle.objects.get(fiscal_year=2022)
    assert fy2022.preregistration_opens == dt.datetime(2022, 1, 6, 10, 0, tzinfo=TOKYO)
    # A published "23:59" (or a date alone) closes at the end of that minute: 23:59:59 is still accepted.
    assert fy2022.preregistration_closes == dt.datetime(2022, 3, 7, 23, 59, 59, tzinfo=TOKYO)
    assert fy2022.applications_close == dt.datetime(2022, 3, 7, 23, 59, 59, tzinfo=TOKYO)
    assert fy2022.applications_open == dt.datetime(2022, 2, 1, 0, 0, tzinfo=TOKYO)
    fy2026 = Cycle.objects.get(fiscal_year=2026)
    assert fy2026.applications_close == dt.datetime(2026, 3, 3, 18, 0, tzinfo=TOKYO)
    fy2020 = Cycle.objects.get(fiscal_year=2020)
    assert fy2020.applications_open == dt.datetime(2020, 2, 1, tzinfo=TOKYO)
    assert fy2020.applications_close is None  # not published: never guessed
    for unknown in (2017, 2023, 2025):
        cycle = Cycle.objects.get(fiscal_year=unknown)
        assert cycle.applications_open is None and cycle.applications_close is None


def test_reference_dates_come_from_the_policy():
    programme_load_reference_data()
    assert Cycle.objects.get(fiscal_year=2018).reference_date == dt.date(2018, 4, 1)
    assert Cycle.objects.get(fiscal_year=2022).reference_date == dt.date(2022, 2, 1)
    assert Cycle.objects.get(fiscal_year=2019).reference_date is None  # uncertain in the sources
    assert Cycle.objects.get(fiscal_year=2017).reference_date is None


def test_tracks_follow_the_policy_organization_track_from_fy2019():
    programme_load_reference_data()
    for cycle in Cycle.objects.all():
        kinds = set(cycle.tracks.values_list("kind", flat=True))
        if cycle.fiscal_year < 2019:
            assert kinds == {"mofa"}
        else:
            assert kinds == {"mofa", "organization"}
            track = cycle.tracks.get(kind="organization")
            value = policy.parameter("organization_track", cycle.fiscal_year).value
            expected = set() if value is policy.UNKNOWN else set(value)
            assert set(track.organizations.values_list("code", flat=True)) == expected
    fy2026 = Track.objects.get(cycle__fiscal_year=2026, kind="organization")
    assert set(fy2026.organizations.values_list("code", flat=True)) == {
        "UNDP",
        "WFP",
        "OECD",
        "OPCW",
        "ICAO",
        "WOAH",
        "GCF",
    }


def test_reference_files_have_a_source_per_row():
    for row in reference_organizations():
        assert row["source"] and row["agreement"]["source"], row["code"]
    for row in reference_cycles():
        assert row["source"], row["fiscal_year"]


def test_a_malformed_reference_file_names_the_row_and_writes_nothing(tmp_path: Path, monkeypatch):
    directory = tmp_path / "reference"
    shutil.copytree(services.REFERENCE_DIR, directory)
    text = (directory / "cycles.yaml").read_text(encoding="utf-8")
    (directory / "cycles.yaml").write_text(
        text.replace("fiscal_year: 2024", "fiscal_year: 2024-25"), encoding="utf-8"
    )
    monkeypatch.setattr(services, "REFERENCE_DIR", directory)
    with pytest.raises(ReferenceDataError, match=r"cycles.yaml row 8 \(FY2024-25\)"):
        programme_load_reference_data()
    assert not Organization.objects.exists()
    assert not Cycle.objects.exists()


# Every address the programme's cycles file cited before it lost its windows to jpo.policy's cycles.yaml.
WINDOW_SOURCES = [
    "http://professional.myedu.co.jp/topics/2029",
    "https://jqos.jp/koteki/juniorprofessionalofficer",
    "http://professional.myedu.co.jp/topics/2335",
    "https://www.es.emb-japan.go.jp/itpr_ja/11_000001_00282.html",
    "https://www.mofa-irc.go.jp/jpo/2022JPO_boshuyoukou_yokoku.html",
    "http://worldstudy.info/immigration/jpo-exam/",
    "https://www.rdc.emb-japan.go.jp/itpr_ja/11_000001_00467.html",
    "https://nyseikatsu.com/ny-news/02/2024/40295",
    "https://career.erythree.com/2026/01/25/2026-%e5%b9%b4%e5%ba%a6-jpo-%e8%a9%a6%e9%a8%93",
]


def test_the_windows_have_one_source_the_policy_and_keep_their_citations():
    raw = (services.REFERENCE_DIR / "cycles.yaml").read_text(encoding="utf-8")
    for key in ("applications_open", "applications_close", "preregistration_opens", "preregistration_closes"):
        assert key not in raw  # derived from jpo.policy, never written twice
    rows = {row["fiscal_year"]: row for row in reference_cycles()}
    for fy, row in rows.items():
        info = policy.cycle_info(fy)
        opens, closes = row["applications_open"], row["applications_close"]
        assert (opens[:10] if opens else None) == (
            info.applications.opens.isoformat() if info.applications.opens else None
        )
        assert (closes[:10] if closes else None) == (
            info.applications.closes.isoformat() if info.applications.closes else None
        )
    programme_load_reference_data()
    cited = " ".join(Cycle.objects.values_list("source", flat=True))
    assert [url for url in WINDOW_SOURCES if url not in cited] == []
    assert "Applicants 327, offers 52" in Cycle.objects.get(fiscal_year=2019).source

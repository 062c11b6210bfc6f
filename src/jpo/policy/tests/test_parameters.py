import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from jpo.policy import (
    UNKNOWN,
    CycleFormatError,
    UnknownCycleError,
    UnknownParameterError,
    cycle_info,
    known_fiscal_years,
    parameter,
    parameter_names,
    parse_cycle,
    resolve_date,
    rules_version,
)
from jpo.policy.parameters import PARAMETERS_DIR, definitions, unknown_date_bounds

PACKAGE = Path(__file__).resolve().parents[2]  # src/jpo
SOURCES = PACKAGE.parents[1] / "docs" / "sources.md"
URL = re.compile(r"https?://[^\s\"'<>)\]|`,;]+")
# The files that hold rules, reference data and published figures (tests and translations excepted).
DATA_SUFFIXES = {".yaml", ".csv", ".md", ".txt"}


def _data_files() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*")
        if path.suffix in DATA_SUFFIXES and not {"tests", "locale"} & set(path.relative_to(PACKAGE).parts)
    )


def test_every_value_has_a_source_with_a_label() -> None:
    for path in PARAMETERS_DIR.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(data["description"]) == {"en", "ja"}, path.name
        for key, entry in data["values"].items():
            assert "value" in entry, (path.name, key)
            source = entry["source"]
            assert source["label"] and "url" in source, (path.name, key)
            assert isinstance(key, date) and key.month == 4 and key.day == 1, (path.name, key)
            if entry.get("external"):  # a fact from outside the programme's own record says so
                assert "not stated by the programme" in source["label"], (path.name, key)


def test_every_cited_url_is_in_docs_sources() -> None:
    """docs/sources.md says what each source says: a data file may cite no address it does not list."""
    sources = SOURCES.read_text(encoding="utf-8")
    cited = {
        (url.rstrip(".:"), str(path.relative_to(PACKAGE)))
        for path in _data_files()
        for url in URL.findall(path.read_text(encoding="utf-8", errors="replace"))
    }
    assert len(cited) > 50  # the pattern still finds the citations
    missing = sorted(f"{file}: {url}" for url, file in cited if url not in sources)
    assert not missing, "cited but not in docs/sources.md:\n" + "\n".join(missing)


def test_no_data_file_cites_a_notebook_or_a_path_outside_the_repository() -> None:
    for path in _data_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for banned in ("FACTS.md", "shared/domain", "/work/"):
            assert banned not in text, (str(path.relative_to(PACKAGE)), banned)


@pytest.mark.parametrize(
    ("fy", "value"),
    [
        (2005, "allowed"),
        (2006, "excluded"),
        (2012, "excluded"),
        (2018, "excluded"),
        (2019, "allowed"),
        (2026, "allowed"),
    ],
)
def test_civil_servants_by_year(fy: int, value: str) -> None:
    assert parameter("civil_servants", fy).value == value


def test_organization_track_by_year() -> None:
    assert parameter("organization_track", 2018).value is UNKNOWN
    assert parameter("organization_track", 2019).value == ["UNDP", "WFP", "OECD"]
    assert parameter("organization_track", 2020).value == ["UNDP", "WFP", "OECD", "OPCW"]
    assert parameter("organization_track", 2021).value == ["UNDP", "WFP", "OECD", "OPCW", "ICAO"]
    for fy in (2022, 2023, 2024, 2025):
        assert parameter("organization_track", fy).value is UNKNOWN
        assert not parameter("organization_track", fy).known
    assert parameter("organization_track", 2026).value == [
        "UNDP",
        "WFP",
        "OECD",
        "OPCW",
        "ICAO",
        "WOAH",
        "GCF",
    ]


def test_dispatch_and_max_organizations() -> None:
    assert parameter("dispatch_years", 2022).value == 2
    assert parameter("dispatch_years_maximum", 2022).value == 3
    assert parameter("max_organizations", 2024).value is UNKNOWN
    value = parameter("max_organizations", 2025)
    assert value.value == 3 and value.since == date(2025, 4, 1)
    assert value.source is not None and "erythree" in (value.source.url or "")


def test_age_reference_dates() -> None:
    assert resolve_date(parameter("age_reference_date", 2012).value, 2012) == date(2012, 4, 1)
    assert resolve_date(parameter("age_reference_date", 2018).value, 2018) == date(2018, 4, 1)
    fy2019 = parameter("age_reference_date", 2019)
    assert fy2019.value is UNKNOWN and len(fy2019.candidates) == 2 and "UNCERTAIN" in (fy2019.note or "")
    for fy in (2020, 2021, 2022):
        assert resolve_date(parameter("age_reference_date", fy).value, fy) == date(fy, 2, 1)
    assert parameter("age_reference_date", 2023).value is UNKNOWN


def test_language_rule_changes_in_fy2022() -> None:
    assert parameter("language_test", 2021).value["mandatory"] is False
    assert parameter("language_test", 2022).value == {
        "mandatory": True,
        "language": "English",
        "accepted_tests": ["toefl_ibt", "ielts"],
    }
    validity = parameter("language_score_validity", 2022)
    assert validity.value == 24 and validity.external


def test_value_as_dict_is_json_ready() -> None:
    data = parameter("degree_deadline", 2022).as_dict()
    assert data["in_force_since"] == "2022-04-01"
    assert data["exceptions"] == {"UNDP": {"month": 3, "day": 31}}
    assert parameter("organization_track", 2023).as_dict()["value"] == "unknown"


def test_before_the_first_value_nothing_is_in_force() -> None:
    value = parameter("civil_servants", 1990)
    assert value.value is None and not value.known


def test_unknown_parameter() -> None:
    with pytest.raises(UnknownParameterError):
        parameter("shoe_size", 2022)
    assert "age_limit" in parameter_names()
    assert set(definitions()) == set(parameter_names())


def test_cycles() -> None:
    assert known_fiscal_years() == list(range(2005, 2027))
    fy2022 = cycle_info("FY2022")
    assert fy2022.code == "FY2022"
    assert fy2022.application_dates() == (date(2022, 2, 1), date(2022, 3, 7))
    assert fy2022.pre_registration is not None and fy2022.pre_registration.opens_time == "10:00"
    # FY2020's close is unknown: the latest close recorded for any cycle (18 May, FY2012) bounds it.
    assert cycle_info(2020).application_dates() == (date(2020, 2, 1), date(2020, 5, 18))
    assert cycle_info(2026).applications.closes_time == "18:00"
    assert unknown_date_bounds(2023) == (date(2023, 2, 1), date(2023, 5, 18))


@pytest.mark.parametrize(
    "code", ["FY22", "2022x", "FY 2022", "fy2022a", "", "FYABCD", True, "FY²⁰²²", "FY٢٠٢٢"]
)
def test_bad_cycle_format(code: object) -> None:
    with pytest.raises(CycleFormatError):
        parse_cycle(code)  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["FY2004", "FY2027", 1999])
def test_unknown_cycle(code: object) -> None:
    with pytest.raises(UnknownCycleError, match="FY2005 to FY2026"):
        parse_cycle(code)  # type: ignore[arg-type]


def test_cycle_codes_accepted() -> None:
    assert parse_cycle("FY2022") == parse_cycle("fy2022") == parse_cycle(2022) == 2022


def test_rules_version_is_stable_and_hex() -> None:
    assert rules_version() == rules_version()
    assert len(rules_version()) == 16 and int(rules_version(), 16) >= 0

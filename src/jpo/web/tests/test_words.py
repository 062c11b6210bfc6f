"""Words in the reader's language: fiscal years, Member States and targets."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import translation

from jpo.programme.labels import member_state_label, member_state_names_ja
from jpo.programme.models import Cycle
from jpo.representation.models import MemberState
from jpo.representation.services import MEMBER_STATES_FILE, member_states_import
from jpo.workforce.models import Target
from jpo.workforce.reference import TARGETS


@pytest.mark.parametrize(("language", "expected"), [("ja", "2027年度"), ("en", "FY2027")])
def test_fiscal_years_read_in_the_language_everywhere(language: str, expected: str) -> None:
    cycle = Cycle(fiscal_year=2027)
    with translation.override(language):
        # The filter is a built-in of the template engine: no {% load %}, so every template and e-mail has it.
        assert Template("{{ year|fy }}").render(Context({"year": 2027})) == expected
        assert cycle.label == expected and str(cycle) == expected
    assert cycle.code == "FY2027"  # the code for machines does not change with the language


def test_every_member_state_has_a_japanese_name_from_the_shipped_list() -> None:
    with MEMBER_STATES_FILE.open(encoding="utf-8-sig", newline="") as f:
        codes = [row["iso3"] for row in csv.DictReader(f)]
    names = member_state_names_ja()
    assert sorted(names) == sorted(codes)
    assert all(names.values()) and len(set(names.values())) == len(names)
    assert names["GBR"] == "英国" and names["JPN"] == "日本"
    assert member_state_label("CHN", "China", "ja") == "中華人民共和国"
    assert member_state_label("CHN", "China", "en") == "China"


def test_the_japanese_names_cite_their_source_in_the_data() -> None:
    from jpo.programme.labels import MEMBER_STATE_NAMES_JA_FILE

    with MEMBER_STATE_NAMES_JA_FILE.open(encoding="utf-8", newline="") as f:
        sources = {row["source"] for row in csv.DictReader(f)}
    assert sources == {"MOFA list of countries and regions, https://www.mofa.go.jp/mofaj/area/index.html"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown", "refused"),
    [
        ("ja", ["JPN 日本", "CHN 中華人民共和国"], ["Japan", "China"]),
        ("en", ["JPN Japan", "CHN China"], ["中華人民共和国"]),
    ],
)
def test_workforce_rankings_name_member_states_in_the_language(
    client: Any, language: str, shown: list[str], refused: list[str]
) -> None:
    """The rankings of the workforce page listed "CHN China" on Japanese pages."""
    from django.urls import reverse

    from jpo.accounts.models import Role, User
    from jpo.workforce.services import workforce_load_reference_data

    workforce_load_reference_data()
    client.force_login(
        User.objects.create_user(username="wf", email="wf@example.jp", password="x" * 12, role=Role.ANALYST)
    )
    client.cookies["jpo_language"] = language
    html = client.get(reverse("workforce:dashboard")).content.decode()
    rankings = html.split('id="table-rankings"', 1)[1].split("</table>", 1)[0]
    for text in shown:
        assert f">{text}<" in rankings, text
    for text in refused:
        assert f" {text}<" not in rankings, text


@pytest.mark.django_db
def test_member_states_show_their_japanese_name_on_japanese_pages() -> None:
    member_states_import()
    japan = MemberState.objects.get(iso3="GBR")
    with translation.override("ja"):
        assert japan.display_name == "英国"
    with translation.override("en"):
        assert japan.display_name == "United Kingdom of Great Britain and Northern Ireland"


def test_shipped_targets_have_japanese_names() -> None:
    for spec in TARGETS:
        target = Target(name=str(spec["name"]), name_ja=str(spec["name_ja"]))
        with translation.override("ja"):
            assert target.display_name == spec["name_ja"]
        with translation.override("en"):
            assert target.display_name == spec["name"]


def test_rule_problems_read_in_both_languages() -> None:
    from jpo.policy.validation import in_language, validate_parameter

    [problem] = validate_parameter("age_limit", 99)
    assert problem == "age_limit: 99 is not a whole number from 18 to 45"  # the command line and the API
    japanese = in_language(problem, "ja")
    assert "age_limit" not in japanese and "99" in japanese and "18〜45の整数ではありません" in japanese
    assert in_language(problem, "en") == problem


@pytest.mark.parametrize(
    ("published", "japanese"),
    [
        ("end 2024", "2024年末"),
        ("Jan 2009", "2009年1月"),
        ("1 Jan 2001", "2001年1月1日"),
        ("30 June 2015", "2015年6月30日"),
        ("March 2019", "2019年3月"),
        ("2016", "2016年"),
        ("2001 (Kono)", "2001年（Kono）"),  # who published it, kept as written
        ("2017/18", "2017/18"),  # another form: kept as published
        ("", ""),
    ],
)
def test_published_dates_read_in_the_language(published: str, japanese: str) -> None:
    from jpo.programme.labels import published_date_label

    with translation.override("ja"):
        assert published_date_label(published) == japanese
    with translation.override("en"):
        assert published_date_label(published) == published  # English pages: as the source wrote it
    assert published_date_label(published, "ja") == japanese  # e-mails and PDFs name their language


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected", "refused"),
    [
        (
            "ja",
            [
                "2024年末",
                "2025年末",
                "2015年末",
                "2009年1月",
                "2004年1月",
                "<td>2017年末</td>",
                "（2000年比）",
            ],
            ["end 2024", "Jan 2009", "end 2017", "(since "],
        ),
        ("en", ["end 2024", "end 2025", "Jan 2009", "<td>end 2017</td>", "(since 2000)"], ["2024年末"]),
    ],
)
def test_workforce_dates_read_in_the_language(
    client: Any, language: str, expected: list[str], refused: list[str]
) -> None:
    from django.urls import reverse

    from jpo.accounts.models import Role, User
    from jpo.web.wording import wording_problems
    from jpo.workforce.services import workforce_load_reference_data

    workforce_load_reference_data()
    client.force_login(
        User.objects.create_user(username="wf", email="wf@example.jp", password="x" * 12, role=Role.ANALYST)
    )
    client.cookies["jpo_language"] = language
    html = client.get(reverse("workforce:dashboard")).content.decode()
    svg = client.get(reverse("workforce:chart", args=["series"])).content.decode()
    for text in expected:
        assert text in html + svg, text
    for text in refused:
        assert text not in html + svg, text
    if language == "ja":
        assert "2025年末 までに" in svg  # "Target 1000 by end 2025" in Japanese
        assert not [p for p in wording_problems(html) if p.startswith("date in English")]


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), [("ja", "2017年末"), ("en", "end 2017")])
def test_representation_dates_read_in_the_language(client: Any, language: str, expected: str) -> None:
    from jpo.accounts.models import Role, User
    from jpo.representation.services import representation_load_reference_data

    representation_load_reference_data()
    client.force_login(
        User.objects.create_user(username="rp", email="rp@example.jp", password="x" * 12, role=Role.ANALYST)
    )
    client.cookies["jpo_language"] = language
    html = client.get(
        "/representation/?period=2016-2018&population_year=2016&as_of=2017-12-31"
    ).content.decode()
    assert f"({expected}; " in html  # Japan's staff count, with the date it was published for


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "name"), [("ja", "消費者庁"), ("en", "Consumer Affairs Agency")])
def test_ministries_show_their_name_not_their_code(client: Any, language: str, name: str) -> None:
    """The desk list said "はい (CAA)": the ministry's code beside the translated answer."""
    from django.urls import reverse

    from jpo.accounts.models import Role, User
    from jpo.applications.models import Applicant, Application
    from jpo.placement.tests import factories
    from jpo.programme.models import Ministry, Track

    caa = Ministry.objects.create(code="CAA", name_en="Consumer Affairs Agency", name_ja="消費者庁")
    cycle = factories.cycle(2024)
    Application.objects.create(
        applicant=Applicant.objects.create(
            family_name="山田", given_name="花子", birth_date=dt.date(1995, 1, 1), email="y@example.jp"
        ),
        cycle=cycle,
        track=Track.objects.get(cycle=cycle, kind="mofa"),
        status="submitted",
        receipt_number="R2024-000001",
        submitted_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
        is_civil_servant=True,
        ministry=caa,
    )
    client.force_login(
        User.objects.create_user(username="mo", email="mo@example.jp", password="x" * 12, role=Role.OFFICER)
    )
    client.cookies["jpo_language"] = language
    html = client.get(reverse("desk:applications")).content.decode()
    assert name in html and "(CAA)" not in html and "CAA" not in html.split("<main", 1)[-1]
    with translation.override(language):
        assert str(caa) == name == caa.display_name

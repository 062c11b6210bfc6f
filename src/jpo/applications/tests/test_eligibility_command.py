"""`jpo eligibility`: the real console command for the exit-status contract, call_command for the rest."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from jpo.policy.tests.test_profile import EXAMPLE

# The published rule set of a cycle (database) governs its evaluation: every path reads it.
pytestmark = pytest.mark.django_db

JPO = Path(sys.executable).with_name("jpo")


def _write(tmp_path: Path, data: Any, name: str = "profile.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(JPO), "eligibility", *args], capture_output=True, text=True, timeout=60, check=False
    )


def _profile(**changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(EXAMPLE), **changes}


@pytest.fixture(scope="module")
def console() -> Path:
    if not JPO.exists():
        pytest.fail(f"the console command {JPO} is missing: install the project (pip install -e .)")
    return JPO


# --- the real console command: exit statuses ----------------------------------------------------------


def test_exit_0_when_every_criterion_passes(console: Path, tmp_path: Path) -> None:
    result = _run(str(_write(tmp_path, EXAMPLE)), "--cycle", "FY2022", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["cycle"] == "FY2022" and data["eligible"] is True
    assert [c["id"] for c in data["criteria"]] == [
        "nationality", "age", "degree", "experience", "language", "prior_service", "civil_servant",
    ]  # fmt: skip
    assert all(
        set(c) >= {"id", "outcome", "message"} and set(c["message"]) == {"en", "ja"} for c in data["criteria"]
    )
    assert result.stderr == ""


def test_exit_1_when_a_criterion_fails(console: Path, tmp_path: Path) -> None:
    # the same serving civil servant in FY2018, when civil servants were excluded
    result = _run(str(_write(tmp_path, EXAMPLE)), "--cycle", "FY2018", "--format", "json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["eligible"] is False
    assert {c["id"]: c["outcome"] for c in data["criteria"]}["civil_servant"] == "failed"


def test_exit_3_when_none_fails_but_some_need_review(console: Path, tmp_path: Path) -> None:
    # FY2019 reference date is 1 Feb or 1 Apr 2019 (uncertain): 35 on one, 36 on the other
    result = _run(
        str(_write(tmp_path, _profile(birth_date="1983-03-01"))), "--cycle", "FY2019", "--format", "json"
    )
    assert result.returncode == 3, result.stderr
    outcomes = {c["id"]: c["outcome"] for c in json.loads(result.stdout)["criteria"]}
    assert outcomes["age"] == "needs_review" and "failed" not in outcomes.values()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["{missing}", "--cycle", "FY2022"], "cannot read the file"),
        (["{invalid}", "--cycle", "FY2022"], "invalid JSON at line 1"),
        (["{bad_date}", "--cycle", "FY2022"], "degrees[1].expected: not a date (2022-02-30)"),
        (["{no_birth}", "--cycle", "FY2022"], "birth_date: missing"),
        (["{good}", "--cycle", "FY2040"], "--cycle: unknown cycle FY2040"),
        (["{good}", "--cycle", "2022"], "--cycle: not a cycle code (2022)"),
        (["{good}"], "the following arguments are required: --cycle"),
        (["{good}", "--cycle", "FY2022", "--format", "xml"], "argument --format: invalid choice"),
        (["{good}", "--cycle", "FY2022", "--lang", "fr"], "argument --lang: invalid choice"),
        # each of these gave a traceback and exit 1, or passed and printed invalid JSON
        (["{deep}", "--cycle", "FY2022"], "nested more than 20 levels deep"),
        (["{long_int}", "--cycle", "FY2022"], "a number with more than 18 digits"),
        (["{nan}", "--cycle", "FY2022"], "NaN is not a number JSON allows"),
        (["{infinity}", "--cycle", "FY2022"], "a number out of range (1e999)"),
        (["{nul}", "--cycle", "FY2022"], "degrees[0].field: contains a NUL character"),
        (["{huge}", "--cycle", "FY2022"], "larger than 1,000,000 bytes"),
    ],
)
def test_exit_2_for_bad_input_with_one_line_and_no_traceback(
    console: Path, tmp_path: Path, args: list[str], needle: str
) -> None:
    bad_date = _profile()
    bad_date["degrees"][1]["expected"] = "2022-02-30"
    nul = _profile()
    nul["degrees"][0]["field"] = "law\x00"
    files = {
        "missing": str(tmp_path / "nope.json"),
        "invalid": str(_write(tmp_path, "{not json", "invalid.json")),
        "bad_date": str(_write(tmp_path, bad_date, "bad_date.json")),
        "no_birth": str(_write(tmp_path, {k: v for k, v in EXAMPLE.items() if k != "birth_date"}, "nb.json")),
        "good": str(_write(tmp_path, EXAMPLE, "good.json")),
        "deep": str(_write(tmp_path, '{"a": ' + "[" * 5000 + "]" * 5000 + "}", "deep.json")),
        "long_int": str(_write(tmp_path, '{"birth_date": ' + "9" * 5000 + "}", "long_int.json")),
        "nan": str(_write(tmp_path, json.dumps(EXAMPLE).replace('"score": 105', '"score": NaN'), "nan.json")),
        "infinity": str(
            _write(tmp_path, json.dumps(EXAMPLE).replace('"score": 105', '"score": 1e999'), "i.json")
        ),
        "nul": str(_write(tmp_path, nul, "nul.json")),
        "huge": str(_write(tmp_path, {**EXAMPLE, "padding": "x" * 1_100_000}, "huge.json")),
    }
    result = _run(*[a.format(**files) for a in args])
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert needle in lines[0]
    assert "Traceback" not in result.stderr


def test_stdin_profile(console: Path) -> None:
    result = subprocess.run(
        [str(JPO), "eligibility", "-", "--cycle", "FY2022", "--format", "json"],
        input=json.dumps(EXAMPLE),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# --- call_command: output formats and languages -------------------------------------------------------


def _call(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("eligibility", *args, stdout=out)
    except SystemExit as stop:
        return int(stop.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_text_output_in_english(tmp_path: Path) -> None:
    status, text = _call(str(_write(tmp_path, EXAMPLE)), "--cycle", "FY2022", "--lang", "en")
    assert status == 0
    assert text.startswith("Eligibility self-check, FY2022")
    assert "[passed] Age: 35 or younger on 1 February 2022" in text
    assert "Result: Eligible" in text


def test_text_output_in_japanese(tmp_path: Path) -> None:
    status, text = _call(
        str(_write(tmp_path, EXAMPLE)), "--cycle", "FY2018", "--lang", "ja", "--format", "text"
    )
    assert status == 1
    assert text.startswith("応募資格の自己診断　2018年度")
    assert "[不適合] 国家公務員：現職の国家公務員は応募できません" in text
    assert "結果：応募資格なし" in text


def test_json_output_carries_rule_value_source_and_applicant_value(tmp_path: Path) -> None:
    status, text = _call(str(_write(tmp_path, EXAMPLE)), "--cycle", "FY2022", "--format", "json")
    assert status == 0
    data = json.loads(text)
    age = data["criteria"][1]
    assert age["parameter_value"] == {
        "age_limit": 35,
        "reference_date": "2022-02-01",
        "born_on_or_after": "1986-02-02",
    }
    assert age["applicant_value"] == "1990-05-01"
    assert age["source"][0]["url"] == "https://www.mofa-irc.go.jp/jpo/jpo-exam-nikkei.html"
    assert data["rules_version"]


def test_bad_input_raises_command_error_with_status_2(tmp_path: Path) -> None:
    path = _write(tmp_path, _profile(former_jpo="no"))
    with pytest.raises(CommandError, match="former_jpo: not true or false") as info:
        call_command("eligibility", str(path), "--cycle", "FY2022")
    assert info.value.returncode == 2


def test_not_an_object(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="profile: not an object") as info:
        call_command("eligibility", str(_write(tmp_path, ["JP"])), "--cycle", "FY2022")
    assert info.value.returncode == 2

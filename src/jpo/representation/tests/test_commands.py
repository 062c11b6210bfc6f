"""`jpo ranges` (through the real console script, for exit codes) and `jpo load_representation`."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from jpo.representation.models import MemberState
from jpo.representation.services import DATA_DIR

JPO = Path(__file__).resolve().parents[4] / ".venv" / "bin" / "jpo"
HEADER = "iso3,name,assessment_pct,population,staff\n"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jpo.settings", "JPO_LANGUAGE": "en"}
    return subprocess.run([str(JPO), "ranges", *args], capture_output=True, text=True, env=env, timeout=120)


def write(tmp_path: Path, text: str, name: str = "states.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def states_2016(tmp_path_factory: pytest.TempPathFactory) -> str:
    """All 193 Member States, scale 2016-2018, population 2016; staff: Japan 79, others 0 (a test input)."""
    with open(DATA_DIR / "un_member_states.csv", encoding="utf-8") as handle:
        names = {r["iso3"]: r["name"] for r in csv.DictReader(handle)}
    with open(DATA_DIR / "un_scale_of_assessments.csv", encoding="utf-8") as handle:
        rates = {r["iso3"]: r["rate_pct"] for r in csv.DictReader(handle) if r["period"] == "2016-2018"}
    with open(DATA_DIR / "population.csv", encoding="utf-8") as handle:
        pops = {r["iso3"]: r["population"] for r in csv.DictReader(handle) if r["year"] == "2016"}
    path = tmp_path_factory.mktemp("ranges") / "states.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["iso3", "name", "assessment_pct", "population", "staff"])
        for iso3, name in names.items():
            writer.writerow([iso3, name, rates[iso3], pops[iso3], 79 if iso3 == "JPN" else 0])
    return str(path)


def test_ranges_of_the_shipped_data_as_csv(states_2016: str) -> None:
    result = run(states_2016, "--base", "3500")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["iso3", "name", "lower", "midpoint", "upper", "staff", "status"]
    assert len(rows) == 193
    japan = next(r for r in rows if r["iso3"] == "JPN")
    assert japan == {
        "iso3": "JPN",
        "name": "Japan",
        "lower": "167",
        "midpoint": "196.56",
        "upper": "226",
        "staff": "79",
        "status": "under",
    }
    assert {r["status"] for r in rows} == {"under", "unrepresented"}
    tuvalu = next(r for r in rows if r["iso3"] == "TUV")
    assert (tuvalu["lower"], tuvalu["upper"]) == ("2", "14")


def test_ranges_as_json_with_members(states_2016: str) -> None:
    result = run(states_2016, "--base", "3500", "--members", "193", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    japan = next(r for r in data if r["iso3"] == "JPN")
    assert japan["midpoint"] == 196.56 and japan["status"] == "under"


def test_status_within_and_over(tmp_path: Path) -> None:
    # Two States, N = 2, B = 100: midpoints 20 + 2.5*share + 55*rate%
    text = HEADER + "AAA,Alpha,50,1,25\nBBB,Beta,50,1,100\n"
    result = run(write(tmp_path, text), "--base", "100")
    assert result.returncode == 0, result.stderr
    rows = {r["iso3"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    # midpoint = 20 + 2.5 + 27.5 = 50; 15 % = 7.5 -> 42.5 / 57.5 -> 43 / 58 (half up)
    assert (rows["AAA"]["lower"], rows["AAA"]["midpoint"], rows["AAA"]["upper"]) == ("43", "50.00", "58")
    assert rows["AAA"]["status"] == "under"
    assert rows["BBB"]["status"] == "over"


@pytest.mark.parametrize(
    ("text", "args", "expected"),
    [
        ("iso3,name,assessment_pct,population\nAAA,A,100,1\n", [], "missing column(s) staff"),
        (HEADER + "AAA,A,100,-1,0\n", [], "Row 2, column “population”: -1 is negative"),
        (HEADER + "AAA,A,100,1,-2\n", [], "Row 2, column “staff”: -2 is negative"),
        (HEADER + "AAA,A,-100,1,2\n", [], "Row 2, column “assessment_pct”: -100 is negative"),
        (HEADER + "AAA,A,60,1,0\nBBB,B,30,1,0\n", [], "add up to 90, not 100 (tolerance ±0.1)"),
        (HEADER + "AAA,A,60,1,0\nAAA,B,40,1,0\n", [], "Row 3, column “iso3”: AAA already appears on line 2"),
        (HEADER + "AAA,A,sixty,1,0\n", [], "Row 2, column “assessment_pct”: “sixty” is not a number"),
        (HEADER + "AAA,A,100,1,2.5\n", [], "Row 2, column “staff”: “2.5” is not a whole number"),
        (HEADER + "AAA,A,100,1,2\n", ["--members", "0"], "--members 0 is fewer than the 1 rows"),
        (
            HEADER + "AAA,A,100,1," + "9" * 30 + "\n",
            [],
            "column “staff”: " + "9" * 30 + " is above 2,147,483,647",
        ),
        (HEADER + "AAA,A\x00,100,1,2\n", [], "Row 2, column “name”: contains a NUL character"),
        (HEADER, [], "no Member State rows"),
        ("", [], "is empty"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path: Path, text: str, args: list[str], expected: str) -> None:
    result = run(write(tmp_path, text), "--base", "3500", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["/nonexistent/states.csv", "--base", "3500"], "no such file"),
        (["{dir}", "--base", "3500"], "cannot be read"),
        (["{file}", "--base", "zero"], "“zero” is not a number"),
        (["{file}", "--base", "-5"], "must be a number greater than 0"),
        (
            ["{file}", "--base", "1e999999"],
            "out of range (from 1 to 100000)",
        ),  # was a decimal.Overflow traceback
        (["{file}", "--base", "3500", "--members", "9" * 30], "out of range (from 0 to 1000)"),
        (["{file}"], "--base"),
        (["{file}", "--base", "3500", "--format", "xml"], "invalid choice"),
    ],
)
def test_bad_arguments_and_unreadable_files_exit_2(tmp_path: Path, args: list[str], expected: str) -> None:
    file_name = write(tmp_path, HEADER + "AAA,A,100,1,2\n")
    result = run(*[a.format(dir=tmp_path, file=file_name) for a in args])
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]


def test_csv_output_never_holds_a_formula(tmp_path: Path) -> None:
    result = run(
        write(tmp_path, HEADER + 'AAA,"=HYPERLINK(""https://evil.example/"")",100,1,2\n'), "--base", "3500"
    )
    assert result.returncode == 0, result.stderr
    assert "'=HYPERLINK" in result.stdout and ",=HYPERLINK" not in result.stdout


def test_non_utf8_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "CIV,Côte d'Ivoire,100,1,2\n").encode("latin-1"))
    result = run(str(path), "--base", "3500")
    assert result.returncode == 2
    assert "not UTF-8" in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.django_db
def test_load_representation_command_is_idempotent_and_shows_progress() -> None:
    out = io.StringIO()
    call_command("load_representation", stdout=out)
    assert "[5/5]" in out.getvalue() and "193 created" in out.getvalue()
    out = io.StringIO()
    call_command("load_representation", stdout=out)
    assert "193 unchanged" in out.getvalue() and "0 created" in out.getvalue()
    assert MemberState.objects.count() == 193


@pytest.mark.django_db
def test_load_representation_refuses_a_bad_file_with_status_2(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    bad = write(tmp_path, "iso3,period,rate_pct\nJPN,2016-2018,x\n", "scale.csv")
    with pytest.raises(CommandError) as excinfo:
        call_command("load_representation", "--scale", bad, stdout=io.StringIO(), stderr=io.StringIO())
    assert excinfo.value.returncode == 2
    assert "Row 2, column “rate_pct”" in str(excinfo.value)
    assert MemberState.objects.count() == 0

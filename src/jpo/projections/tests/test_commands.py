"""The command-line contract of `jpo project` and `jpo backtest`, run as a user runs them (subprocesses)
against a scratch SQLite database with the shipped series loaded."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

JPO = Path(__file__).resolve().parents[4] / ".venv" / "bin" / "jpo"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    database = tmp_path_factory.mktemp("cli") / "jpo.sqlite3"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jpo.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "JPO_LANGUAGE": "en",
    }
    for args in (["migrate", "--noinput", "-v", "0"], ["load_workforce"]):
        subprocess.run([str(JPO), *args], check=True, capture_output=True, env=environment, timeout=600)
    return environment


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(JPO), *args], capture_output=True, text=True, env=env, timeout=300)


def test_project_json(env: dict[str, str]) -> None:
    result = run(env, "project", "--until", "2035", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"years", "targets"}
    assert [row["year"] for row in data["years"]] == list(range(2025, 2036))
    for row in data["years"]:
        assert set(row) == {"year", "p10", "p50", "p90"}
        assert row["p10"] <= row["p50"] <= row["p90"]
    targets = {t["headcount"]: t for t in data["targets"]}
    assert set(targets[1000]) == {"headcount", "deadline", "probability"}
    assert targets[1000]["deadline"] == "2025-12-31" and 0 < targets[1000]["probability"] < 1
    assert targets[671]["probability"] == 1.0  # 676 published before January 2009
    # Same seed, same answer.
    assert json.loads(run(env, "project", "--until", "2035").stdout) == data


def test_project_csv_with_a_scenario(env: dict[str, str], tmp_path: Path) -> None:
    scenario = tmp_path / "push.yaml"
    scenario.write_text(
        "name: Mid-career push\nmid_career_entries_per_year: 15\nfrom_year: 2026\n", encoding="utf-8"
    )
    base = run(env, "project", "--until", "2030", "--format", "csv")
    pushed = run(env, "project", "--scenario", str(scenario), "--until", "2030", "--format", "csv")
    assert pushed.returncode == 0, pushed.stderr
    lines = pushed.stdout.splitlines()
    assert lines[0] == "year,p10,p50,p90"
    assert lines[1].startswith("2025,") and lines[6].startswith("2030,")
    assert lines[8] == "target_headcount,deadline,probability"
    assert base.stdout.splitlines()[1] == lines[1]  # 2025: before the lever applies, the same paths
    assert float(lines[6].split(",")[2]) > float(base.stdout.splitlines()[6].split(",")[2]) + 60


def test_backtest_json_skips_gaps(env: dict[str, str]) -> None:
    result = run(env, "backtest", "--fit-until", "2018", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["fit_until"] == 2018
    assert [row["year"] for row in data["years"]] == [2019, 2020, 2021, 2022, 2024]  # no 2023: not published
    assert [row["published"] for row in data["years"]] == [912, 918, 956, 961, 979]
    for row in data["years"]:
        assert set(row) == {"year", "forecast", "p10", "p90", "published", "error"}
        assert row["error"] == pytest.approx(row["forecast"] - row["published"], abs=0.11)
    assert data["mae"] == pytest.approx(sum(abs(r["error"]) for r in data["years"]) / 5, abs=0.06)
    assert 0 < data["mape"] < 100
    assert set(data["baselines"]) == {"last_value", "linear_trend"}
    assert data["baselines"]["last_value"]["mae"] == pytest.approx((30 + 36 + 74 + 79 + 97) / 5)


def test_backtest_csv(env: dict[str, str]) -> None:
    result = run(env, "backtest", "--fit-until", "2018", "--format", "csv")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "year,forecast,p10,p90,published,error"
    assert lines[1].startswith("2019,") and lines[5].startswith("2024,")
    assert lines[7] == "measure,model,last_value,linear_trend"
    assert lines[8].startswith("mae,") and lines[9].startswith("mape,")


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("retension_rate: 0.5\n", "Unknown scenario key “retension_rate”"),
        ("retention_rate: 1.5\n", "retention_rate must lie between 0 and 1"),
        ("dispatches_per_year: 80\n", "today_dispatches_per_year"),
        ("- a list\n", "A scenario is a mapping"),
        ("key: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_scenario_exits_2_with_one_line(
    env: dict[str, str], tmp_path: Path, yaml_text: str, expected: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    result = run(env, "project", "--scenario", str(path), "--until", "2035")
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["backtest", "--fit-until", "2023"], "No published figure for 2023"),
        (["backtest", "--fit-until", "2024"], "No published figure after 2024"),
        (["backtest", "--fit-until", "2000"], "At least three published figures"),
        (["project", "--until", "2020"], "--until must come after the last published figure (2024)"),
        (["project", "--until", "soon"], "invalid int value"),
        (["project", "--until", "2035", "--scenario", "/nonexistent.yaml"], "cannot read the file"),
        (["project", "--until", "2035", "--paths", "5"], "--paths"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(env: dict[str, str], args: list[str], expected: str) -> None:
    result = run(env, *args)
    assert result.returncode == 2, result.stdout
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_messages_follow_the_site_language(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("retention_rate: 2\n", encoding="utf-8")
    result = run({**env, "JPO_LANGUAGE": "ja"}, "project", "--scenario", str(path), "--until", "2035")
    assert result.returncode == 2
    assert "retention_rate は0から1の間にしてください" in result.stderr

"""`jpo rules show|load|publish` and `jpo eligibility` under a published rule set: the real console command
(for the contract, checked from outside the test process) and call_command for the details."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command

from jpo import policy
from jpo.policy.tests.test_profile import EXAMPLE
from jpo.programme.models import Cycle, RuleSet, RuleSetStatus

JPO = Path(sys.executable).with_name("jpo")


def _show(*args: str) -> str:
    out = StringIO()
    call_command("rules", "show", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_show_prints_every_parameter_in_the_files_format() -> None:
    document = yaml.safe_load(_show("--cycle", "FY2022"))
    assert document["cycle"] == "FY2022" and document["status"] == "history"
    assert set(document["parameters"]) == set(policy.parameter_names())
    deadline = document["parameters"]["degree_deadline"]
    assert deadline["value"] == {"month": 7, "day": 31}
    assert deadline["exceptions"] == {"UNDP": {"month": 3, "day": 31}}
    assert deadline["source"]["url"].startswith("https://")
    assert json.loads(_show("--cycle", "FY2022", "--format", "json")) == document


@pytest.mark.django_db
def test_load_publish_show_round_trip(tmp_path: Path) -> None:
    document = yaml.safe_load(_show("--cycle", "FY2026"))
    document["cycle"] = "FY2027"
    path = tmp_path / "fy2027.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    out = StringIO()
    call_command("rules", "load", str(path), stdout=out)
    assert "FY2027: draft rule set loaded" in out.getvalue()
    assert yaml.safe_load(_show("--cycle", "FY2027"))["status"] == "draft"
    with pytest.raises(CommandError) as refused:
        call_command("rules", "publish", "--cycle", "FY2027", stdout=StringIO())
    assert refused.value.returncode == 2 and "--confirm-unknown" in str(refused.value)
    call_command("rules", "publish", "--cycle", "FY2027", "--confirm-unknown", stdout=StringIO())
    shown = yaml.safe_load(_show("--cycle", "FY2027"))
    assert shown == {**document, "status": "published"}
    with pytest.raises(CommandError, match="FY2027 has no draft rule set to publish"):
        call_command("rules", "publish", "--cycle", "FY2027", stdout=StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("cycle: [", "invalid YAML at line 1"),
        ("- 1\n- 2\n", "expected a mapping with cycle and parameters"),
        ("cycle: FY27\nparameters: {}\n", "not a cycle code"),
    ],
)
def test_bad_files_exit_2_and_write_nothing(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=fragment) as caught:
        call_command("rules", "load", str(path), stdout=StringIO())
    assert caught.value.returncode == 2
    assert not Cycle.objects.exists() and not RuleSet.objects.exists()


@pytest.mark.django_db
def test_a_bad_value_names_the_parameter(tmp_path: Path) -> None:
    document = yaml.safe_load(_show("--cycle", "FY2026"))
    document["cycle"] = "FY2027"
    document["parameters"]["age_limit"]["value"] = 60
    document["parameters"]["experience_months"]["value"] = "two years"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("rules", "load", str(path), stdout=StringIO())
    message = str(caught.value)
    assert "age_limit: 60 is not a whole number from 18 to 45" in message
    assert "experience_months: 'two years' is not a whole number from 0 to 120" in message
    assert not RuleSet.objects.exists()


# --- the real console command, with its own database ----------------------------------------------------


def _jpo(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(JPO), *args], capture_output=True, text=True, timeout=300, check=False, env=env, input=stdin
    )


def test_the_cli_contract_from_outside(tmp_path: Path) -> None:
    if not JPO.exists():
        pytest.fail(f"the console command {JPO} is missing: install the project (pip install -e .)")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
    assert _jpo(env, "migrate", "-v0").returncode == 0

    shown = _jpo(env, "rules", "show", "--cycle", "FY2026")
    assert shown.returncode == 0, shown.stderr
    document = yaml.safe_load(shown.stdout)
    assert document["status"] == "history" and set(document["parameters"]) == set(policy.parameter_names())
    as_json = _jpo(env, "rules", "show", "--cycle", "FY2026", "--format", "json")
    assert json.loads(as_json.stdout) == document

    renamed = shown.stdout.replace("cycle: FY2026", "cycle: FY2027", 1)
    bad = renamed.replace("value: 35", "value: 60", 1)
    refused = _jpo(env, "rules", "load", "-", stdin=bad)
    assert refused.returncode == 2
    assert "age_limit: 60 is not a whole number from 18 to 45" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert _jpo(env, "rules", "show", "--cycle", "FY2027").returncode == 2  # nothing was written

    (tmp_path / "fy2027.yaml").write_text(renamed, encoding="utf-8")
    loaded = _jpo(env, "rules", "load", str(tmp_path / "fy2027.yaml"))
    assert loaded.returncode == 0, loaded.stderr
    assert _jpo(env, "rules", "publish", "--cycle", "FY2027").returncode == 2  # unknown criteria
    published = _jpo(env, "rules", "publish", "--cycle", "FY2027", "--confirm-unknown")
    assert published.returncode == 0, published.stderr
    again = yaml.safe_load(_jpo(env, "rules", "show", "--cycle", "FY2027").stdout)
    assert again == {**document, "cycle": "FY2027", "status": "published"}  # every value round-trips

    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({**EXAMPLE, "birth_date": "1995-05-01"}), encoding="utf-8")
    checked = _jpo(env, "eligibility", str(profile), "--cycle", "FY2027", "--format", "json")
    decision: dict[str, Any] = json.loads(checked.stdout)
    assert decision["cycle"] == "FY2027"
    # FY2026's history leaves the experience rule unknown: nothing fails, so "eligible" is null, exit 3.
    assert decision["outcome"] == "needs_review" and decision["eligible"] is None and checked.returncode == 3
    unknown = _jpo(env, "eligibility", str(profile), "--cycle", "FY2028", "--format", "json")
    assert unknown.returncode == 2 and "unknown cycle FY2028" in unknown.stderr


@pytest.mark.django_db
def test_a_superseded_rule_set_stays_and_show_prints_what_governs(tmp_path: Path) -> None:
    document = yaml.safe_load(_show("--cycle", "FY2026"))
    path = tmp_path / "fy2026.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    for _ in range(2):
        call_command("rules", "load", str(path), stdout=StringIO())
        call_command("rules", "publish", "--cycle", "FY2026", "--confirm-unknown", stdout=StringIO())
    statuses = sorted(RuleSet.objects.values_list("status", flat=True))
    assert statuses == [RuleSetStatus.PUBLISHED, RuleSetStatus.SUPERSEDED]
    call_command("rules", "load", str(path), stdout=StringIO())
    assert yaml.safe_load(_show("--cycle", "FY2026"))["status"] == "draft"
    assert yaml.safe_load(_show("--cycle", "FY2026", "--published"))["status"] == "published"

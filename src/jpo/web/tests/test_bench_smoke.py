"""A small smoke run of each benchmark (the full runs are in bench/README.md, not in the suite).

Each script uses its own SQLite database under var/bench/; the deadline-surge smoke run, which needs
PostgreSQL and gunicorn, lives in jpo/applications/tests/test_bench_smoke.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]

# script -> a line its output must contain (the figure it exists to report)
SMOKE = {
    "applications_list.py": "worst p95",
    "bulk_screening.py": "screening",
    "census_import.py": "dashboard:",
    "matching.py": "budgeted",
    "projection.py": "same results: yes",
    "ranges.py": "status page",
}


@pytest.mark.parametrize("script", sorted(SMOKE))
def test_benchmark_smoke_run_reports_its_figure(script: str) -> None:
    path = ROOT / "bench" / script
    if not path.exists():
        pytest.skip("bench/ is not part of an installed package")
    result = subprocess.run(
        [sys.executable, str(path), "--smoke"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert SMOKE[script] in result.stdout

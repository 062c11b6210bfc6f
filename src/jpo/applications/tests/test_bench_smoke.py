"""The deadline-surge benchmark's smoke run (20 applicants against gunicorn and PostgreSQL).

It runs in the PostgreSQL pass of the suite only (DATABASE_URL=postgres://...): the script creates and
drops its own database on that server, starts gunicorn, and checks that every accepted submission is
stored whole. The full run is `python bench/deadline_surge.py` (see bench/README.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
SCRIPT = ROOT / "bench" / "deadline_surge.py"


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="runs in the PostgreSQL pass only",
)
@pytest.mark.skipif(not SCRIPT.exists(), reason="bench/ is not part of an installed package")
def test_deadline_surge_smoke_run_stores_every_submission_whole() -> None:
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--smoke", "--database-url", url],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "lost                                     0" in result.stdout
    assert "partial                                  0" in result.stdout
    assert "RESULT: PASS" in result.stdout

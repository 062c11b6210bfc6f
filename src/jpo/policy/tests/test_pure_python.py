"""jpo.policy must not import Django: it runs anywhere (scripts, other services, the CLI's core)."""

import subprocess
import sys
from pathlib import Path

POLICY_DIR = Path(__file__).resolve().parent.parent


def test_importing_and_evaluating_loads_no_django() -> None:
    code = (
        "import sys, jpo.policy as p\n"
        "from jpo.policy.tests.test_profile import EXAMPLE\n"
        "assert p.evaluate(EXAMPLE, 'FY2022').eligible\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.') or m == 'ninja')\n"
        "assert not bad, bad\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_no_django_in_the_source() -> None:
    for path in POLICY_DIR.rglob("*.py"):
        if path.name == "test_pure_python.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "import django" not in text and "from django" not in text, path

"""Benchmark: desirable ranges (jpo.representation).

Figures printed:
  load          `representation_load_reference_data` into an empty database (193 States, 772 rates,
                12,545 populations), and a second run (idempotent: reads and compares only)
  calculator    `compute_ranges` for the 193 Member States (Decimal arithmetic), ratio to a naive float
                loop of the same formula (baseline)
  status page   p50/p95 of GET /representation/ (Django test client, analyst signed in) with its query
                count, ratio to GET /healthz

Uses its own SQLite file under var/bench/ (deleted first). Examples:
  .venv/bin/python bench/ranges.py --smoke
  .venv/bin/python bench/ranges.py --requests 100
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--smoke", action="store_true", help="a few requests only")
    args = parser.parse_args()
    requests = 5 if args.smoke else args.requests

    db = ROOT / "var" / "bench" / "ranges.sqlite3"
    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jpo.settings")
    os.environ.setdefault("JPO_ENV", "development")  # the settings default to production
    os.environ["JPO_AXES_ENABLED"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from jpo.accounts.models import User
    from jpo.representation.selectors import representation_snapshot
    from jpo.representation.services import representation_load_reference_data

    setup_test_environment()
    call_command("migrate", verbosity=0)

    start = time.perf_counter()
    representation_load_reference_data()
    first = time.perf_counter() - start
    start = time.perf_counter()
    representation_load_reference_data()
    second = time.perf_counter() - start
    print(f"load          first {first:.2f} s, second (no change) {second:.2f} s")

    import datetime as dt

    snapshot = representation_snapshot(period="2016-2018", population_year=2016, as_of=dt.date(2017, 12, 31))
    from jpo.representation.calculator import StateInput, compute_ranges

    inputs = [StateInput(r.iso3, r.name, r.assessment_pct, r.population, r.staff) for r in snapshot.ranges]
    rounds = 20 if args.smoke else 200
    start = time.perf_counter()
    for _ in range(rounds):
        compute_ranges(inputs, snapshot.parameters)
    decimal_ms = (time.perf_counter() - start) / rounds * 1000
    floats = [(float(s.assessment_pct), s.population) for s in inputs]
    start = time.perf_counter()
    for _ in range(rounds):
        total = sum(p for _, p in floats)
        for rate, population in floats:
            mid = 0.40 * 3500 / 193 + 0.05 * 3500 * population / total + 0.55 * 3500 * rate / 100
            half = max(0.15 * mid, 4.8)
            _ = (max(0, round(mid - half)), round(max(mid + half, 14)))
    float_ms = (time.perf_counter() - start) / rounds * 1000
    print(
        f"calculator    {decimal_ms:.2f} ms for 193 States (naive float loop {float_ms:.3f} ms, x{decimal_ms / float_ms:.0f})"
    )

    user, _ = User.objects.get_or_create(
        username="bench-analyst", defaults={"email": "b@example.jp", "role": "analyst"}
    )
    client = Client()
    client.force_login(user)

    def measure(url: str) -> list[float]:
        client.get(url)
        times = []
        for _ in range(requests):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        return sorted(times)

    page = measure("/representation/")
    base = measure("/healthz")
    with CaptureQueriesContext(connection) as queries:
        client.get("/representation/")
    p95 = page[max(0, int(len(page) * 0.95) - 1)]
    print(
        f"status page   p50 {statistics.median(page):.1f} ms, p95 {p95:.1f} ms, {len(queries.captured_queries)} queries "
        f"({requests} requests; /healthz p50 {statistics.median(base):.1f} ms, x{statistics.median(page) / statistics.median(base):.0f})"
    )


if __name__ == "__main__":
    main()

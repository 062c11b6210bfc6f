"""Benchmark: import N census rows (default 1,000,000) and the workforce dashboard's latency with them loaded.

Figures printed:
  raw insert    the same rows, already Python values, inserted in one transaction with the import's own
                statement minus ON CONFLICT, in the import's chunks of 5,000 rows (SQLite: executemany;
                PostgreSQL: one INSERT … SELECT FROM unnest(binary arrays) per chunk), no parsing,
                no checks (baseline)
  import        `census_import_file` on the CSV bytes: parse, check every row, upsert in chunks, all or nothing
                (the path of `jpo import_census`); reported with its ratio to the raw insert
  re-import     the web/task path (`census_import_run(precheck=True)`): check once with committed progress,
                then check again and upsert; every row already exists, so every row is updated
  dashboard     p50/p95 of GET /workforce/ (Django test client, analyst signed in, after ANALYZE /
                VACUUM ANALYZE of the census table), ratio to GET /healthz

Uses its own database: a SQLite file under var/bench/ (--db sqlite) or a PostgreSQL database it creates
and drops (--db postgres, server from --pg-url). Examples:
  .venv/bin/python bench/census_import.py --smoke
  .venv/bin/python bench/census_import.py --db sqlite --rows 1000000
  .venv/bin/python bench/census_import.py --db postgres --rows 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

import benchdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

IMPORT_TARGET_S = 60.0
NOTE = "synthetic benchmark row"
DASHBOARD_TARGET_MS = 300.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40, help="dashboard requests measured")
    parser.add_argument("--smoke", action="store_true", help="a tiny run (2,000 rows, 5 requests)")
    parser.add_argument(
        "--pg-url", default=os.environ.get("JPO_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--skip-reimport", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.requests = 2_000, 5
    return args


def setup_database(args: argparse.Namespace) -> tuple[str, object]:
    return benchdb.setup_database(db=args.db, label="census", pg_url=args.pg_url)


def make_rows(n: int, codes: list[str], nationalities: list[str]) -> list[list[str]]:
    """N distinct synthetic rows: nationality varies fastest, then organization, date, then (grade, sex).

    Dated 30 June so that they add to, and never overwrite, the published CEB rows (31 December)."""
    dates = [f"{y}-06-30" for y in range(2000, 2025)]
    grade_sex = [
        (g, s) for g in ("ALL", "P-1", "P-2", "P-3", "P-4", "P-5", "D-1", "D-2") for s in ("ALL", "F", "M")
    ]
    orgs = ["ALL", *codes]
    nats = ["ALL", *nationalities]
    capacity = len(nats) * len(orgs) * len(dates) * len(grade_sex)
    if n > capacity:
        raise SystemExit(f"--rows at most {capacity:,}")
    rows = []
    for i in range(n):
        nat = nats[i % len(nats)]
        rest = i // len(nats)
        org = orgs[rest % len(orgs)]
        rest //= len(orgs)
        date = dates[rest % len(dates)]
        grade, sex = grade_sex[rest // len(dates)]
        rows.append([date, org, nat, "all", grade, sex, "", str(1 + i % 997), NOTE])
    return rows


def to_csv(rows: list[list[str]]) -> bytes:
    header = "reference_date,organization,nationality,category,grade,sex,variant,headcount,note\n"
    return (header + "".join(",".join(r) + "\n" for r in rows)).encode("utf-8")


def raw_insert(rows: list[list[str]], org_ids: dict[str, tuple[int, str]]) -> float:
    """Baseline: the same rows, already as Python values, in one executemany() and one transaction."""
    from django.db import connection, transaction

    from jpo.workforce.importing import normalize_org_code
    from jpo.workforce.models import CensusRow
    from jpo.workforce.services import WRITE_CHUNK, census_rows_write

    table = CensusRow._meta.db_table
    values = []
    for date, org, nat, category, grade, sex, variant, headcount, note in rows:
        org_id, org_code = (None, "") if org == "ALL" else org_ids[normalize_org_code(org)]
        values.append(
            (
                "ceb",
                connection.ops.adapt_datefield_value(dt.date.fromisoformat(date)),
                "",
                org_id,
                org_code,
                "",
                "" if nat == "ALL" else nat,
                category,
                grade,
                sex,
                variant,
                int(headcount),
                None,
                "",
                note,
                None,
            )
        )
    start = time.perf_counter()
    with transaction.atomic():
        for chunk in range(0, len(values), WRITE_CHUNK):
            census_rows_write(values[chunk : chunk + WRITE_CHUNK], upsert=False)
    elapsed = time.perf_counter() - start
    with transaction.atomic():
        CensusRow.objects.filter(note=NOTE).delete()
    # give the import the same starting point as the raw insert: no free pages left to reuse
    with connection.cursor() as cursor:
        cursor.execute("VACUUM" if connection.vendor == "sqlite" else f"VACUUM FULL ANALYZE {table}")
    return elapsed


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def time_requests(client: object, url: str, n: int) -> list[float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return samples


def main() -> int:
    args = parse_args()
    database_url, handle = setup_database(args)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jpo.settings")
    os.environ.setdefault("JPO_ENV", "development")  # the settings default to production
    os.environ.setdefault("JPO_LOG_LEVEL", "ERROR")
    os.environ.setdefault("JPO_DB_CONN_MAX_AGE", "600")  # persistent connections, as deployed
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from jpo.accounts.models import Role, User
    from jpo.workforce.importing import nationality_codes, organization_index
    from jpo.workforce.models import CensusImport, CensusRow
    from jpo.workforce.reference import CEB_ORGANIZATIONS
    from jpo.workforce.services import (
        census_import_create,
        census_import_file,
        census_import_run,
        workforce_load_reference_data,
    )

    try:
        call_command("migrate", verbosity=0)
        workforce_load_reference_data()
        codes = sorted(CEB_ORGANIZATIONS)
        nationalities = sorted(nationality_codes())
        rows = make_rows(args.rows, codes, nationalities)
        content = to_csv(rows)
        print(
            f"database: {connection.vendor} ({args.db}); rows: {len(rows):,}; file: {len(content) / 1e6:.1f} MB"
        )

        raw_s = raw_insert(rows, organization_index())
        print(f"raw insert:  {raw_s:8.2f} s  ({len(rows) / raw_s:,.0f} rows/s)")

        start = time.perf_counter()
        result = census_import_file(content=content, file_name="bench.csv", source="ceb")
        import_s = time.perf_counter() - start
        assert result.row_count == len(rows), result.row_count
        ratio = import_s / raw_s
        verdict = "OK" if import_s < IMPORT_TARGET_S * max(1, len(rows) / 1_000_000) else "OVER TARGET"
        print(
            f"import:      {import_s:8.2f} s  ({len(rows) / import_s:,.0f} rows/s)  ratio to raw insert {ratio:.2f}x"
            f"  [target < {IMPORT_TARGET_S:.0f} s per 1M rows: {verdict}]"
        )
        if not args.skip_reimport:
            census_import = census_import_create(
                content=content, file_name="bench.csv", source="ceb", actor=None
            )
            start = time.perf_counter()
            census_import_run(census_import=census_import, precheck=True)
            reimport_s = time.perf_counter() - start
            print(
                f"re-import:   {reimport_s:8.2f} s  (web/task path: pre-check with progress, then upsert of existing rows)"
            )
        total_rows = CensusRow.objects.count()
        # steady state before timing reads: statistics fresh, no autovacuum of the new rows running meanwhile
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE" if connection.vendor == "sqlite" else f"VACUUM ANALYZE {CensusRow._meta.db_table}"
            )
        assert CensusImport.objects.filter(status="done").count() >= 6

        analyst = User.objects.create_user(
            username="bench-analyst",
            email="bench-analyst@example.jp",
            password="bench-password-1",
            role=Role.ANALYST,
        )
        client = Client()
        client.force_login(analyst)
        client.get("/workforce/")  # warm up: templates, fonts, caches
        client.get("/healthz")
        dashboard = time_requests(client, "/workforce/", args.requests)
        bare = time_requests(client, "/healthz", args.requests)
        pdf = time_requests(client, "/workforce/report.pdf", max(3, args.requests // 4))
        p95, bare95 = percentile(dashboard, 95), percentile(bare, 95)
        verdict = "OK" if p95 < DASHBOARD_TARGET_MS else "OVER TARGET"
        print(
            f"dashboard:   p50 {statistics.median(dashboard):7.1f} ms  p95 {p95:7.1f} ms over {len(dashboard)} requests,"
            f" {total_rows:,} census rows  ratio to /healthz p95 ({bare95:.1f} ms) {p95 / bare95:.1f}x"
            f"  [target p95 < {DASHBOARD_TARGET_MS:.0f} ms: {verdict}]"
        )
        print(
            f"pdf report:  p50 {statistics.median(pdf):7.1f} ms  p95 {percentile(pdf, 95):7.1f} ms over {len(pdf)} requests"
        )
    finally:
        benchdb.drop_database(handle)
    return 0


if __name__ == "__main__":
    sys.exit(main())

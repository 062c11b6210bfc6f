"""Benchmark: the officers' applications list (jpo.desk) at 100,000 applications.

Figures printed:
  load        how long writing the applications took (bulk inserts; not the figure)
  list        p50/p95 of GET /desk/applications/ (Django test client, officer signed in) for the default
              page (newest first), a filter with a sort (status and name), a search on the kana, and an
              organization filter; each with its query count
  ratio       each p95 to GET /healthz's p95 measured in the same run (target: list p95 < 300 ms)

Uses a scratch database (bench/benchdb.py): SQLite under var/bench/ or a PostgreSQL database created
and dropped here. Examples:
  .venv/bin/python bench/applications_list.py --smoke
  .venv/bin/python bench/applications_list.py --db postgres
  .venv/bin/python bench/applications_list.py --db sqlite --n 100000 --requests 40
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from benchdb import drop_database, setup_database  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--n", type=int, default=100_000, help="applications")
    parser.add_argument("--requests", type=int, default=40, help="requests per URL")
    parser.add_argument("--smoke", action="store_true", help="a tiny run (2,000 applications, 5 requests)")
    return parser.parse_args()


def load(n: int, *, start: int = 0) -> None:
    """`n` applications over four cycles: every third screened, every tenth a civil servant, every fifth
    naming an organization, every twentieth forwarded to one. With `start` > 0, numbers `start` to
    `start + n - 1` are added to an earlier load's (bench/pages.py grows one database this way)."""
    from django.utils import timezone

    from jpo.applications.models import Applicant, Application, Preference
    from jpo.programme.models import Cycle, Ministry, Organization, Track
    from jpo.selection.models import Screening

    orgs = [
        Organization.objects.get_or_create(
            code=code, defaults={"name_en": code, "name_ja": code, "kind": "fund_programme"}
        )[0]
        for code in ("UNDP", "UNICEF", "WFP", "UNHCR", "FAO")
    ]
    ministry = Ministry.objects.get_or_create(
        code="mhlw", defaults={"name_en": "MHLW", "name_ja": "厚生労働省"}
    )[0]
    tracks = []
    for fy in (2023, 2024, 2025, 2026):
        cycle = Cycle.objects.get_or_create(fiscal_year=fy)[0]
        tracks.append((cycle, Track.objects.get_or_create(cycle=cycle, kind="mofa")[0]))
    statuses = ["submitted", "eligible", "screened_out", "under_review", "shortlisted", "not_shortlisted"]
    now = timezone.now()
    batch = 5000
    first = start
    for start in range(first, first + n, batch):
        size = min(batch, first + n - start)
        people = Applicant.objects.bulk_create(
            Applicant(
                family_name=f"姓{i:06d}",
                given_name="花子",
                family_name_kana=f"セイ{i:06d}",
                given_name_kana="ハナコ",
                birth_date=dt.date(1990 + i % 10, 1 + i % 12, 1 + i % 28),
                email=f"bench{i}@example.jp",
            )
            for i in range(start, start + size)
        )
        applications = Application.objects.bulk_create(
            Application(
                applicant=person,
                cycle=tracks[i % 4][0],
                track=tracks[i % 4][1],
                status=statuses[i % len(statuses)],
                receipt_number=f"JPO-{i:07d}",
                submitted_at=now - dt.timedelta(minutes=i),
                is_civil_servant=i % 10 == 0,
                ministry=ministry if i % 10 == 0 else None,
                forwarded_to=orgs[i % 5] if i % 20 == 0 else None,
            )
            for i, person in zip(range(start, start + size), people, strict=True)
        )
        Preference.objects.bulk_create(
            Preference(application=a, organization=orgs[i % 5], rank=1)
            for i, a in zip(range(start, start + size), applications, strict=True)
            if i % 5 == 0
        )
        Screening.objects.bulk_create(
            Screening(
                application=a,
                rules_version="bench",
                profile_sha256="0" * 64,
                engine_outcome="eligible",
                outcome=("eligible", "not_eligible", "needs_review")[i % 3],
                screened_at=now,
            )
            for i, a in zip(range(start, start + size), applications, strict=True)
            if i % 3 == 0
        )


def main() -> int:
    args = parse_args()
    n = 2_000 if args.smoke else args.n
    requests = 5 if args.smoke else args.requests
    database_url, handle = setup_database(db=args.db, label="applications_list", pg_url=args.pg_url)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jpo.settings")
    os.environ.setdefault("JPO_ENV", "development")
    os.environ["JPO_AXES_ENABLED"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from jpo.accounts.models import User

    try:
        setup_test_environment()
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        load(n)
        if args.db == "postgres":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"load          {n:,} applications in {time.perf_counter() - started:.1f} s ({args.db})")

        officer = User.objects.create_user(
            username="bench-officer", email="officer@example.jp", password="x" * 20, role="officer"
        )
        client = Client()
        client.force_login(officer)

        def measure(url: str) -> tuple[float, float, int]:
            client.get(url)
            times = []
            for _ in range(requests):
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            times.sort()
            return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], len(queries)

        base50, base95, _ = measure("/healthz")
        urls = {
            "default (newest first)": "/desk/applications/",
            "status + sort by name": "/desk/applications/?status=eligible&sort=name",
            "search on kana": "/desk/applications/?q=%E3%82%BB%E3%82%A401234",
            "organization filter": "/desk/applications/?organization=WFP&size=200",
        }
        worst = 0.0
        for label, url in urls.items():
            p50, p95, queries = measure(url)
            worst = max(worst, p95)
            print(
                f"list          {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {queries} queries;"
                f" ratio to /healthz p95 ({base95:.1f} ms) {p95 / base95:.1f}x"
            )
        if args.db == "postgres":
            from jpo.applications.models import Application
            from jpo.desk.selectors import _words

            plan = _words(Application.objects.all(), "セイ01234").explain()
            used = sorted(set(re.findall(r"Bitmap Index Scan on (\w+)", plan)))
            print(f"plan          search on kana uses: {', '.join(used) or 'no index (sequential scan)'}")
        print(
            f"list          worst p95 {worst:.1f} ms at {n:,} applications (target < 300 ms:"
            f" {'met' if worst < 300 else 'MISSED'}); /healthz p50 {base50:.1f} ms, p95 {base95:.1f} ms"
        )
    finally:
        drop_database(handle)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the scale curve of every officer list and of the applicant's dashboard, at 1,000, 10,000
and 100,000 applications.

One scratch database (bench/benchdb.py) grown in steps: the applications of bench/applications_list.py
(four cycles, FY2023-FY2026; every third screened, every fifth naming an organization), and with them,
in proportion, what the other lists show: a submission check for each (one in seven needing review),
a result e-mail for each screened one (outbox row + notification), a review for half of those under
review or later, a stage-two interview for each shortlisted one, and at 1 in 50 a recommended candidate,
at 1 in 100 an offer (its own approved post), at 1 in 200 a dispatch, at 1 in 400 an ended dispatch with
its alumni record. The per-cycle pages are measured on FY2026 (a quarter of the applications).

For each page at each size (Django test client, officer signed in; the applicant's dashboard with the
applicant signed in): p50 and p95 of the response time, the bytes of the page and its query count, and
the ratio of its p95 to GET /healthz's p95 measured at the same size. At the largest size each page is
marked PASS or FAIL against the targets: p95 < 300 ms, < 200 KB, and p95 at the largest size within
1.5x of the p95 at the size before it (flat from 10k to 100k).

  .venv/bin/python bench/pages.py --smoke                      # 300 and 1,500 applications, 3 requests
  .venv/bin/python bench/pages.py --db sqlite                  # 1,000, 10,000 and 100,000
  .venv/bin/python bench/pages.py --db postgres --sizes 1000,10000
  .venv/bin/python bench/pages.py --sizes 100000 --pages reviews,dispatches --keep   # some pages; keep the database
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from applications_list import load as load_applications  # noqa: E402
from benchdb import drop_database, setup_database  # noqa: E402

FY = 2026  # the cycle the per-cycle pages show
TARGET_MS = 300.0
TARGET_BYTES = 200 * 1024
FLAT = 1.5

OFFICER_PAGES = {
    "desk applications": "/desk/applications/",
    "screening results": f"/selection/cycles/{FY}/screening/",
    "shortlist / ranking": f"/selection/cycles/{FY}/ranking/",
    "final list": f"/selection/cycles/{FY}/final/",
    "placement candidates": f"/placement/candidates/?cycle={FY}",
    "needs review": "/portal/officer/needs-review/",
    "reviews": f"/selection/cycles/{FY}/reviews/",
    "interviews (stage two)": f"/selection/cycles/{FY}/stage-two/",
    "offers": "/placement/offers/",
    "dispatches": "/placement/dispatches/",
    "alumni": "/placement/alumni/",
    "e-mails sent": f"/selection/cycles/{FY}/notifications/",
}
APPLICANT_PAGE = ("applicant dashboard", "/portal/")
APPLICANT_RECEIPT = "JPO-BENCH-APPLICANT"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--sizes", default="1000,10000,100000", help="application counts, ascending")
    parser.add_argument("--requests", type=int, default=15, help="requests per page and size (at most)")
    parser.add_argument(
        "--page-budget",
        type=float,
        default=20.0,
        help="seconds per page and size: fewer requests past it",
    )
    parser.add_argument(
        "--pages",
        default="",
        help="only the pages whose label contains one of these comma-separated words (e.g. 'reviews,dispatches')",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database afterwards (SQLite: var/bench/pages.sqlite3; PostgreSQL: its name is printed)",
    )
    parser.add_argument("--smoke", action="store_true", help="300 and 1,500 applications, 3 requests")
    return parser.parse_args()


# --- data ----------------------------------------------------------------------------------------------


def grow(start: int, end: int, context: dict[str, Any]) -> None:
    """Applications `start` to `end - 1` and, in proportion, the rows the other lists show."""
    from django.utils import timezone

    from jpo.accounts.models import User
    from jpo.applications.models import Application, EligibilityCheck
    from jpo.outbox.models import Email
    from jpo.placement.models import AlumniRecord, Dispatch, Offer
    from jpo.programme.models import Organization, Post
    from jpo.selection.models import Interview, Review, ReviewAssignment, Screening
    from jpo.selection.models import Notification as ResultNotification

    load_applications(end - start, start=start)
    now = timezone.now()
    if "reviewers" not in context:
        context["reviewers"] = [
            User.objects.create_user(
                username=f"bench-reviewer{k}",
                email=f"reviewer{k}@example.jp",
                password="x" * 20,
                role="reviewer",
            )
            for k in range(20)
        ]
    reviewers = context["reviewers"]
    orgs = list(Organization.objects.order_by("code"))
    rows = list(
        Application.objects.filter(pk__gt=context.get("last_pk", 0))
        .exclude(receipt_number=APPLICANT_RECEIPT)
        .order_by("pk")
        .values_list("pk", "receipt_number", "status", "cycle_id", "applicant_id")
    )
    context["last_pk"] = rows[-1][0]
    index = {pk: int(receipt.removeprefix("JPO-")) for pk, receipt, *_ in rows}
    screened = set(
        Screening.objects.filter(application_id__in=list(index)).values_list("application_id", flat=True)
    )
    batch = 5000
    for at in range(0, len(rows), batch):
        chunk = rows[at : at + batch]
        EligibilityCheck.objects.bulk_create(
            EligibilityCheck(
                application_id=pk,
                kind="submission",
                eligible=index[pk] % 7 != 0,
                needs_review=index[pk] % 7 == 0,
                rules_version="bench",
                criteria=[
                    {
                        "key": "age",
                        "outcome": "needs_review" if index[pk] % 7 == 0 else "pass",
                    }
                ],
            )
            for pk, *_ in chunk
        )
        announced = [(pk, status) for pk, _r, status, *_ in chunk if pk in screened]
        emails = Email.objects.bulk_create(
            Email(
                kind="selection.result",
                recipient=f"bench{index[pk]}@example.jp",
                subject="JPO: result of the document screening / 書類選考の結果",
                body="Dear applicant,\n\nThe result of the document screening is available on the portal.\n"
                * 4,
                state="sent",
                attempts=1,
                next_attempt_at=now,
                sent_at=now,
            )
            for pk, _status in announced
        )
        ResultNotification.objects.bulk_create(
            ResultNotification(application_id=pk, status_reached=status, language="ja", email=email)
            for (pk, status), email in zip(announced, emails, strict=True)
        )
        reviewed = [
            pk for pk, _r, status, *_ in chunk if status in ("under_review", "shortlisted", "not_shortlisted")
        ]
        assignments = ReviewAssignment.objects.bulk_create(
            ReviewAssignment(application_id=pk, reviewer=reviewers[index[pk] % len(reviewers)])
            for pk in reviewed
        )
        Review.objects.bulk_create(
            Review(
                assignment=a,
                total=str(1 + (index[a.application_id] % 40) / 10),
                comment="bench",
            )
            for a in assignments
            if index[a.application_id] % 2 == 0
        )
        Interview.objects.bulk_create(
            Interview(application_id=pk, written_task_score=50 + index[pk] % 50)
            for pk, _r, status, *_ in chunk
            if status == "shortlisted"
        )
    candidates = [(pk, cycle_id) for pk, _r, _s, cycle_id, _a in rows if index[pk] % 50 == 1]
    Application.objects.filter(pk__in=[pk for pk, _ in candidates]).update(status="recommended")
    offered = [(pk, cycle_id) for pk, cycle_id in candidates if index[pk] % 100 == 1]
    posts = Post.objects.bulk_create(
        Post(
            cycle_id=cycle_id,
            organization=orgs[index[pk] % len(orgs)],
            title=f"Programme analyst {index[pk]}",
            duty_station="New York",
            grade="P-2",
            status="approved",
        )
        for pk, cycle_id in offered
    )
    dispatched = {pk for pk, _ in offered if index[pk] % 200 == 1}
    ended = {pk for pk in dispatched if index[pk] % 400 == 1}
    offers = Offer.objects.bulk_create(
        Offer(
            application_id=pk,
            post=post,
            status="confirmed" if pk in dispatched else "pending",
            duty_station="New York",
            start_date=dt.date(2025, 4, 1),
            length_months=24,
            respond_by=dt.date(2025, 3, 1),
        )
        for (pk, _cycle), post in zip(offered, posts, strict=True)
    )
    dispatches = Dispatch.objects.bulk_create(
        Dispatch(
            application_id=offer.application_id,
            post=offer.post,
            offer=offer,
            duty_station="New York",
            start_date=dt.date(2023, 4, 1),
            planned_end_date=dt.date(2025, 3, 31),
            end_date=dt.date(2025, 3, 31) if offer.application_id in ended else None,
        )
        for offer in offers
        if offer.application_id in dispatched
    )
    Application.objects.filter(pk__in=dispatched).update(status="selected")
    AlumniRecord.objects.bulk_create(
        AlumniRecord(
            family_name=f"姓{index[d.application_id]:06d}",
            given_name="花子",
            cohort_fiscal_year=2023,
            organization=d.post.organization,
            outcome="regular_post_same",
            dispatch=d,
        )
        for d in dispatches
        if d.end_date is not None
    )


def applicant_user() -> Any:
    """An applicant with a submitted application of FY2026 (the dashboard's owner)."""
    from django.utils import timezone

    from jpo.accounts.models import User
    from jpo.applications.models import Applicant, Application
    from jpo.programme.models import Cycle, Track

    user = User.objects.create_user(
        username="bench-applicant@example.jp",
        email="bench-applicant@example.jp",
        password="x" * 20,
        role="applicant",
        email_verified_at=timezone.now(),
    )
    applicant = Applicant.objects.create(
        user=user,
        family_name="申請",
        given_name="花子",
        birth_date=dt.date(1995, 4, 1),
        email=user.email,
        nationalities=["JP"],
    )
    cycle = Cycle.objects.get(fiscal_year=FY)
    Application.objects.create(
        applicant=applicant,
        cycle=cycle,
        track=Track.objects.get(cycle=cycle, kind="mofa"),
        status="submitted",
        receipt_number=APPLICANT_RECEIPT,
        submitted_at=timezone.now(),
    )
    return user


# --- measuring -----------------------------------------------------------------------------------------


@dataclass
class Figure:
    p50: float
    p95: float
    bytes: int
    queries: int
    requests: int


def measure(client: Any, url: str, *, requests: int, budget: float) -> Figure:
    from django.db import connection

    queries: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    size = len(response.content)
    times: list[float] = []
    started = time.perf_counter()
    for _ in range(requests):
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        if time.perf_counter() - started > budget and len(times) >= 3:
            break
    times.sort()
    p95 = times[min(len(times) - 1, max(0, int(len(times) * 0.95 + 0.5) - 1))]
    return Figure(statistics.median(times), p95, size, len(queries), len(times))


def main() -> int:
    args = parse_args()
    sizes = [300, 1500] if args.smoke else [int(s) for s in args.sizes.split(",")]
    requests = 3 if args.smoke else args.requests
    if sizes != sorted(sizes) or sizes[0] <= 0:
        print(
            "--sizes: counts in ascending order, e.g. 1000,10000,100000",
            file=sys.stderr,
        )
        return 2
    database_url, handle = setup_database(db=args.db, label="pages", pg_url=args.pg_url)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jpo.settings")
    os.environ.setdefault("JPO_ENV", "development")
    os.environ["JPO_AXES_ENABLED"] = "0"
    os.environ["JPO_DEBUG"] = "0"  # as served: no query log, no debug pages
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from jpo.accounts.models import User

    wanted = [w.strip() for w in args.pages.split(",") if w.strip()]
    results: dict[str, dict[int, Figure]] = {}
    baselines: dict[int, Figure] = {}
    try:
        setup_test_environment()
        call_command("migrate", verbosity=0)
        officer = User.objects.create_user(
            username="bench-officer",
            email="officer@example.jp",
            password="x" * 20,
            role="officer",
        )
        context: dict[str, Any] = {}
        officer_client = Client()
        officer_client.force_login(officer)
        applicant_client = Client()
        loaded = 0
        for size in sizes:
            started = time.perf_counter()
            grow(loaded, size, context)
            loaded = size
            if size == sizes[0]:
                applicant_client.force_login(applicant_user())
            if args.db == "postgres":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            print(f"\n== {size:,} applications ({args.db}; grown in {time.perf_counter() - started:.1f} s)")
            base = baselines[size] = measure(
                officer_client, "/healthz", requests=max(requests, 20), budget=10
            )
            print(f"  {'/healthz':24s} p50 {base.p50:7.1f} ms  p95 {base.p95:7.1f} ms")
            pages = [(label, url, officer_client) for label, url in OFFICER_PAGES.items()]
            pages.append((APPLICANT_PAGE[0], APPLICANT_PAGE[1], applicant_client))
            if wanted:
                pages = [p for p in pages if any(w in p[0] for w in wanted)]
            for label, url, client in pages:
                figure = measure(client, url, requests=requests, budget=args.page_budget)
                results.setdefault(label, {})[size] = figure
                print(
                    f"  {label:24s} p50 {figure.p50:7.1f} ms  p95 {figure.p95:7.1f} ms  {figure.bytes / 1024:7.1f} KB"
                    f"  {figure.queries:3d} queries  ratio to /healthz p95 {figure.p95 / base.p95:6.1f}x"
                    f"  ({figure.requests} requests)",
                    flush=True,
                )
    finally:
        if args.keep:
            print(f"\nkept: {database_url}")
        else:
            drop_database(handle)

    largest = sizes[-1]
    before = sizes[-2] if len(sizes) > 1 else None
    print(
        f"\nTargets at {largest:,} applications: p95 < {TARGET_MS:.0f} ms, < {TARGET_BYTES // 1024} KB,"
        + (f" p95 within {FLAT}x of its p95 at {before:,}" if before else "")
    )
    failed = 0
    for label, by_size in results.items():
        figure = by_size[largest]
        growth = figure.p95 / by_size[before].p95 if before else 1.0
        # the same growth measured against /healthz at each size (the machine's load moves both)
        relative = (
            (figure.p95 / baselines[largest].p95) / (by_size[before].p95 / baselines[before].p95)
            if before
            else 1.0
        )
        misses = []
        if figure.p95 >= TARGET_MS:
            misses.append(f"p95 {figure.p95:.0f} ms")
        if figure.bytes >= TARGET_BYTES:
            misses.append(f"{figure.bytes / 1024:.0f} KB")
        if growth > FLAT:
            misses.append(f"grew {growth:.1f}x")
        failed += bool(misses)
        curve = " -> ".join(f"{by_size[s].p95:.0f}" for s in sizes)
        print(
            f"  {'FAIL' if misses else 'PASS'}  {label:24s} p95 {curve} ms, {figure.bytes / 1024:.0f} KB,"
            f" {figure.queries} queries, x{growth:.2f} from {before or largest:,} (x{relative:.2f} against"
            f" /healthz); ratio to /healthz"
            f" {figure.p95 / baselines[largest].p95:.1f}x" + (f"  ({'; '.join(misses)})" if misses else "")
        )
    print(f"\n{len(results) - failed} of {len(results)} pages meet every target at {largest:,} applications")
    return 0 if (args.smoke or not failed) else 1


if __name__ == "__main__":
    sys.exit(main())

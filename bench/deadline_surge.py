"""Deadline surge: many applicants submit complete applications (a 1 MB PDF each) at the same time.

What it does, by itself, on this machine:
  1. creates its own PostgreSQL database (dropped at the end), runs the migrations;
  2. seeds one open cycle and N verified applicants with complete drafts (degrees, work, language test,
     preference, three small PDFs), and a signed-in session for each (sessions are written directly, so
     the surge does not measure password hashing);
  3. starts a local SMTP server (aiosmtpd, in this process, on a free loopback port), gunicorn with
     its e-mail backend set to SMTP at that port, and the task worker (`jpo db_worker`) that drains the
     outbox, as in production;
  4. measures a bare Django view (/healthz, one `SELECT 1`) with the same concurrency: the baseline;
  5. surge: every applicant, at once (C concurrent clients), uploads its own 1 MB CV as PDF through the
     portal page and presses "submit" (the figure: the whole submission, upload + submit, per applicant);
  6. the baseline again, right after the surge (both are reported: before and after);
  7. waits until the worker has delivered the confirmation e-mails and checks that the SMTP server
     received exactly one per accepted submission, each to its applicant, and that the outbox holds
     every one as sent;
  8. verifies that every accepted submission is stored whole: one Submission per accepted applicant, a
     receipt number each (unique), four documents whose files on disk hash (SHA-256) to what the client
     sent and to what the snapshot records, the snapshot's own hash; zero lost, zero partial;
  9. stops the worker, gunicorn and the SMTP server, drops the database and removes the uploaded files.

    .venv/bin/python bench/deadline_surge.py                 # 1,000 applicants, 32 concurrent clients
    .venv/bin/python bench/deadline_surge.py --smoke         # 20 applicants: a quick check
    .venv/bin/python bench/deadline_surge.py --applicants 2000 --concurrency 64 --workers 4
    .venv/bin/python bench/deadline_surge.py --db sqlite --applicants 200 --concurrency 8   # file SQLite

Exit status 0 when every check holds (and, outside --smoke, the p95 of the whole submission, upload +
submit, is under 1 s), 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
TITLE_TEMPLATE = "JPOBENCHCV0000000"


# --- PDFs -----------------------------------------------------------------------------------------


def pdf_bytes(pad_bytes: int, title: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    if pad_bytes:
        writer.add_attachment("annex.bin", os.urandom(pad_bytes))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class CvFactory:
    """One 1 MB PDF template; each applicant's copy differs in its title (same length, same offsets)."""

    def __init__(self, size_mb: float) -> None:
        self.template = pdf_bytes(int(size_mb * 1024 * 1024), TITLE_TEMPLATE)
        assert self.template.count(TITLE_TEMPLATE.encode()) == 1

    def for_applicant(self, n: int) -> bytes:
        title = f"JPOBENCHCV{n:07d}".encode()
        return self.template.replace(TITLE_TEMPLATE.encode(), title)


# --- Database and Django --------------------------------------------------------------------------


def admin_connect(base_url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(base_url, autocommit=True)


def with_dbname(url: str, name: str) -> str:
    head, _, _ = url.rpartition("/")
    return f"{head}/{name}"


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def seed(n: int, small_pdf: bytes) -> list[dict[str, Any]]:
    """Cycle, applicants with complete drafts, sessions. Returns one dict per applicant for the clients."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.files.base import ContentFile
    from django.db import transaction

    from jpo.accounts.models import User
    from jpo.applications.models import (
        Applicant,
        Application,
        Degree,
        Document,
        EmploymentPeriod,
        LanguageTest,
        Preference,
    )
    from jpo.programme.models import Cycle, Organization, Track

    now = datetime.now(UTC)
    cycle = Cycle.objects.create(
        fiscal_year=2026,
        applications_open=now - timedelta(hours=1),
        applications_close=now + timedelta(hours=3),
        source="bench/deadline_surge.py (synthetic)",
    )
    track = Track.objects.create(cycle=cycle, kind="mofa")
    undp = Organization.objects.create(
        code="UNDP", name_en="UNDP", name_ja="国連開発計画", kind="fund_programme"
    )
    password = make_password(secrets.token_urlsafe(16))
    small_sha = hashlib.sha256(small_pdf).hexdigest()
    people: list[dict[str, Any]] = []
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(
                    username=f"bench{i}@example.jp",
                    email=f"bench{i}@example.jp",
                    password=password,
                    role="applicant",
                    email_verified_at=now,
                    preferred_language="ja" if i % 2 else "en",
                )
                for i in range(n)
            ]
        )
        applicants = Applicant.objects.bulk_create(
            [
                Applicant(
                    user=u,
                    family_name="Bench",
                    given_name=f"Applicant{i}",
                    birth_date=datetime(1994, 5, 1).date(),
                    email=u.email,
                    nationalities=["JP"],
                    is_synthetic=True,
                )
                for i, u in enumerate(users)
            ]
        )
        applications = Application.objects.bulk_create(
            [Application(applicant=a, cycle=cycle, track=track) for a in applicants]
        )
        Degree.objects.bulk_create(
            [
                Degree(
                    application=a,
                    level="master",
                    field="economics",
                    institution="Bench University",
                    awarded=datetime(2019, 3, 24).date(),
                )
                for a in applications
            ]
        )
        EmploymentPeriod.objects.bulk_create(
            [
                EmploymentPeriod(
                    application=a,
                    employer="Bench K.K.",
                    title="Analyst",
                    start=datetime(2019, 4, 1).date(),
                    end=None,
                    type="full_time",
                    sector="private",
                )
                for a in applications
            ]
        )
        LanguageTest.objects.bulk_create(
            [
                LanguageTest(
                    application=a,
                    test="toefl_ibt",
                    score=105,
                    taken=datetime(2025, 6, 1).date(),
                )
                for a in applications
            ]
        )
        Preference.objects.bulk_create(
            [Preference(application=a, organization=undp, rank=1) for a in applications]
        )
    documents = []
    for a in applications:
        for kind in ("cover_letter", "degree", "language"):
            document = Document(
                application=a,
                kind=kind,
                original_name=f"{kind}.pdf",
                size=len(small_pdf),
                sha256=small_sha,
                pages=1,
            )
            document.file.save("x.pdf", ContentFile(small_pdf), save=False)
            documents.append(document)
    Document.objects.bulk_create(documents)
    for i, (u, a) in enumerate(zip(users, applications, strict=True)):
        session = SessionStore()
        session[SESSION_KEY] = str(u.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = u.get_session_auth_hash()
        session.create()
        people.append(
            {"n": i, "application": a.pk, "session": session.session_key, "language": u.preferred_language}
        )
    assert settings.SESSION_COOKIE_NAME
    return people


# --- Server ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(
    env: dict[str, str], port: int, workers: int, threads: int, log: Path
) -> subprocess.Popen[bytes]:
    command = [
        str(VENV_BIN / "gunicorn"),
        "jpo.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--timeout",
        "120",
        "--backlog",
        "2048",
    ]
    process = subprocess.Popen(
        command,
        env={**os.environ, **env},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early; see {log}")
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within 60 s; see {log}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """The task worker that drains the outbox (`make worker` runs the same command)."""
    return subprocess.Popen(
        [str(VENV_BIN / "jpo"), "db_worker", "--interval", "0.5", "--no-reload"],
        env={**os.environ, **env},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        cwd=ROOT,
    )


class MailSink:
    """A local SMTP server (aiosmtpd) that counts what it receives: the applicants' mail server."""

    def __init__(self, port: int) -> None:
        from aiosmtpd.controller import Controller

        self.lock = threading.Lock()
        self.recipients: list[str] = []
        self.messages = 0
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages += 1
            self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return self.messages


# --- Clients --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    n: int
    accepted: bool = False
    upload_s: float = 0.0
    submit_s: float = 0.0
    total_s: float = 0.0
    sha256: str = ""
    error: str = ""


@dataclass
class Latencies:
    values: list[float] = field(default_factory=list)

    def p(self, q: float) -> float:
        if not self.values:
            return float("nan")
        ordered = sorted(self.values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def applicant_client(base: str, person: dict[str, Any], cv: bytes) -> Outcome:
    outcome = Outcome(n=person["n"], sha256=hashlib.sha256(cv).hexdigest())
    csrf = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret as token
    cookies = {"sessionid": person["session"], "csrftoken": csrf, "jpo_language": person["language"]}
    headers = {"X-CSRFToken": csrf}
    pk = person["application"]
    with httpx.Client(
        base_url=base, cookies=cookies, headers=headers, timeout=120, follow_redirects=False
    ) as client:
        start = time.perf_counter()
        try:
            response = client.post(
                f"/portal/applications/{pk}/documents/",
                data={"kind": "cv", "action": "upload"},
                files={"file": (f"cv-{person['n']}.pdf", cv, "application/pdf")},
            )
            outcome.upload_s = time.perf_counter() - start
            if response.status_code != 302:
                outcome.error = f"upload: HTTP {response.status_code}"
                return outcome
            t = time.perf_counter()
            response = client.post(f"/portal/applications/{pk}/submit/")
            outcome.submit_s = time.perf_counter() - t
            outcome.total_s = time.perf_counter() - start
            if response.status_code == 302 and response.headers["location"].endswith(
                f"/portal/applications/{pk}/"
            ):
                outcome.accepted = True
            else:
                outcome.error = f"submit: HTTP {response.status_code} -> {response.headers.get('location')}"
                if response.status_code == 302:  # refused: the page shows why
                    page = client.get(response.headers["location"]).text
                    start_at = page.find('<ul class="messages"')
                    outcome.error += (
                        " " + " ".join(page[start_at : page.find("</ul>", start_at)].split())[:300]
                    )
        except httpx.HTTPError as error:
            outcome.error = f"{type(error).__name__}: {error}"
    return outcome


def baseline(base: str, requests: int, concurrency: int) -> tuple[float, Latencies]:
    latencies = Latencies()
    lock = threading.Lock()

    def worker(count: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            for _ in range(count):
                t = time.perf_counter()
                response = client.get("/healthz")
                elapsed = time.perf_counter() - t
                assert response.status_code == 200
                with lock:
                    latencies.values.append(elapsed)

    per = [requests // concurrency + (1 if i < requests % concurrency else 0) for i in range(concurrency)]
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, per))
    return requests / (time.perf_counter() - start), latencies


# --- Verification ---------------------------------------------------------------------------------


def verify_mail(sink: MailSink, outcomes: list[Outcome], timeout: float) -> dict[str, Any]:
    """Wait for the worker to deliver every confirmation; compare what the SMTP server received."""
    from jpo.outbox.models import Email

    accepted = sum(1 for o in outcomes if o.accepted)
    start = time.perf_counter()
    while sink.count() < accepted and time.perf_counter() - start < timeout:
        time.sleep(0.25)
    drained = time.perf_counter() - start
    time.sleep(1.0)  # anything sent twice would arrive now
    expected = sorted(f"bench{o.n}@example.jp" for o in outcomes if o.accepted)
    states: dict[str, int] = {}
    for state in Email.objects.filter(kind="applications.submitted").values_list("state", flat=True):
        states[state] = states.get(state, 0) + 1
    return {
        "emails_received_by_smtp": sink.count(),
        "emails_to_the_right_applicants": sorted(sink.recipients) == expected,
        "emails_sent_in_outbox": states.get("sent", 0),
        "emails_other_states": {k: v for k, v in states.items() if k != "sent"},
        "emails_drained_s_after_surge": round(drained, 2),
    }


def verify(outcomes: list[Outcome], people: list[dict[str, Any]]) -> dict[str, Any]:
    from django.core.files.storage import default_storage

    from jpo.applications.models import Application, Document, Submission

    accepted = {o.n for o in outcomes if o.accepted}
    by_n = {o.n: o for o in outcomes}
    application_of = {p["n"]: p["application"] for p in people}
    submissions = {s.application_id: s for s in Submission.objects.all()}
    documents: dict[int, list[Document]] = {}
    for d in Document.objects.all():
        documents.setdefault(d.application_id, []).append(d)
    statuses = dict(Application.objects.values_list("pk", "status"))
    lost, partial, unexpected = [], [], []
    receipts = [s.receipt_number for s in submissions.values()]
    for n in accepted:
        pk = application_of[n]
        submission = submissions.get(pk)
        if submission is None or statuses.get(pk) != "submitted":
            lost.append(n)
            continue
        snapshot = submission.snapshot
        recomputed = hashlib.sha256(
            json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        docs = {d.kind: d for d in documents.get(pk, [])}
        ok = recomputed == submission.snapshot_sha256 and len(docs) == 4 and len(snapshot["documents"]) == 4
        ok = ok and docs["cv"].sha256 == by_n[n].sha256
        for entry in snapshot["documents"]:
            with default_storage.open(entry["stored_as"], "rb") as f:
                ok = ok and hashlib.sha256(f.read()).hexdigest() == entry["sha256"]
        if not ok:
            partial.append(n)
    for pk in submissions:
        n = next(k for k, v in application_of.items() if v == pk)
        if n not in accepted:
            unexpected.append(n)
    return {
        "accepted": len(accepted),
        "stored_submissions": len(submissions),
        "lost": len(lost),
        "partial": len(partial),
        "stored_but_not_acknowledged": len(unexpected),
        "receipts_unique": len(receipts) == len(set(receipts)),
    }


# --- Main -----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--applicants", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32, help="clients submitting at the same time")
    parser.add_argument(
        "--workers", type=int, default=max(2, (os.cpu_count() or 2) * 2), help="gunicorn workers"
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--pdf-mb", type=float, default=1.0)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("JPO_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument(
        "--db",
        choices=["postgres", "sqlite"],
        default="postgres",
        help="sqlite: a file database in a scratch directory, as `make run` uses",
    )
    parser.add_argument("--smoke", action="store_true", help="20 applicants, 4 clients: a quick check")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument(
        "--mail-timeout", type=float, default=300, help="seconds to wait for the e-mails after the surge"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.applicants, args.concurrency, args.workers, args.threads = 20, 4, 2, 2

    dbname = f"jpo_bench_surge_{os.getpid()}"
    media = Path(tempfile.mkdtemp(prefix="jpo-bench-media-"))
    log = media.parent / f"{media.name}-gunicorn.log"
    worker_log = media.parent / f"{media.name}-worker.log"
    smtp_port = free_port()
    if args.db == "sqlite":
        database_url = f"sqlite:///{media.parent / (media.name + '.sqlite3')}"
    else:
        database_url = with_dbname(args.database_url, dbname)
    env = {
        "DATABASE_URL": database_url,
        "JPO_ENV": "development",
        "JPO_DEBUG": "0",
        "JPO_SECRET_KEY": secrets.token_urlsafe(32),
        "JPO_MEDIA_ROOT": str(media),
        "JPO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "JPO_EMAIL_HOST": "127.0.0.1",
        "JPO_EMAIL_PORT": str(smtp_port),
        "JPO_AXES_ENABLED": "0",
        "JPO_DB_CONN_MAX_AGE": "60",
        "JPO_LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "jpo.settings",
    }
    if args.db == "postgres":
        with admin_connect(args.database_url) as admin:
            admin.execute(f'CREATE DATABASE "{dbname}"')
    server: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    sink = MailSink(smtp_port)
    sink.controller.start()
    try:
        django_setup(env)
        from django.core.management import call_command
        from django.db import connections

        t = time.perf_counter()
        call_command("migrate", verbosity=0)
        people = seed(args.applicants, pdf_bytes(0, "small"))
        cvs = CvFactory(args.pdf_mb)
        print(f"seeded {args.applicants} applicants in {time.perf_counter() - t:.1f} s", flush=True)
        connections.close_all()

        port = free_port()
        server = start_gunicorn(env, port, args.workers, args.threads, log)
        worker = start_worker(env, worker_log)
        base = f"http://127.0.0.1:{port}"

        bare_rps, bare_lat = baseline(base, max(200, args.applicants), args.concurrency)

        outcomes: list[Outcome] = []
        start = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            futures = [pool.submit(applicant_client, base, p, cvs.for_applicant(p["n"])) for p in people]
            outcomes = [f.result() for f in futures]
        wall = time.perf_counter() - start
        after_rps, after_lat = baseline(base, max(200, args.applicants), args.concurrency)

        mail = verify_mail(sink, outcomes, args.mail_timeout)
        check = verify(outcomes, people)
        submit = Latencies([o.submit_s for o in outcomes if o.accepted])
        upload = Latencies([o.upload_s for o in outcomes if o.upload_s])
        whole = Latencies([o.total_s for o in outcomes if o.accepted])
        rate = check["accepted"] / wall
        errors = [o.error for o in outcomes if o.error]
        figures = {
            "database": args.db,
            "applicants": args.applicants,
            "concurrency": args.concurrency,
            "gunicorn": f"{args.workers} workers x {args.threads} threads",
            "pdf_mb": args.pdf_mb,
            "wall_s": round(wall, 2),
            "submissions_per_s": round(rate, 2),
            "applicant_p50_s": round(statistics.median(whole.values), 3) if whole.values else None,
            "applicant_p95_s (upload + submit)": round(whole.p(0.95), 3),
            "submit_p50_s": round(statistics.median(submit.values), 3) if submit.values else None,
            "submit_p95_s": round(submit.p(0.95), 3),
            "upload_p95_s": round(upload.p(0.95), 3),
            "bare_view_rps (before / after the surge)": f"{bare_rps:.1f} / {after_rps:.1f}",
            "bare_view_p95_s (before / after)": f"{bare_lat.p(0.95):.4f} / {after_lat.p(0.95):.4f}",
            "ratio_applicant_p95_to_bare_p95 (before / after)": (
                f"{whole.p(0.95) / bare_lat.p(0.95):.1f} / {whole.p(0.95) / after_lat.p(0.95):.1f}"
                if whole.values
                else None
            ),
            "ratio_bare_rps_to_submissions_per_s": round(bare_rps / rate, 1) if rate else None,
            **check,
            **mail,
            "errors": len(errors),
        }
        print("\nDeadline surge (bench/deadline_surge.py)")
        for key, value in figures.items():
            print(f"  {key:40s} {value}")
        if errors:
            print("  first errors:", *sorted(set(errors))[:5], sep="\n    ")
        if args.json:
            print(json.dumps(figures))
        ok = (
            check["lost"] == 0
            and check["partial"] == 0
            and check["accepted"] == args.applicants
            and check["receipts_unique"]
            and check["stored_but_not_acknowledged"] == 0
            and mail["emails_received_by_smtp"] == check["accepted"]
            and mail["emails_to_the_right_applicants"]
            and mail["emails_sent_in_outbox"] == check["accepted"]
        )
        if not args.smoke:
            ok = ok and whole.p(0.95) < 1.0 and wall <= 600
        print("\nRESULT:", "PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        if worker is not None:
            stop(worker)
        if server is not None:
            stop(server)
        sink.controller.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:
            pass
        if args.db == "postgres":
            with admin_connect(args.database_url) as admin:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    [dbname],
                )
                admin.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(database_url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        shutil.rmtree(media, ignore_errors=True)
        log.unlink(missing_ok=True)
        worker_log.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())

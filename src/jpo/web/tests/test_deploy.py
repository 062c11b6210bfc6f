"""Beyond one machine (docs/deploy.md): two gunicorn app servers and two task workers on one PostgreSQL,
documents on one shared directory. An applicant submits through one server, an officer starts a
screening run through the other, and the workers do the background work (receipt e-mail, screening).

PostgreSQL only (CI runs the suite on both databases): the servers and workers are separate processes
that share the test database, which an in-memory SQLite database cannot be. Every process listens on
127.0.0.1 only, every wait is bounded, and every process is killed at the end whatever happens.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

VENV_BIN = Path(sys.executable).parent
DEADLINE_S = 90


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def cluster(tmp_path: Path, settings: Any) -> Iterator[dict[str, Any]]:
    """Two app servers and two workers sharing the test database and one documents directory."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "several servers and workers need a database server (run with DATABASE_URL=postgres://...)"
        )
    media = tmp_path / "shared-media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "jpo.settings",
        "JPO_ENV": "development",
        "JPO_DEBUG": "0",
        # The sessions made here are signed with this process's key: the servers must share it.
        "JPO_SECRET_KEY": django_settings.SECRET_KEY,
        "JPO_MEDIA_ROOT": str(media),
        "JPO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "JPO_AXES_ENABLED": "0",
        "JPO_LOG_LEVEL": "ERROR",
        "JPO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    processes: list[subprocess.Popen[bytes]] = []
    logs: list[Path] = []

    def start(name: str, command: list[str]) -> subprocess.Popen[bytes]:
        log = tmp_path / f"{name}.log"
        logs.append(log)
        process = subprocess.Popen(
            command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
        )
        processes.append(process)
        return process

    try:
        ports = [_free_port(), _free_port()]
        for i, port in enumerate(ports):
            start(
                f"gunicorn{i}",
                [
                    str(VENV_BIN / "gunicorn"),
                    "jpo.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--threads",
                    "2",
                    "--timeout",
                    "60",
                ],
            )
        for i in range(2):
            start(
                f"worker{i}", [str(VENV_BIN / "jpo"), "db_worker", "--interval", "0.2", "--no-startup-delay"]
            )
        deadline = time.monotonic() + DEADLINE_S
        for port in ports:
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                dead = [p for p in processes if p.poll() is not None]
                assert not dead and time.monotonic() < deadline, "\n".join(
                    p.read_text()[-2000:] for p in logs
                )
                time.sleep(0.3)
        yield {"servers": [f"http://127.0.0.1:{p}" for p in ports], "logs": logs}
    finally:
        for process in processes:
            _stop(process)


def _session_for(user: Any) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


def _client(base: str, user: Any) -> httpx.Client:
    csrf = secrets.token_hex(16)  # Django accepts the unmasked 32-character secret as token
    return httpx.Client(
        base_url=base,
        cookies={
            django_settings.SESSION_COOKIE_NAME: _session_for(user),
            "csrftoken": csrf,
            "jpo_language": "en",
        },
        headers={"X-CSRFToken": csrf},
        timeout=30,
    )


def _wait_for(check: Any, what: str, logs: list[Path]) -> Any:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    tail = "\n".join(f"--- {log.name}\n{log.read_text()[-1500:]}" for log in logs)
    pytest.fail(f"timed out waiting for {what}\n{tail}")


def test_two_app_servers_and_two_workers_on_one_postgresql(cluster: dict[str, Any], make_user: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    from jpo.accounts.models import Role
    from jpo.accounts.services import email_verification_token, email_verify
    from jpo.applications import services
    from jpo.applications.models import Application, Submission
    from jpo.applications.signup import applicant_signup
    from jpo.applications.tests.conftest import fill_eligible
    from jpo.applications.tests.factories import ELIGIBLE_PROFILE
    from jpo.outbox.models import Email, EmailState
    from jpo.programme.models import Agreement, Cycle, Organization, OrganizationKind, Track, TrackKind
    from jpo.selection.models import RunStatus, Screening, ScreeningRun
    from jpo.selection.services.order import FORCE_FIELD

    now = timezone.now()
    cycle = Cycle.objects.create(
        fiscal_year=2026,
        applications_open=now - dt.timedelta(hours=1),
        applications_close=now + dt.timedelta(hours=3),
    )
    Track.objects.create(cycle=cycle, kind=TrackKind.MOFA)
    undp = Organization.objects.create(
        code="UNDP",
        name_en="UN Development Programme",
        name_ja="国連開発計画",
        kind=OrganizationKind.FUND_PROGRAMME,
    )
    # Applicants choose only organizations with a JPO agreement in force.
    Agreement.objects.create(organization=undp, starts_fiscal_year=2017, source="test")
    user, _ = applicant_signup(
        email="applicant@example.jp",
        password="a-long-test-password",
        family_name="山田",
        given_name="花子",
        birth_date=ELIGIBLE_PROFILE["birth_date"],
        language="en",
    )
    email_verify(token=email_verification_token(user=user))
    user.refresh_from_db()
    application = services.application_start(user=user, cycle=cycle, now=now)
    fill_eligible(application, user, now)
    officer = make_user(Role.OFFICER)
    first, second = cluster["servers"]

    # The applicant submits through the first server ...
    with _client(first, user) as client:
        response = client.post(f"/portal/applications/{application.pk}/submit/")
    assert response.status_code == 302, response.text[:500]
    assert response.headers["location"].endswith(f"/portal/applications/{application.pk}/")
    submission = Submission.objects.get(application=application)
    # ... and sees it, with its documents from the shared directory, through the second.
    with _client(second, user) as client:
        page = client.get(f"/portal/applications/{application.pk}/")
        assert page.status_code == 200 and submission.receipt_number in page.text
    # A worker sends the receipt from the outbox.
    _wait_for(
        lambda: Email.objects.filter(kind="applications.submitted", state=EmailState.SENT).exists(),
        "the receipt e-mail",
        cluster["logs"],
    )

    # The officer starts a screening run through the second server; a worker runs it.
    with _client(second, officer) as client:
        response = client.post(
            f"/selection/cycles/{cycle.fiscal_year}/screening/run/",
            # The window is still open: screening early needs the officer's reason.
            data={"kind": "screen", FORCE_FIELD: "deployment test: screen while the window is open"},
        )
    assert response.status_code == 302, response.text[:500]
    run = _wait_for(
        lambda: ScreeningRun.objects.filter(
            cycle=cycle, status__in=[RunStatus.DONE, RunStatus.FAILED]
        ).first(),
        "the screening run",
        cluster["logs"],
    )
    assert (run.status, run.total, run.processed, run.error) == (RunStatus.DONE, 1, 1, "")
    assert Screening.objects.get(application=application).run_id == run.pk  # screened by this run
    with _client(first, officer) as client:
        page = client.get(f"/selection/cycles/{cycle.fiscal_year}/screening/")
        assert page.status_code == 200
    # Every task ran once, each by one worker.
    tasks = list(DBTaskResult.objects.values_list("status", "worker_ids"))
    assert tasks and all(status == "SUCCESSFUL" and len(ids) == 1 for status, ids in tasks), tasks
    assert Application.objects.get(pk=application.pk).status == "submitted"

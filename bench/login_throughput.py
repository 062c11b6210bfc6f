"""Login throughput under load: 50 clients log in at once through gunicorn, per password hasher.

What it does, by itself, on this machine:
  1. for each hasher (Django's PBKDF2 default, Django's Argon2 default, Argon2id at OWASP's 19 MiB/2
     passes, ours: Argon2id at OWASP's 7 MiB/5 passes), makes a scratch SQLite database under var/bench/, migrates it and creates the users with
     passwords hashed by that hasher;
  2. starts gunicorn on a free loopback port (the real settings, django-axes on, the login throttle
     lifted so one address may log in many times);
  3. measures a bare Django view (/healthz, one `SELECT 1`) with the same concurrency: the baseline;
  4. C concurrent clients POST the login form (user name, password, CSRF token) until N logins are done;
     every answer must be the redirect of a successful login;
  5. prints logins per second, the ratio to the baseline, the p95 of one login, and the server's CPU time
     per login (gunicorn's processes, from /proc: the figure that does not move when other programs
     load the machine); stops gunicorn and removes the database.

    .venv/bin/python bench/login_throughput.py                 # 50 clients, 80 logins per hasher
    .venv/bin/python bench/login_throughput.py --smoke         # 5 clients, 10 logins: a quick check
    .venv/bin/python bench/login_throughput.py --hashers jpo --logins 400

Exit status 0 when every login succeeded, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PASSWORD = "bench-password-2026"

HASHERS = {
    "pbkdf2": "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "argon2-django": "django.contrib.auth.hashers.Argon2PasswordHasher",
    # OWASP's Argon2id configuration of 19 MiB, 2 passes: what jpo used before its 7 MiB, 5 passes.
    "owasp-19m-t2": "bench_settings.Argon2id19MiB",
    "jpo": "jpo.accounts.hashers.Argon2idHasher",
}

SETTINGS_MODULE = """
from jpo.settings import *  # noqa: F403
from jpo.accounts.hashers import Argon2idHasher


class Argon2id19MiB(Argon2idHasher):
    time_cost = 2
    memory_cost = 19 * 1024


PASSWORD_HASHERS = [{hasher!r}]
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(env: dict[str, str], users: int) -> None:
    subprocess.run([str(VENV_BIN / "jpo"), "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    code = f"""
import django
django.setup()
from django.contrib.auth.hashers import make_password
from jpo.accounts.models import User
encoded = make_password({PASSWORD!r})
User.objects.bulk_create(
    [User(username=f"bench{{n}}", email=f"bench{{n}}@example.jp", password=encoded) for n in range({users})]
)
"""
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)


def server_cpu_seconds(master: int) -> float:
    """CPU time (user + system) used so far by gunicorn's master and workers, from /proc (Linux): unlike
    logins per second, it does not move when other programs load the machine."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0
    for pid in [str(master), *children]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a worker that just exited
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def start_gunicorn(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    command = [str(VENV_BIN / "gunicorn"), "jpo.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--timeout", "120", "--backlog", "2048"]
    process = subprocess.Popen(
        command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT
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


def run_clients(
    clients: int, total: int, one: Callable[[httpx.Client, int], bool]
) -> tuple[float, list[float], int]:
    """`clients` threads share `total` calls of `one(client, n)`; (seconds, latencies, failures)."""
    counter = iter(range(total))
    lock = threading.Lock()
    latencies: list[float] = []
    failures = [0]

    def worker(index: int) -> None:
        with httpx.Client(base_url=BASE[0], timeout=120) as client:
            while True:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                started = time.perf_counter()
                ok = one(client, n)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    failures[0] += 0 if ok else 1

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(worker, range(clients)))
    return time.perf_counter() - started, latencies, failures[0]


BASE = [""]


def healthz(client: httpx.Client, n: int) -> bool:
    return client.get("/healthz").status_code == 200


def make_login(users: int) -> Callable[[httpx.Client, int], bool]:
    def login(client: httpx.Client, n: int) -> bool:
        client.cookies.clear()
        client.get("/accounts/login/")
        token = client.cookies.get("csrftoken", "")
        response = client.post(
            "/accounts/login/",
            data={"username": f"bench{n % users}", "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": BASE[0] + "/accounts/login/"},
        )
        return response.status_code == 302 and "/accounts/login/" not in response.headers.get("location", "")

    return login


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def measure(name: str, args: argparse.Namespace, scratch: Path) -> bool:
    settings_dir = scratch / name
    settings_dir.mkdir(parents=True)
    (settings_dir / "bench_settings.py").write_text(SETTINGS_MODULE.format(hasher=HASHERS[name]))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("JPO_")},
        "JPO_ENV": "development",
        "JPO_DEBUG": "0",
        "JPO_LOG_LEVEL": "ERROR",
        "JPO_THROTTLE_LOGIN": "1000000/600",  # one loopback address logs in many times
        "DATABASE_URL": f"sqlite:///{settings_dir / 'db.sqlite3'}",
        "JPO_VAR_DIR": str(settings_dir),
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": str(settings_dir),
    }
    prepare(env, args.users)
    port = free_port()
    BASE[0] = f"http://127.0.0.1:{port}"
    server = start_gunicorn(env, port, args.workers, settings_dir / "gunicorn.log")
    try:
        run_clients(args.clients, args.clients, healthz)  # warm up every worker
        base_seconds, _base_latencies, base_failures = run_clients(args.clients, args.baseline, healthz)
        cpu_before = server_cpu_seconds(server.pid)
        seconds, latencies, failures = run_clients(args.clients, args.logins, make_login(args.users))
        cpu_per_login = (server_cpu_seconds(server.pid) - cpu_before) / args.logins
    finally:
        stop(server)
    baseline_rate = args.baseline / base_seconds
    rate = args.logins / seconds
    print(
        f"{name:14} logins/s {rate:7.1f}   /healthz req/s {baseline_rate:7.1f}   ratio {rate / baseline_rate:6.3f}"
        f"   login p95 {p95(latencies) * 1000:7.0f} ms   server CPU per login {cpu_per_login * 1000:5.0f} ms"
        f"   failures {failures + base_failures}"
    )
    return failures + base_failures == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--logins", type=int, default=80, help="logins per hasher (bounded run)")
    parser.add_argument("--baseline", type=int, default=1000, help="/healthz requests for the baseline")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn sync workers")
    parser.add_argument("--hashers", default=",".join(HASHERS), help=f"comma-separated: {', '.join(HASHERS)}")
    parser.add_argument("--smoke", action="store_true", help="5 clients, 10 logins, our hasher only")
    args = parser.parse_args(argv)
    if args.smoke:
        args.clients, args.logins, args.baseline, args.users, args.hashers = 5, 10, 50, 3, "jpo"
    names = [n.strip() for n in args.hashers.split(",") if n.strip()]
    unknown = [n for n in names if n not in HASHERS]
    if unknown:
        parser.error(f"unknown hasher {unknown[0]!r}; choose from {', '.join(HASHERS)}")
    print(
        f"login throughput: {args.clients} clients, {args.logins} logins per hasher, "
        f"gunicorn {args.workers} sync workers on 127.0.0.1, SQLite, {os.cpu_count()} CPUs"
    )
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="login-", dir=ROOT / "var" / "bench"))
    try:
        results = [measure(name, args, scratch) for name in names]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

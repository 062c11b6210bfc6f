"""Several users writing at once to a file SQLite database (the default `make run` setup) get no errors.

Each thread has its own connection (Django's connections are per thread) to a file database opened with
the project's SQLite options. A transaction that reads and then writes is the common shape (a draft
step, a submission's receipt number): in SQLite's default deferred mode a concurrent writer makes the
upgrade to a write lock fail at once with "database is locked"; in IMMEDIATE mode it waits its turn.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connections, transaction

ALIAS = "sqlite_concurrency"
THREADS = 8
ROUNDS = 25


@pytest.fixture
def sqlite_file(tmp_path: Path, django_db_blocker: Any) -> Iterator[str]:
    connections.settings[ALIAS] = {
        **connections.settings["default"],
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "concurrent.sqlite3"),
        "OPTIONS": dict(settings.JPO_SQLITE_OPTIONS),
        "TEST": {},
    }
    with django_db_blocker.unblock():
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("CREATE TABLE receipt (n INTEGER PRIMARY KEY, who TEXT NOT NULL)")
        connections[ALIAS].close()
        yield ALIAS
    del connections.settings[ALIAS]


def test_concurrent_read_then_write_transactions_never_fail_with_database_locked(sqlite_file: str) -> None:
    errors: list[str] = []
    start = threading.Barrier(THREADS)

    def writer(name: str) -> None:
        try:
            start.wait()
            for _ in range(ROUNDS):
                with transaction.atomic(using=sqlite_file), connections[sqlite_file].cursor() as cursor:
                    cursor.execute("SELECT COALESCE(MAX(n), 0) FROM receipt")
                    (last,) = cursor.fetchone()
                    cursor.execute("INSERT INTO receipt (n, who) VALUES (%s, %s)", [last + 1, name])
        except Exception as error:  # collected: the assertion below names them
            errors.append(f"{name}: {type(error).__name__}: {error}")
        finally:
            connections[sqlite_file].close()

    threads = [threading.Thread(target=writer, args=(f"user{i}",)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    with connections[sqlite_file].cursor() as cursor:
        cursor.execute("SELECT COUNT(*), MAX(n) FROM receipt")
        # Every transaction saw the previous one's number: no gap, no duplicate.
        assert cursor.fetchone() == (THREADS * ROUNDS, THREADS * ROUNDS)
    connections[sqlite_file].close()


def test_the_default_sqlite_database_uses_the_concurrency_options() -> None:
    assert settings.JPO_SQLITE_OPTIONS["transaction_mode"] == "IMMEDIATE"
    assert settings.JPO_SQLITE_OPTIONS["timeout"] == 20
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        options = settings.DATABASES["default"]["OPTIONS"]
        assert options["transaction_mode"] == "IMMEDIATE"

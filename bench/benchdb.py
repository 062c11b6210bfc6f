"""A scratch database for one benchmark run: a fresh SQLite file under var/bench/, or a PostgreSQL
database created here and dropped by `drop_database` (with FORCE, so a crashed run leaves nothing)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_database(*, db: str, label: str, pg_url: str) -> tuple[str, object]:
    """Return (DATABASE_URL, handle for drop_database)."""
    if db == "sqlite":
        bench_dir = ROOT / "var" / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        path = bench_dir / f"{label}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}", None
    import psycopg

    name = f"jpo_bench_{label}_{os.getpid()}"
    admin = psycopg.connect(f"{pg_url}/postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    return f"{pg_url}/{name}", (admin, name)


def drop_database(handle: object) -> None:
    if handle is None:
        return
    admin, name = handle  # type: ignore[misc]
    from django.db import connections

    connections.close_all()
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()

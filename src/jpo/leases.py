"""Leases on background work (screening runs, census imports).

A job row records a heartbeat while a worker runs it. A worker that is killed stops beating; once its
heartbeat is older than the lease, the job is marked failed (with a message saying so) and can be run
again. A worker whose lease was taken away stops at its next heartbeat (`LeaseLost`), so a job is never
finished by two workers.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Model, Q

# A running job beats at least once per chunk (seconds apart); ten minutes of silence means its
# worker is gone.
LEASE = dt.timedelta(minutes=10)
# A queued job that no worker has picked up in an hour: the worker is down or lost the task.
QUEUED_GRACE = dt.timedelta(hours=1)


class LeaseLost(Exception):
    """The job was marked failed while this worker still ran it: stop without writing more."""


def stale(*, now: dt.datetime, running: list[str], queued: list[str]) -> Q:
    """Jobs whose worker is gone: running with an old (or no) heartbeat, or queued for too long."""
    return Q(status__in=running) & (
        Q(heartbeat_at__lt=now - LEASE) | Q(heartbeat_at__isnull=True, created_at__lt=now - LEASE)
    ) | Q(status__in=queued, created_at__lt=now - QUEUED_GRACE)


def heartbeat(model: type[Model], pk: int, *, now: dt.datetime, running: list[str], **fields: object) -> None:
    """Record progress and the heartbeat in one write; raise LeaseLost if the job is no longer ours."""
    if not model._default_manager.filter(pk=pk, status__in=running).update(heartbeat_at=now, **fields):
        raise LeaseLost(f"{model._meta.label} {pk} is no longer running")

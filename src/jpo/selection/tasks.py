"""Background work of selection, run by the task worker (`jpo db_worker`). Every task is safe to retry."""

from __future__ import annotations

from django_tasks import task

from jpo.selection.services.releases import release_execute
from jpo.selection.services.screening import screening_run_execute


@task()
def screening_run_task(run_id: int) -> dict[str, object]:
    """Screen a cycle (or apply its screening outcomes); progress is stored on the run row."""
    run = screening_run_execute(run_id=run_id)
    return {"status": run.status, "total": run.total, "changed": run.changed}


@task()
def release_run_task(release_id: int) -> dict[str, object]:
    """Release a batch of prepared decisions; nothing happens before its time (see the service)."""
    release = release_execute(release_id=release_id)
    return {"status": release.status, "released": release.released, "refused": release.refused}

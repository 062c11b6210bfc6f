"""Background work of selection, run by the task worker (`jpo db_worker`). Every task is safe to retry."""

from __future__ import annotations

from django_tasks import task

from jpo.selection.services.screening import screening_run_execute


@task()
def screening_run_task(run_id: int) -> dict[str, object]:
    """Screen a cycle (or apply its screening outcomes); progress is stored on the run row."""
    run = screening_run_execute(run_id=run_id)
    return {"status": run.status, "total": run.total, "changed": run.changed}

"""Background work: census imports uploaded through the web run in the task worker (`jpo db_worker`)."""

from __future__ import annotations

from django_tasks import task

from jpo.core.tabular import ImportRefused
from jpo.leases import LeaseLost
from jpo.workforce.models import CensusImport, ImportStatus
from jpo.workforce.services import census_import_run


@task()
def census_import_task(census_import_id: int) -> dict[str, object]:
    """Check and import a stored upload. Safe to retry: a finished import is left alone, rows are upserted."""
    census_import = CensusImport.objects.get(pk=census_import_id)
    if census_import.is_finished:
        return {"status": census_import.status, "rows": census_import.row_count}
    try:
        census_import = census_import_run(census_import=census_import, precheck=True)
    except ImportRefused as exc:
        return {"status": ImportStatus.REFUSED, "errors": exc.error_count}
    except LeaseLost:  # marked failed meanwhile (its lease expired); nothing was written
        return {"status": ImportStatus.FAILED}
    CensusImport.objects.filter(pk=census_import.pk).update(content=None)
    return {"status": census_import.status, "rows": census_import.row_count}

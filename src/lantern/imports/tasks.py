"""Background work for imports, run by ``lantern db_worker`` (django-tasks' database backend)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from lantern.imports import services


@task()
def import_extract(extract_id: int) -> dict[str, Any]:
    """Import one queued extract; its page shows the progress as the batches are written."""
    extract = services.extract_run(extract_id=extract_id)
    return {
        "extract": extract.pk,
        "status": extract.status,
        "rows": extract.rows_done,
        "created": extract.rows_created,
        "updated": extract.rows_updated,
        "unchanged": extract.rows_unchanged,
        "quarantined": extract.rows_quarantined,
    }

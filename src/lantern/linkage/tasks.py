"""Background work for record linkage, run by ``lantern db_worker`` (django-tasks)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from lantern.linkage import services


@task()
def link_records(run_id: int) -> dict[str, Any]:
    """Score and resolve one queued linkage run (incremental after an import, or full)."""
    run = services.run_execute(run_id=run_id)
    return {
        "run": run.pk,
        "status": run.status,
        "records": run.records_considered,
        "linked": run.pairs_linked,
        "for_review": run.pairs_for_review,
        "people_created": run.people_created,
    }

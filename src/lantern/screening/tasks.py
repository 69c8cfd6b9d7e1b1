"""Background tasks (django-tasks): the nightly screening job on the task worker.

Enqueue it from a scheduler (cron, systemd timer) with ``lantern screening nightly --enqueue``;
``lantern db_worker`` runs it.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from lantern.screening.jobs import nightly


@task()
def nightly_screening() -> dict[str, Any]:
    """Recompute due re-screens and transitions at 18 for everyone (see :func:`nightly`)."""
    return nightly(channel="task").as_dict()

"""Background tasks (django-tasks): the refresh of the board's figures.

Enqueue it from a scheduler (cron, systemd timer) with ``lantern board refresh --enqueue``;
``lantern db_worker`` runs it as the reporting service.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from lantern.reporting.services import snapshot_refresh


@task()
def refresh_board_figures() -> dict[str, Any]:
    """Count, publish and keep every figure for the periods the dashboard offers."""
    snapshot = snapshot_refresh()
    return {"snapshot": snapshot.pk, "seconds": snapshot.took_seconds}

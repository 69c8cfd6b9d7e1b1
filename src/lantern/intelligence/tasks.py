"""Background work for intelligence, run by ``lantern db_worker`` (django-tasks)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from lantern.intelligence import alerting


@task()
def run_alerts() -> dict[str, Any]:
    """Every alert rule over the whole network, the rules that read its global shape
    (communities) included; queued after changes, so those alerts follow within a minute."""
    summary = alerting.run_all()
    return {"raised": summary.raised, "reraised": summary.reraised, "lapsed": summary.lapsed}

"""Disruption-plan actions become ``actions.Action`` rows (``source_kind="disruption_plan"``,
``source_id`` = the plan), so they show in My work, the agency's list and the overdue view,
can be chased, and cannot be closed without an outcome. Existing rows are copied across,
then the ``DisruptionAction`` table is removed. The reverse copies them back and removes the
copies from actions.

(The lead re-chains this migration onto ``0002_perpetrator_profile`` at merge.)
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

SOURCE_KIND = "disruption_plan"
SOURCE_LABEL = "Disruption plan"
#: A done action without an outcome could not close under the actions app's rule.
NO_OUTCOME = "Marked done on the disruption plan before actions moved to the actions app."


def _moment(day: Any) -> datetime:
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))


def to_actions(apps: Any, schema_editor: Any) -> None:
    old = apps.get_model("intelligence", "DisruptionAction")
    action = apps.get_model("actions", "Action")
    rows = old.objects.select_related("plan").order_by("pk")
    for row in rows.iterator():
        plan = row.plan
        title = row.description
        if row.owner_name:
            title = f"{title} (owner: {row.owner_name})"
        done = row.done_on is not None
        action.objects.create(
            title=title[:300],
            owner_agency_id=row.owner_agency_id,
            owner_user=None,
            # An action always has a due date: the plan's review date, else the day it started.
            due_on=row.due_on or plan.review_on or plan.created_at.date(),
            status="done" if done else "open",
            outcome=(row.outcome or NO_OUTCOME) if done else row.outcome,
            source_kind=SOURCE_KIND,
            source_id=plan.pk,
            source_label=SOURCE_LABEL,
            created_by_id=plan.created_by_id,
            created_by_agency_id=plan.created_by_agency_id,
            closed_at=_moment(row.done_on) if done else None,
            closed_by_id=plan.created_by_id if done else None,
        )


def from_actions(apps: Any, schema_editor: Any) -> None:
    old = apps.get_model("intelligence", "DisruptionAction")
    action = apps.get_model("actions", "Action")
    copied = action.objects.filter(source_kind=SOURCE_KIND).order_by("pk")
    for row in copied.iterator():
        done = row.status == "done"
        old.objects.create(
            plan_id=row.source_id,
            description=row.title[:500],
            owner_agency_id=row.owner_agency_id,
            owner_name="",
            due_on=row.due_on,
            done_on=row.closed_at.date() if done and row.closed_at else None,
            outcome=row.outcome,
        )
    # Their chases go with them (ActionChase cascades).
    copied.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("intelligence", "0002_perpetrator_profile"),
        ("actions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(to_actions, from_actions),
        migrations.DeleteModel(name="DisruptionAction"),
    ]

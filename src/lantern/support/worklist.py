"""What support and closure put on "My work" (registered with ``core.worklists``): planned
contacts due, follow-ups after closure, new activity on closed cases, NRM milestones, and
screenings due. Each provider reads through its app's queries, so only people the actor
may see appear; the page records one audit entry for the list."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone

from lantern.cases import queries as case_queries
from lantern.core.access import Actor
from lantern.core.worklists import Provider, WorkItem
from lantern.screening import access as screening_access
from lantern.screening import queries as screening_queries
from lantern.support import access as support_access
from lantern.support import queries
from lantern.support.rules import milestones

CONTACTS_WITHIN_DAYS = 7
FOLLOW_UPS_WITHIN_DAYS = 14
SCREENINGS_WITHIN_DAYS = 14


def _key_worker_people(actor: Actor) -> set[int]:
    return set(queries.former_key_worker_of(actor).values_list("person_id", flat=True))


def contacts_due(actor: Actor) -> list[WorkItem]:
    if not support_access.may_see_work_list(actor):
        return []
    return [
        WorkItem(
            kind="contact",
            group="Contacts due",
            title=f"Planned contact with {person.display_name}",
            due_on=due,
            url=reverse("support:person", args=[person.pk]),
            person_name=person.display_name,
        )
        for person, due in queries.next_contacts(actor, CONTACTS_WITHIN_DAYS)
    ]


def follow_ups(actor: Actor) -> list[WorkItem]:
    if not support_access.may_see_work_list(actor):
        return []
    return [
        WorkItem(
            kind="follow-up",
            group="Follow-ups after closure",
            title=f"{f.label}: {f.case.person.display_name} ({f.case.reference})",
            due_on=f.due_on,
            url=reverse("cases:follow_up", args=[f.pk]),
            person_name=f.case.person.display_name,
        )
        for f in case_queries.follow_ups_due(
            actor, within_days=FOLLOW_UPS_WITHIN_DAYS, person_ids=_key_worker_people(actor)
        )
    ]


def closed_case_activity(actor: Actor) -> list[WorkItem]:
    if not support_access.may_see_work_list(actor):
        return []
    return [
        WorkItem(
            kind="closed-case",
            group="New activity on closed cases",
            title=(
                f"{a.case.person.display_name} ({a.case.reference}): "
                f"{a.get_response_display().lower()}"
            ),
            due_on=timezone.localtime(a.at).date(),
            url=reverse("cases:detail", args=[a.case_id]) + "#closure",
            person_name=a.case.person.display_name,
            detail=a.source_description,
        )
        for a in case_queries.activity_flags(actor, person_ids=_key_worker_people(actor))
    ]


def nrm_reminders(actor: Actor, today: date | None = None) -> list[WorkItem]:
    if not support_access.may_see_work_list(actor):
        return []
    today = today or timezone.localdate()
    items = []
    for journey in queries.journeys_for_reminders(actor):
        for m in milestones(journey):
            if m.remind_from <= today:
                items.append(
                    WorkItem(
                        kind="nrm",
                        group="Modern slavery (NRM) milestones",
                        title=f"{m.label}: {journey.person.display_name} ({journey.reference})",
                        due_on=m.due_on,
                        url=reverse("support:nrm", args=[journey.pk]),
                        person_name=journey.person.display_name,
                    )
                )
    return items


def screenings_due(actor: Actor) -> list[WorkItem]:
    if not screening_access.may_see_screening_work(actor):
        return []
    return [
        WorkItem(
            kind="screening",
            group="Screenings due",
            title=f"Screening of {s.person.display_name}",
            due_on=s.next_due_on,
            url=reverse("screening:new_for_person", args=[s.person_id]),
            person_name=s.person.display_name,
        )
        for s in screening_queries.due_list(actor, scope="mine", within_days=SCREENINGS_WITHIN_DAYS)
    ]


PROVIDERS: dict[str, Provider] = {
    "support.contacts": contacts_due,
    "cases.follow_ups": follow_ups,
    "cases.closed_case_activity": closed_case_activity,
    "support.nrm": nrm_reminders,
    "screening.due": screenings_due,
}

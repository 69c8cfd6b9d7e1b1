"""Meetings, actions, issued minutes and plans for the synthetic city (``lantern demo``).

Run after ``build_city`` and ``add_screenings``: a children's panel held a fortnight ago with
its agenda from Lantern's proposal, attendance, information shared (one note restricted to
sexual health, one police note with handling code C), decisions, actions (some now
overdue) and minutes issued to every invited agency; an adults' panel next week, its agenda
not yet set; and multi-agency plans, some reviewed once. Everything is written through the
services, as a hub practitioner, so the audit log and the access rules apply as they would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from lantern.accounts.actors import actor_for_membership
from lantern.actions.models import Action
from lantern.agencies.models import Membership
from lantern.cases.models import Case, CaseStatus
from lantern.core.access import Role
from lantern.meetings import plans, services
from lantern.meetings.models import Attendance
from lantern.meetings.queries import agenda_proposal

GOALS = [
    "{name} is home by the agreed time on school nights",
    "{name} has a trusted adult to call, day or night",
    "{name} goes to every sexual health appointment they choose to keep",
    "{name}'s phone contacts are reviewed with them each fortnight",
    "{name} starts at the youth project",
    "{name} has a safe place to live",
]
WORDS = [
    "I want my mum to stop worrying about me.",
    "I just want to go back to school and see my friends.",
    "I don't want the police coming to my house.",
    "I want to keep my phone and be left alone by them.",
    "I want somewhere of my own where they can't find me.",
]


@dataclass
class MeetingsSynthReport:
    meetings: int = 0
    items: int = 0
    actions: int = 0
    minutes: int = 0
    plans: int = 0


def add_meetings(
    *, seed: int = 1, max_items: int = 8, plans_wanted: int = 12
) -> MeetingsSynthReport:
    rng = random.Random(seed * 7_919 + 14)  # noqa: S311 - synthetic data, not security  # nosec B311
    report = MeetingsSynthReport()
    membership = (
        Membership.objects.filter(agency__kind="hub", role=Role.PRACTITIONER, is_active=True)
        .select_related("agency", "user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        return report
    actor = actor_for_membership(membership)
    now = timezone.now()
    panel = services.meeting_schedule(
        actor=actor,
        meeting_type_code="mace",
        held_at=now - timedelta(days=14),
        title="Children's exploitation panel",
        location="Northwick hub, meeting room 2",
    )
    proposed = agenda_proposal(actor, panel)[:max_items]
    items = services.agenda_set(
        actor=actor,
        meeting=panel,
        chosen=[p.key for p in proposed],
        added=["Places of concern: the Station Road hotel"],
    )
    report.meetings += 1
    report.items += len(items)
    invitations = list(panel.invitations.select_related("agency"))
    services.attendance_record(
        actor=actor,
        meeting=panel,
        lines=[
            services.AttendanceLine(
                agency_id=i.agency_id,
                attendance=Attendance.APOLOGIES if n == 1 else Attendance.ATTENDED,
                attendees="" if n == 1 else "Safeguarding lead",
            )
            for n, i in enumerate(invitations)
        ],
    )
    hub_id = actor.agency.pk
    police = next((i.agency for i in invitations if i.agency.kind == "police"), None)
    for n, item in enumerate(items):
        if item.case_id is None:
            services.item_record(
                actor=actor, item=item, decisions="Police and licensing to visit the hotel."
            )
            continue
        agencies = list(
            item.case.memberships.filter(left_at__isnull=True).values_list("agency_id", flat=True)  # type: ignore[union-attr]
        )
        sharer = rng.choice([a for a in agencies if a != hub_id] or [hub_id])
        services.item_record(
            actor=actor,
            item=item,
            note_text="Missing twice since the last panel; seen getting into cars after school.",
            note_agency_id=sharer,
        )
        if n == 0:
            services.item_record(
                actor=actor,
                item=item,
                note_text="Attended the clinic three times this month.",
                note_agency_id=hub_id,
                restricted_category="sexual_health",
            )
        if n == 1 and police is not None:
            services.item_record(
                actor=actor,
                item=item,
                note_text="A vehicle linked to a person of concern was seen near the school.",
                note_agency_id=police.pk,
                handling_code="C",
                conditions="Not to be shared beyond the panel's members",
            )
        services.item_record(
            actor=actor,
            item=item,
            decisions="Continue the plan; strategy discussion if missing again.",
        )
        action = services.item_action_add(
            actor=actor,
            item=item,
            title=rng.choice(
                ["Return home interview", "Home visit with a parent", "Refer to the youth project"]
            ),
            owner_agency_id=sharer,
            due_working_days=rng.choice([3, 5, 10]),
        )
        report.actions += 1
        if n % 2 == 0:  # a panel a fortnight ago: some of its actions are now overdue
            Action.objects.filter(pk=action.pk).update(
                due_on=timezone.localdate() - timedelta(days=rng.randint(2, 9))
            )
    report.minutes += len(services.minutes_issue(actor=actor, meeting=panel))
    services.meeting_schedule(
        actor=actor,
        meeting_type_code="mase",
        held_at=now + timedelta(days=7),
        title="Adults' sexual exploitation panel",
        location="Northwick hub, meeting room 1",
    )
    report.meetings += 1
    for n, case in enumerate(
        Case.objects.filter(status=CaseStatus.OPEN)
        .select_related("person")
        .order_by("pk")[:plans_wanted]
    ):
        name = case.person.given_name
        goals = [g.format(name=name) for g in rng.sample(GOALS, 3)]
        words = rng.choice(WORDS)
        plans.plan_write(
            actor=actor,
            case=case,
            goals=goals,
            person_words=words,
            review_on=timezone.localdate() + timedelta(days=rng.randint(10, 40)),
        )
        if n % 2 == 0:
            plans.plan_write(
                actor=actor,
                case=case,
                goals=[*goals[:2], GOALS[4].format(name=name)],
                person_words=words + " And I'd like to try the youth project.",
                review_on=timezone.localdate() + timedelta(days=rng.randint(30, 60)),
                review_note="Missing episodes have stopped; the third goal is met.",
            )
        report.plans += 1
    return report

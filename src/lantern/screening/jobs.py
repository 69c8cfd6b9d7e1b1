"""The nightly screening job: due re-screens and transitions at 18, for everyone at once.

Set-based: a handful of queries and bulk writes whatever the number of people, never a query
per person. :func:`nightly` is a plain function; ``tasks.nightly_screening`` runs it on the
task worker and ``lantern screening nightly`` from the command line.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Least
from django.utils import timezone

from lantern.agencies.models import Agency, AgencyKind
from lantern.cases.models import Case, CaseStatus, ChronologyEntry
from lantern.core import access, audit, system
from lantern.core.access import Actor, Role
from lantern.core.events import Event, ObjectType
from lantern.core.normalisers import birthday_in_year
from lantern.people.models import ADULT_AGE, Person
from lantern.screening import access as screening_access
from lantern.screening.instruments import InstrumentDef
from lantern.screening.models import (
    Audience,
    DueReason,
    Instrument,
    ScreeningStatus,
    Transition,
    TransitionStatus,
)

#: The nightly job acts as this service: it recomputes when people are due a screening, which
#: is hub casework (``screening.access.screening_record``), so a hub practitioner, the least
#: role that rule allows (a manager could also approve restricted access).
SCREENING_SERVICE = system.declare(
    system.Service(
        username="lantern-screening",
        title="Screening nightly",
        role=Role.PRACTITIONER,
        purpose="screenings due and transitions at 18",
    )
)

PLANNING_MONTHS = 6
DEFAULT_FIRST_SCREENING_DAYS = 5


def eighteenth_birthday(dob: date) -> date:
    """The 18th birthday (29 February birthdays fall on 1 March in a common year)."""
    return birthday_in_year(dob, dob.year + ADULT_AGE)


def months_before(day: date, months: int) -> date:
    """The same day of the month ``months`` earlier, or that month's last day if shorter."""
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def planning_from(eighteenth: date) -> date:
    """Transition planning starts six months before the 18th birthday."""
    return months_before(eighteenth, PLANNING_MONTHS)


def in_planning_window(dob: date, today: date) -> bool:
    """Aged 17 and within six months of the 18th birthday (the birthday itself excluded)."""
    eighteenth = eighteenth_birthday(dob)
    return planning_from(eighteenth) <= today < eighteenth


def _years_before(day: date, years: int) -> date:
    """The same date ``years`` earlier (28 February for 29 February in a common year).

    A person born on or before ``_years_before(today, 18)`` is 18 or over today, with the
    29 February rule of :func:`~lantern.core.normalisers.age_on`.
    """
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def adult_services_agency() -> Agency | None:
    """The agency asked to join at transition: the (first) active adult social care agency."""
    return (
        Agency.objects.filter(kind=AgencyKind.ADULT_SOCIAL_CARE, is_active=True)
        .order_by("name", "pk")
        .first()
    )


@dataclass
class TransitionRefresh:
    flagged: int = 0
    turned_18: int = 0
    asked_adult_services: int = 0
    flagged_people: list[int] = field(default_factory=list)


def refresh_transitions(
    *, today: date, person_ids: Sequence[int] | None = None
) -> TransitionRefresh:
    """Flag transitions due and mark those whose 18th birthday has come.

    Flagged: a person aged 17, within six months of their 18th birthday, with an open case
    or a latest screening level that flags transition, and no transition yet. Adult
    services are asked to join (a pending request on the transition, for the case).
    Called by the nightly job for everyone and by a new screening for one person.
    """
    report = TransitionRefresh()
    now = timezone.now()
    asc = adult_services_agency()

    grown_up = Transition.objects.filter(
        status=TransitionStatus.PLANNING, eighteenth_birthday__lte=today
    )
    if person_ids is not None:
        grown_up = grown_up.filter(person_id__in=person_ids)
    report.turned_18 = grown_up.update(
        status=TransitionStatus.ADULT, turned_18_on=F("eighteenth_birthday")
    )
    if asc is not None:
        unasked = Transition.objects.filter(
            status=TransitionStatus.PLANNING, adult_services__isnull=True
        )
        if person_ids is not None:
            unasked = unasked.filter(person_id__in=person_ids)
        report.asked_adult_services = unasked.update(adult_services=asc, asked_at=now)

    # Everyone whose 18th birthday may fall in the next six months (a little wide; the exact
    # test, with the 29 February rule, runs below on this small set).
    youngest = _years_before(today + timedelta(days=190), ADULT_AGE)
    oldest = _years_before(today, ADULT_AGE) - timedelta(days=3)
    open_case = Case.objects.filter(person=OuterRef("pk"), status=CaseStatus.OPEN).order_by(
        "opened_at", "pk"
    )
    candidates = (
        Person.objects.filter(
            merged_into__isnull=True,
            date_of_birth__gt=oldest,
            date_of_birth__lte=youngest,
        )
        .annotate(
            open_case_id=Subquery(open_case.values("pk")[:1]),
            level_flags=Exists(
                ScreeningStatus.objects.filter(person=OuterRef("pk"), flags_transition=True)
            ),
            has_transition=Exists(Transition.objects.filter(person=OuterRef("pk"))),
        )
        .filter(Q(open_case_id__isnull=False) | Q(level_flags=True), has_transition=False)
    )
    if person_ids is not None:
        candidates = candidates.filter(pk__in=person_ids)
    new = []
    for pk, dob, case_id, level_flags in candidates.values_list(
        "pk", "date_of_birth", "open_case_id", "level_flags"
    ):
        if dob is None or not in_planning_window(dob, today):
            continue
        eighteenth = eighteenth_birthday(dob)
        reasons = (["open_case"] if case_id else []) + (["level"] if level_flags else [])
        new.append(
            Transition(
                person_id=pk,
                case_id=case_id,
                eighteenth_birthday=eighteenth,
                planning_from=planning_from(eighteenth),
                flagged_on=today,
                reasons=reasons,
                adult_services=asc,
                asked_at=now if asc is not None else None,
            )
        )
    Transition.objects.bulk_create(new, batch_size=2000)
    report.flagged = len(new)
    report.flagged_people = [t.person_id for t in new]
    return report


@dataclass
class NightlyReport:
    today: date
    first_screenings_due: int = 0
    brought_forward: int = 0
    due_within_14_days: int = 0
    overdue: int = 0
    transitions_flagged: int = 0
    transitions_turned_18: int = 0
    adult_services_asked: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["today"] = self.today.isoformat()
        return data


def _specs_in_use() -> dict[str, InstrumentDef]:
    return {
        instrument.audience: instrument.current_version.spec
        for instrument in Instrument.objects.filter(in_use=True).select_related("current_version")
        if instrument.current_version is not None
    }


def _first_screenings(today: date, specs: dict[str, InstrumentDef]) -> int:
    """People with an open case and no screening status yet become due for a first one."""
    opened = Case.objects.filter(person=OuterRef("pk"), status=CaseStatus.OPEN).order_by(
        "opened_at"
    )
    rows = (
        Person.objects.filter(merged_into__isnull=True)
        .annotate(first_opened=Subquery(opened.values("opened_at")[:1]))
        .filter(first_opened__isnull=False)
        .exclude(Exists(ScreeningStatus.objects.filter(person=OuterRef("pk"))))
        .values_list("pk", "date_of_birth", "first_opened")
    )
    adult_born_by = _years_before(today, ADULT_AGE)
    statuses = []
    for pk, dob, opened_at in rows:
        audience = (
            Audience.ADULTS if dob is not None and dob <= adult_born_by else Audience.CHILDREN
        )
        spec = specs.get(audience)
        days = spec.first_screening_within_days if spec else DEFAULT_FIRST_SCREENING_DAYS
        opened_on = timezone.localdate(opened_at) if isinstance(opened_at, datetime) else today
        statuses.append(
            ScreeningStatus(
                person_id=pk,
                next_due_on=opened_on + timedelta(days=days),
                due_reason=DueReason.FIRST,
            )
        )
    ScreeningStatus.objects.bulk_create(statuses, batch_size=2000)
    return len(statuses)


def _bring_forward(today: date, specs: dict[str, InstrumentDef]) -> int:
    """New significant information since the latest screening brings the next one to today."""
    count = 0
    for audience, spec in specs.items():
        newer = ChronologyEntry.objects.filter(
            person_id=OuterRef("person_id"),
            significance__in=sorted(spec.new_information_significance),
            recorded_at__gt=OuterRef("latest_screening__recorded_at"),
        )
        count += (
            ScreeningStatus.objects.filter(
                latest_screening__isnull=False,
                latest_screening__audience=audience,
                new_information_since__isnull=True,
            )
            .filter(Exists(newer))
            .update(
                new_information_since=today,
                due_reason=DueReason.NEW_INFORMATION,
                next_due_on=Least(F("next_due_on"), Value(today)),
            )
        )
    return count


def nightly(
    *, today: date | None = None, channel: str = "task", actor: Actor | None = None
) -> NightlyReport:
    """Recompute what is due: first screenings for open cases, re-screens brought forward by
    new information, and transitions at 18. One audit entry records what it did.

    It acts as :data:`SCREENING_SERVICE` (or ``actor``), checked by the screening rule like
    anyone else: a refusal is audited and raised before anything changes.
    """
    actor = actor or system.service_actor(SCREENING_SERVICE, channel=channel)
    access.check(
        actor,
        screening_access.may_screen(actor),
        "recompute who is due a screening",
        object_type=ObjectType.SCREENING_STATUS,
    )
    started = time.perf_counter()
    today = today or timezone.localdate()
    report = NightlyReport(today=today)
    with transaction.atomic():
        specs = _specs_in_use()
        report.first_screenings_due = _first_screenings(today, specs)
        report.brought_forward = _bring_forward(today, specs)
        transitions = refresh_transitions(today=today)
        report.transitions_flagged = transitions.flagged
        report.transitions_turned_18 = transitions.turned_18
        report.adult_services_asked = transitions.asked_adult_services
        report.overdue = ScreeningStatus.objects.filter(next_due_on__lt=today).count()
        report.due_within_14_days = ScreeningStatus.objects.filter(
            next_due_on__gte=today, next_due_on__lte=today + timedelta(days=14)
        ).count()
        report.seconds = round(time.perf_counter() - started, 3)
        audit.record(
            actor,
            Event.SCREENING_NIGHTLY_FINISHED,
            purpose=SCREENING_SERVICE.purpose,
            detail=report.as_dict(),
        )
    return report

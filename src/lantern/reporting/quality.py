"""Data-quality counts for the hub's managers: each one a count of work to fix, with a link
to the page that fixes it where the manager may open it. Counts only; no names.

Registered with :mod:`lantern.core.figures` (``register_quality_check``) so other apps add
theirs: people without a planned contact belongs to the support app, open actions without an
owner to the actions app.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from lantern.agencies.models import AgencyKind
from lantern.cases.models import ChronologyEntry
from lantern.core.access import Actor
from lantern.core.figures import QualityCheck, QualityCount
from lantern.linkage.access import may_review_links
from lantern.linkage.models import CandidatePair, PairStatus
from lantern.people.models import Person
from lantern.screening.access import may_see_screening_work
from lantern.screening.models import ScreeningStatus


def missing_dates_of_birth(actor: Actor) -> QualityCount:
    count = Person.objects.filter(date_of_birth__isnull=True, merged_into__isnull=True).count()
    return QualityCount(
        key="missing_dob",
        label="People without a date of birth",
        count=count,
        hint="No work list yet: add the date on the person's record when an agency knows it.",
    )


def pairs_waiting(actor: Actor) -> QualityCount:
    count = CandidatePair.objects.filter(status=PairStatus.PENDING).count()
    return QualityCount(
        key="linkage_pairs",
        label="Record linkage pairs waiting for review",
        count=count,
        url=reverse("linkage:queue") if may_review_links(actor) else "",
    )


def entries_without_source(actor: Actor) -> QualityCount:
    count = ChronologyEntry.objects.filter(source_agency__kind=AgencyKind.HUB).count()
    return QualityCount(
        key="chronology_without_source",
        label="Chronology entries that do not say which agency it came from",
        count=count,
        hint="Entries recorded as the hub's own: the agency that first knew is not named.",
    )


def overdue_screenings(actor: Actor) -> QualityCount:
    count = ScreeningStatus.objects.filter(next_due_on__lt=timezone.localdate()).count()
    return QualityCount(
        key="overdue_screenings",
        label="Screenings overdue",
        count=count,
        url=reverse("screening:due") + "?scope=all" if may_see_screening_work(actor) else "",
    )


CHECKS: dict[str, QualityCheck] = {
    "missing dates of birth": missing_dates_of_birth,
    "linkage pairs waiting": pairs_waiting,
    "chronology without source": entries_without_source,
    "overdue screenings": overdue_screenings,
}

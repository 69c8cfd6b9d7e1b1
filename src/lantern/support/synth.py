"""Synthetic support histories for the demo city and the benchmark (everything here is made
up): key workers (and changes of them), contacts, the person's own words, consent (some
withdrawn), outcome measures, closures of the closed cases with follow-ups (the older ones
done), and NRM journeys for a few people. Run after ``build_city``. Rows are bulk-inserted
through each app's loader: no audit entry per row, one system entry for the batch.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from lantern.agencies.models import Agency, AgencyKind
from lantern.cases import closure as closure_rules
from lantern.cases import services as case_services
from lantern.cases.models import Case, CaseClosure, CaseStatus, FollowUp
from lantern.core import audit, system
from lantern.core.access import CASEWORK_ROLES
from lantern.core.events import Event
from lantern.core.normalisers import age_on
from lantern.people.models import ADULT_AGE
from lantern.support.models import (
    ConsentRecord,
    Contact,
    KeyWorkerAssignment,
    NrmJourney,
    OutcomeMeasure,
    VoiceEntry,
)
from lantern.support.rules import contact_types, nrm_rules, outcome_scales
from lantern.support.services import support_bulk_insert
from lantern.synth.generator import SYNTH_SERVICE

NOTES = [
    "Met at the café near college; talked about keeping safe at night.",
    "Phoned to check in; she said things are calmer at home.",
    "Home visit with the social worker; talked about the new placement.",
    "Went with her to the sexual health clinic appointment.",
    "Did not come to the planned meeting; text sent, replied later.",
    "Talked through the safety plan and who to call.",
    "He wanted to talk about the court date; explained what happens.",
]
WORDS = [
    ("wish", "I want to go back to college and finish my course."),
    ("wish", "I want a worker who doesn't keep changing."),
    ("feeling", "I feel like nobody believed me before."),
    ("feeling", "I'm scared when they turn up outside the flat."),
    ("outcome", "To have my own place where they can't find me."),
    ("outcome", "To get my phone and bank card back in my own name."),
]
CHANGE_REASONS = [
    "Worker moved to another team.",
    "The person asked for a worker she already trusts.",
    "Caseload rebalanced after a new allocation.",
]
PLANS = [
    "Stepped down to the school's designated safeguarding lead, who sees her weekly; the "
    "hub checks in at each follow-up and she has the hub's number.",
    "Adult social care keeps the care and support plan; the voluntary-sector worker stays "
    "in touch by phone; any new concern comes straight back to the hub.",
]


@dataclass
class SupportSynthReport:
    people: int = 0
    contacts: int = 0
    closures: int = 0
    journeys: int = 0


def _next_pk(model: type[models.Model]) -> int:
    return int(model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=UTC)


def add_support_histories(  # noqa: C901, PLR0912, PLR0915 - one generator, step by step
    *, seed: int = 1, today: date | None = None, share: float = 0.6
) -> SupportSynthReport:
    """Support histories for a share of the people with a case, and closures for every
    closed case that has none."""
    rng = random.Random(seed * 7_919 + 3)  # noqa: S311 - synthetic data, not security  # nosec B311
    today = today or timezone.localdate()
    report = SupportSynthReport()
    hub = Agency.objects.filter(kind=AgencyKind.HUB).order_by("pk").first()
    if hub is None:
        return report
    workers = list(
        get_user_model()
        .objects.filter(memberships__agency=hub, memberships__role__in=sorted(CASEWORK_ROLES))
        .values_list("pk", flat=True)
        .distinct()
    )
    if not workers:
        return report
    agencies = list(Agency.objects.order_by("pk").values_list("pk", "kind"))
    responders = [pk for pk, kind in agencies if kind in nrm_rules().first_responder_kinds]
    types = [t.code for t in contact_types().terms]
    scales = outcome_scales()
    cases = list(
        Case.objects.filter(closures__isnull=True)
        .order_by("person_id", "opened_at")
        .values_list("pk", "person_id", "status", "opened_at", "closed_at", "person__date_of_birth")
    )
    pks: dict[type[models.Model], int] = {
        m: _next_pk(m)
        for m in (KeyWorkerAssignment, Contact, VoiceEntry, ConsentRecord, CaseClosure)
    }
    rows: dict[type[models.Model], list[models.Model]] = {}

    def add(obj: models.Model) -> None:
        rows.setdefault(type(obj), []).append(obj)

    def take(model: type[models.Model]) -> int:
        pks[model] += 1
        return pks[model] - 1

    seen: set[int] = set()
    for case_pk, person_id, status, opened_at, closed_at, dob in cases:
        start = opened_at.date()
        if status == CaseStatus.CLOSED:
            closed_on = (closed_at or opened_at).date()
            closure_pk = take(CaseClosure)
            add(
                CaseClosure(
                    pk=closure_pk,
                    case_id=case_pk,
                    reason=rng.choice(closure_rules.rules().reasons)[0],
                    step_down_plan=rng.choice(PLANS),
                    closed_by_id=rng.choice(workers),
                    closed_by_agency_id=hub.pk,
                    closed_at=_at(closed_on),
                )
            )
            for due_on, label in closure_rules.follow_up_dates(closed_on):
                done = due_on < today - timedelta(days=7) and rng.random() < 0.85
                add(
                    FollowUp(
                        closure_id=closure_pk,
                        case_id=case_pk,
                        due_on=due_on,
                        label=label,
                        done_on=due_on + timedelta(days=rng.randint(0, 5)) if done else None,
                        outcome="Checked in by phone; no new concerns." if done else "",
                        done_by_id=rng.choice(workers) if done else None,
                    )
                )
            report.closures += 1
        if person_id in seen or rng.random() > share:
            continue
        seen.add(person_id)
        report.people += 1
        end = closed_at.date() if closed_at and status == CaseStatus.CLOSED else today
        span = max((end - start).days, 14)
        # Key workers: usually one, sometimes two or three (continuity is measured).
        changes = rng.choices([0, 1, 2], weights=[70, 22, 8])[0]
        cut_days = sorted(rng.sample(range(7, span), changes)) if span > 14 + changes else []
        bounds = [start, *[start + timedelta(days=d) for d in cut_days]]
        chosen = rng.sample(workers, min(len(workers), len(bounds)))
        for index, (began, worker) in enumerate(zip(bounds, chosen, strict=False)):
            last = index == len(chosen) - 1
            ended = (
                None
                if last and status != CaseStatus.CLOSED
                else _at(bounds[index + 1] if not last else end)
            )
            add(
                KeyWorkerAssignment(
                    pk=take(KeyWorkerAssignment),
                    person_id=person_id,
                    worker_id=worker,
                    agency_id=hub.pk,
                    started_at=_at(began),
                    ended_at=ended,
                    reason="Allocated at the start of the case."
                    if index == 0
                    else rng.choice(CHANGE_REASONS),
                    assigned_by_id=chosen[0],
                )
            )
        # Contacts: roughly weekly to fortnightly, some unplanned, some missed.
        day = start + timedelta(days=rng.randint(1, 6))
        last_contact = None
        while day <= end:
            planned = rng.random() < 0.7
            attendance = "attended" if rng.random() < 0.8 else rng.choice(["missed", "cancelled"])
            contact = Contact(
                pk=take(Contact),
                person_id=person_id,
                occurred_on=day,
                contact_type=rng.choice(types),
                planned=planned,
                initiated_by="worker" if planned else rng.choice(["person", "agency", "family"]),
                attendance=attendance,
                note=rng.choice(NOTES),
                agency_id=hub.pk,
                recorded_by_id=chosen[-1],
                recorded_at=_at(day),
            )
            add(contact)
            last_contact = contact
            report.contacts += 1
            day += timedelta(days=rng.randint(5, 16))
        if last_contact is not None and status == CaseStatus.OPEN:
            last_contact.next_contact_on = last_contact.occurred_on + timedelta(
                days=rng.randint(7, 21)
            )
        for _ in range(rng.randint(1, 3)):
            kind, words = rng.choice(WORDS)
            said = start + timedelta(days=rng.randint(0, span))
            add(
                VoiceEntry(
                    pk=take(VoiceEntry),
                    person_id=person_id,
                    said_on=min(said, today),
                    kind=kind,
                    words=words,
                    agency_id=hub.pk,
                    recorded_by_id=chosen[-1],
                )
            )
        if rng.random() < 0.6:
            given = start + timedelta(days=rng.randint(0, 30))
            consent_pk = take(ConsentRecord)
            withdrawn = rng.random() < 0.15
            add(
                ConsentRecord(
                    pk=consent_pk,
                    person_id=person_id,
                    given_on=min(given, today),
                    what="Health and education information, for safety planning",
                    recorded_by_id=chosen[0],
                    withdrawn_on=min(given + timedelta(days=60), today) if withdrawn else None,
                    withdrawn_reason="Did not want the school told any more." if withdrawn else "",
                    withdrawn_by_id=chosen[-1] if withdrawn else None,
                )
            )
            for agency_pk, _kind in rng.sample(agencies, min(3, len(agencies))):
                add(
                    ConsentRecord.agencies.through(consentrecord_id=consent_pk, agency_id=agency_pk)
                )
        # Outcomes every three months or so, drifting up as support goes on.
        level = {s.code: rng.randint(scales.minimum + 1, scales.minimum + 4) for s in scales.scales}
        measured = start + timedelta(days=14)
        while measured <= end:
            for s in scales.scales:
                if rng.random() < 0.8:
                    level[s.code] = max(
                        scales.minimum,
                        min(scales.maximum, level[s.code] + rng.choice([-1, 0, 1, 1])),
                    )
                    add(
                        OutcomeMeasure(
                            person_id=person_id,
                            scale=s.code,
                            score=level[s.code],
                            measured_on=measured,
                            agency_id=hub.pk,
                            recorded_by_id=chosen[-1],
                        )
                    )
            measured += timedelta(days=rng.randint(75, 110))
        if responders and rng.random() < 0.06:
            child = dob is not None and age_on(dob, start) < ADULT_AGE
            consent = child or rng.random() < 0.6
            referred = start + timedelta(days=rng.randint(0, min(span, 60)))
            journey = NrmJourney(
                person_id=person_id,
                route="referral" if consent else "duty_to_notify",
                first_responder_id=rng.choice(responders),
                referred_on=min(referred, today),
                consent_given=consent and not child,
                child_at_referral=child,
                recorded_by_id=chosen[0],
            )
            rules = nrm_rules()
            rg_on = rules.reasonable_grounds_due(journey.referred_on)
            if journey.route == "referral" and rg_on <= today and rng.random() < 0.8:
                journey.reasonable_grounds = "positive" if rng.random() < 0.85 else "negative"
                journey.reasonable_grounds_on = rg_on
                if journey.reasonable_grounds == "positive":
                    journey.recovery_period_ends_on = rules.recovery_period_end(rg_on)
                    cg_on = journey.recovery_period_ends_on + timedelta(days=rng.randint(20, 200))
                    if cg_on <= today:
                        journey.conclusive_grounds = "positive"
                        journey.conclusive_grounds_on = cg_on
            add(journey)
            report.journeys += 1
    with transaction.atomic():
        case_services.closures_bulk_insert(
            [r for r in rows.pop(CaseClosure, []) if isinstance(r, CaseClosure)],
            [r for r in rows.pop(FollowUp, []) if isinstance(r, FollowUp)],
        )
        for model in (
            KeyWorkerAssignment,
            Contact,
            VoiceEntry,
            ConsentRecord,
            ConsentRecord.agencies.through,
            OutcomeMeasure,
            NrmJourney,
        ):
            support_bulk_insert(model, rows.pop(model, []))
        _reset_sequences()
        audit.record(
            system.service_actor(SYNTH_SERVICE, channel="cli"),
            Event.SYNTHETIC_SUPPORT_BUILT,
            purpose=SYNTH_SERVICE.purpose,
            detail={
                "seed": seed,
                "people": report.people,
                "contacts": report.contacts,
                "closures": report.closures,
                "journeys": report.journeys,
            },
        )
    return report


def _reset_sequences() -> None:
    """Rows were loaded with explicit keys; PostgreSQL's sequences must move past them."""
    if connection.vendor != "postgresql":
        return
    explicit = [KeyWorkerAssignment, Contact, VoiceEntry, ConsentRecord, CaseClosure]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), explicit):
            cursor.execute(sql)

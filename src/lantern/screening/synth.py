"""Synthetic screenings for the demo city and the benchmark (everything here is made up).

Kept apart from :mod:`lantern.synth.generator`: run it after ``build_city``. People with an
open case get one to four screenings over the past year and a half, answered at random with
each person's own propensity, scored by the instrument's real rules, and sometimes judged a
level higher than computed (with a reason). Rows are bulk-inserted: no audit entry per row,
one system entry for the batch.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from lantern.agencies.models import Agency, AgencyKind
from lantern.cases.models import Case, CaseStatus
from lantern.core import audit, system
from lantern.core.access import Role
from lantern.core.events import Event
from lantern.core.normalisers import age_on
from lantern.people.models import ADULT_AGE
from lantern.screening.instruments import PRESENT, Answer, InstrumentDef, compute_level
from lantern.screening.jobs import NightlyReport, nightly
from lantern.screening.models import (
    Audience,
    CapacityAssessment,
    CapacityOutcome,
    DueReason,
    Instrument,
    InstrumentVersion,
    Screening,
    ScreeningAnswer,
    ScreeningStatus,
)
from lantern.synth.generator import SYNTH_SERVICE

BATCH = 2000

PERSON_WORDS = [
    "I just want to feel safe at home and for people to stop ringing me.",
    "He said I owe him. I don't know how much any more.",
    "I want to keep my flat and not have them round.",
    "I'm fine. I don't need anyone checking on me.",
    "I want to see my sister more and get back to college.",
]
CHILD_WORDS = [
    "They're my mates. They look after me.",
    "I don't want to go home. I can stay at theirs.",
    "I just want everyone to stop asking me questions.",
]
OUTCOMES = [
    "To stay in her own flat without other people using it.",
    "To be able to say no without being threatened.",
    "To have a worker she trusts and sees every week.",
    "Help to manage money so that no one else holds her bank card.",
]
JUDGEMENT_REASONS = [
    "The pattern across agencies is more concerning than the score shows: contact with the "
    "same older men has been reported by three agencies in two months.",
    "Recent disclosure to the school nurse; waiting for the police to confirm details.",
]


@dataclass
class ScreeningSynthReport:
    screenings: int = 0
    answers: int = 0
    people: int = 0
    nightly: NightlyReport | None = None


def _specs() -> dict[str, InstrumentVersion]:
    return {
        i.audience: i.current_version
        for i in Instrument.objects.filter(in_use=True).select_related("current_version")
        if i.current_version is not None
    }


def _answers(rng: random.Random, spec: InstrumentDef, on: date, propensity: float) -> list[Answer]:
    out = []
    for code, indicator in spec.indicators.items():
        roll = rng.random()
        if roll < propensity:
            seen = on - timedelta(days=rng.choice([rng.randint(0, 180), rng.randint(0, 400)]))
            out.append(
                Answer(
                    code,
                    PRESENT,
                    seen if rng.random() < 0.85 else None,
                    f"{indicator.label}: recorded by partner agencies and checked with the "
                    "lead professional.",
                )
            )
        elif roll < propensity + 0.55:
            out.append(Answer(code, "absent"))
        else:
            out.append(Answer(code, "unknown"))
    return out


def add_screenings(  # noqa: C901, PLR0915 - one generator, step by step
    *,
    seed: int = 1,
    today: date | None = None,
    share: float = 0.7,
    with_answers: bool = True,
    run_nightly: bool = True,
) -> ScreeningSynthReport:
    """Screen a share of the people with an open case; then run the nightly job."""
    rng = random.Random(seed * 104_729 + 7)  # noqa: S311 - synthetic data, not security  # nosec B311
    today = today or timezone.localdate()
    report = ScreeningSynthReport()
    versions = _specs()
    if not versions:
        return report
    hub = Agency.objects.filter(kind=AgencyKind.HUB).order_by("pk").first()
    if hub is None:
        return report
    screeners = list(
        get_user_model()
        .objects.filter(
            memberships__agency=hub, memberships__role__in=[Role.PRACTITIONER, Role.MANAGER]
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    if not screeners:
        return report
    rows = (
        Case.objects.filter(status=CaseStatus.OPEN, person__screening_status__isnull=True)
        .order_by("person_id", "opened_at")
        .values_list(
            "pk", "person_id", "person__date_of_birth", "opened_at", "lead_professional_id"
        )
    )
    seen: set[int] = set()
    pending: list[tuple[Screening, list[Answer]]] = []
    latest: dict[int, Screening] = {}
    capacity: list[CapacityAssessment] = []

    def flush() -> None:
        if not pending:
            return
        made = Screening.objects.bulk_create([s for s, _ in pending], batch_size=BATCH)
        if with_answers:
            answers = []
            for screening, given in zip(made, (a for _, a in pending), strict=True):
                spec = versions[screening.audience].spec
                for answer in given:
                    indicator = spec.indicators[answer.indicator]
                    present = answer.answer == PRESENT
                    band = spec.band_for(answer.last_observed, screening.screened_on)
                    answers.append(
                        ScreeningAnswer(
                            screening=screening,
                            indicator=answer.indicator,
                            theme=indicator.theme,
                            answer=answer.answer,
                            evidence=answer.evidence,
                            last_observed=answer.last_observed,
                            band=band if present else "",
                            weight=int(indicator.weights.get(band, 0)) if present else 0,
                            restricted_category=indicator.restricted_category,
                        )
                    )
            ScreeningAnswer.objects.bulk_create(answers, batch_size=BATCH)
            report.answers += len(answers)
        for screening in made:
            latest[screening.person_id] = screening
        report.screenings += len(made)
        pending.clear()

    for case_id, person_id, dob, opened_at, lead_id in rows.iterator(chunk_size=BATCH):
        if person_id in seen or rng.random() > share:
            continue
        seen.add(person_id)
        propensity = rng.choice([0.03, 0.08, 0.15, 0.25])
        opened = timezone.localdate(opened_at)
        count = rng.randint(1, 4)
        first = max(opened, today - timedelta(days=540))
        days = sorted(
            {
                first + timedelta(days=rng.randint(0, max((today - first).days, 0)))
                for _ in range(count)
            }
        )
        recent = today - timedelta(days=rng.randint(0, 40))
        if rng.random() < 0.75 and recent >= first and recent > days[-1]:
            days[-1] = recent  # most people were screened lately; some are overdue
        for on in days:
            audience = (
                Audience.ADULTS
                if dob is not None and on >= dob and age_on(dob, on) >= ADULT_AGE
                else Audience.CHILDREN
            )
            version = versions.get(audience)
            if version is None:
                continue
            spec = version.spec
            given = _answers(rng, spec, on, propensity)
            computed = compute_level(spec, given, on)
            level = computed.level
            reason = ""
            if rng.random() < 0.1 and level.rank + 1 < len(spec.levels):
                level = spec.levels[level.rank + 1]
                reason = rng.choice(JUDGEMENT_REASONS)
            adult = audience == Audience.ADULTS
            screening = Screening(
                person_id=person_id,
                case_id=case_id,
                instrument_version=version,
                audience=audience,
                screened_on=on,
                age_at_screening=age_on(dob, on) if dob is not None and on >= dob else None,
                screened_by_id=rng.choice([lead_id, *screeners]),
                agency=hub,
                recorded_at=datetime.combine(on, time(rng.randint(9, 17)), tzinfo=UTC),
                computed_level=computed.level.code,
                computed_label=computed.level.label,
                computed_rank=computed.level.rank,
                computed_score=computed.score,
                computed_reasons=[r.as_dict() for r in computed.reasons],
                level=level.code,
                level_label=level.label,
                level_rank=level.rank,
                judgement_reason=reason,
                person_words=rng.choice(PERSON_WORDS)
                if adult
                else (rng.choice(CHILD_WORDS) if rng.random() < 0.4 else ""),
                desired_outcomes=rng.choice(OUTCOMES) if adult else "",
                next_due_on=on + timedelta(days=level.rescreen_days),
                flags_transition=level.flags_transition,
            )
            pending.append((screening, given))
            if adult and spec.capacity_decisions and rng.random() < 0.3:
                decision = rng.choice(spec.capacity_decisions)
                capacity.append(
                    CapacityAssessment(
                        person_id=person_id,
                        decision=decision.code,
                        decision_label=decision.label,
                        decision_detail="a named person of concern"
                        if decision.needs_detail
                        else "",
                        assessed_on=on,
                        assessor="Adult social worker, Northwick Adult Social Care",
                        outcome=rng.choice(CapacityOutcome.values),
                        recorded_by_id=lead_id,
                        agency=hub,
                    )
                )
        if len(pending) >= BATCH:
            flush()

    with transaction.atomic():
        flush()
        CapacityAssessment.objects.bulk_create(capacity, batch_size=BATCH)
        statuses = [
            ScreeningStatus(
                person_id=person_id,
                latest_screening=s,
                level=s.level,
                level_label=s.level_label,
                level_rank=s.level_rank,
                last_screened_on=s.screened_on,
                next_due_on=s.next_due_on,
                due_reason=DueReason.SCHEDULED,
                flags_transition=s.flags_transition,
            )
            for person_id, s in latest.items()
        ]
        ScreeningStatus.objects.bulk_create(statuses, batch_size=BATCH)
        report.people = len(statuses)
        detail: dict[str, Any] = {
            "seed": seed,
            "screenings": report.screenings,
            "people": report.people,
        }
        audit.record(
            system.service_actor(SYNTH_SERVICE, channel="cli"),
            Event.SYNTHETIC_SCREENINGS_BUILT,
            purpose=SYNTH_SERVICE.purpose,
            detail=detail,
        )
    if run_nightly:
        report.nightly = nightly(today=today, channel="cli")
    return report

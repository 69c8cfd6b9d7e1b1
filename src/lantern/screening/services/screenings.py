"""Screenings: recording one (answers, the computed level and the practitioner's judgement,
capacity, the person's own words), and the status that follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from lantern.cases import access as cases_access
from lantern.core import audit
from lantern.core.access import Actor
from lantern.core.errors import InvalidError
from lantern.core.events import Event
from lantern.core.limits import MAX_TEXT
from lantern.people.models import Person
from lantern.referrals import access as referrals_access
from lantern.screening import access as screening_access
from lantern.screening import jobs
from lantern.screening.instruments import (
    PRESENT,
    Answer,
    Computed,
    InstrumentDef,
    Level,
    compute_level,
)
from lantern.screening.models import (
    AnswerChoice,
    CapacityAssessment,
    CapacityOutcome,
    DueReason,
    InstrumentVersion,
    Screening,
    ScreeningAnswer,
    ScreeningStatus,
    ScreeningSuggestion,
    SuggestionDecision,
)
from lantern.screening.suggest import suggested

if TYPE_CHECKING:
    from lantern.cases.models import Case
    from lantern.referrals.models import Referral
from lantern.screening.services.instruments import instrument_for


@dataclass(frozen=True)
class CapacityInput:
    decision: str
    assessed_on: date
    assessor: str
    outcome: str
    decision_detail: str = ""
    notes: str = ""


def _check_subject(
    actor: Actor, person: Person, case: Case | None, referral: Referral | None
) -> None:
    screening_access.require_screen(actor, person)
    if case is not None:
        cases_access.require_case(actor, case)
        if case.person_id != person.pk:
            raise InvalidError({"case": "That case is about someone else"})
    if referral is not None:
        referrals_access.require_referral(actor, referral)
        if referral.person_id != person.pk:
            raise InvalidError({"referral": "That referral is about someone else"})


def _validate_answers(
    version: InstrumentVersion, answers: Sequence[Answer], person: Person, today: date
) -> dict[str, str]:
    spec = version.spec
    errors: dict[str, str] = {}
    given: dict[str, Answer] = {}
    for answer in answers:
        if answer.indicator not in spec.indicators:
            errors["answers"] = f"'{answer.indicator}' is not an indicator of {spec.name}"
        elif answer.indicator in given:
            errors["answers"] = f"'{answer.indicator}' is answered twice"
        given[answer.indicator] = answer
    for code, indicator in spec.indicators.items():
        found = given.get(code)
        if found is None or found.answer not in AnswerChoice.values:
            errors[f"answer_{code}"] = (
                f"Select present, not present or not known: {indicator.label}"
            )
            continue
        answer = found
        if len(answer.evidence) > MAX_TEXT:
            errors[f"evidence_{code}"] = f"Write no more than {MAX_TEXT:,} characters"
        if answer.answer == PRESENT and not answer.evidence.strip():
            errors[f"evidence_{code}"] = (
                f"Say what was seen or said, and by whom: {indicator.label}"
            )
        observed = answer.last_observed
        if observed is not None and observed > today:
            errors[f"observed_{code}"] = "The date it was last seen must be today or in the past"
        elif observed is not None and person.date_of_birth and observed < person.date_of_birth:
            errors[f"observed_{code}"] = "The date it was last seen is before the date of birth"
    return errors


def _validate_capacity(
    version: InstrumentVersion, rows: Sequence[CapacityInput], today: date
) -> dict[str, str]:
    spec = version.spec
    errors: dict[str, str] = {}
    if rows and not spec.capacity_decisions:
        errors["capacity"] = f"{spec.name} does not record capacity assessments"
        return errors
    for index, row in enumerate(rows, start=1):
        decision = spec.capacity_decision(row.decision)
        problems = []
        if decision is None:
            problems.append("select the decision the assessment was about")
        elif decision.needs_detail and not row.decision_detail.strip():
            problems.append(f"say which ({decision.label.lower()})")
        if row.assessed_on > today:
            problems.append("the date of the assessment must be today or in the past")
        if not row.assessor.strip():
            problems.append("say who assessed capacity, and their role")
        if row.outcome not in CapacityOutcome.values:
            problems.append("select the outcome")
        if problems:
            errors["capacity"] = f"Capacity assessment {index}: " + "; ".join(problems)
    return errors


def _validate_judgement(
    errors: dict[str, str],
    *,
    spec: InstrumentDef,
    computed: Computed,
    level: str,
    judgement_reason: str,
    person_words: str,
    desired_outcomes: str,
) -> Level | None:
    """The chosen level (adding to ``errors`` what is wrong with the judgement part)."""
    chosen = next((lv for lv in spec.levels if lv.code == level), None)
    if chosen is None:
        errors["level"] = "Select your professional judgement of the level"
    elif chosen.code != computed.level.code and not judgement_reason.strip():
        errors["judgement_reason"] = (
            f"The instrument's rules give '{computed.level.label}'. Say why your judgement "
            f"is '{chosen.label}'"
        )
    if len(judgement_reason) > MAX_TEXT:
        errors["judgement_reason"] = f"Write no more than {MAX_TEXT:,} characters"
    if spec.making_safeguarding_personal:
        if not person_words.strip():
            errors["person_words"] = (
                "Record what the person said, in their own words (or why they could not be asked)"
            )
        if not desired_outcomes.strip():
            errors["desired_outcomes"] = "Record the outcomes the person wants"
    for name, value in (("person_words", person_words), ("desired_outcomes", desired_outcomes)):
        if len(value) > MAX_TEXT:
            errors[name] = f"Write no more than {MAX_TEXT:,} characters"
    return chosen


def screening_record(
    *,
    actor: Actor,
    person: Person,
    instrument_version: InstrumentVersion,
    answers: Sequence[Answer],
    level: str,
    judgement_reason: str = "",
    person_words: str = "",
    desired_outcomes: str = "",
    capacity: Sequence[CapacityInput] = (),
    case: Case | None = None,
    referral: Referral | None = None,
    audience: str = "",
) -> Screening:
    """Record a screening: every indicator answered, the computed level with its reasons,
    and the practitioner's professional judgement (with a reason where it differs).

    The instrument is chosen by the person's age on the screening date; the form must have
    been filled in against that version. Suggestions are worked out again here, from what
    the screener may read, and kept with the practitioner's decision on each: confirmed if
    they marked the indicator present, not confirmed otherwise. Nothing is marked present
    without the practitioner's answer.
    """
    _check_subject(actor, person, case, referral)
    today = timezone.localdate()
    expected = instrument_for(person, today, audience=audience)
    if expected is None:
        raise InvalidError(
            "No screening instrument is in use; ask the administrator to load one"
        )
    if expected.pk != instrument_version.pk:
        raise InvalidError(
            {
                "instrument_version": (
                    f"This screening must use {expected.name}, version {expected.version} "
                    "(the instrument in use for the person's age today). Check the answers "
                    "against it and save again."
                )
            }
        )
    spec = instrument_version.spec
    errors = _validate_answers(instrument_version, answers, person, today)
    errors.update(_validate_capacity(instrument_version, capacity, today))
    computed = compute_level(spec, answers, today)
    chosen = _validate_judgement(
        errors,
        spec=spec,
        computed=computed,
        level=level,
        judgement_reason=judgement_reason,
        person_words=person_words,
        desired_outcomes=desired_outcomes,
    )
    if errors:
        raise InvalidError(errors)
    assert chosen is not None  # noqa: S101 - checked above  # nosec B101

    by_indicator = {a.indicator: a for a in answers}
    suggestions = suggested(actor, person.pk, spec, today)
    inherited = {
        s.indicator: s.restricted_category
        for s in suggestions
        if s.restricted_category and by_indicator[s.indicator].answer == PRESENT
    }
    weights = {r.indicator: r for r in computed.reasons}
    with transaction.atomic():
        screening = Screening.objects.create(
            person=person,
            case=case,
            referral=referral,
            instrument_version=instrument_version,
            audience=spec.audience,
            screened_on=today,
            age_at_screening=person.age(today),
            screened_by=actor.user,
            agency=actor.agency,
            computed_level=computed.level.code,
            computed_label=computed.level.label,
            computed_rank=computed.level.rank,
            computed_score=computed.score,
            computed_reasons=[r.as_dict() for r in computed.reasons],
            level=chosen.code,
            level_label=chosen.label,
            level_rank=chosen.rank,
            judgement_reason=judgement_reason.strip(),
            person_words=person_words.strip(),
            desired_outcomes=desired_outcomes.strip(),
            next_due_on=today + timedelta(days=chosen.rescreen_days),
            flags_transition=chosen.flags_transition,
        )
        ScreeningAnswer.objects.bulk_create(
            [
                ScreeningAnswer(
                    screening=screening,
                    indicator=indicator.code,
                    theme=indicator.theme,
                    answer=by_indicator[indicator.code].answer,
                    evidence=by_indicator[indicator.code].evidence.strip(),
                    last_observed=by_indicator[indicator.code].last_observed,
                    band=spec.band_for(by_indicator[indicator.code].last_observed, today)
                    if by_indicator[indicator.code].answer == PRESENT
                    else "",
                    weight=weights[indicator.code].weight if indicator.code in weights else 0,
                    restricted_category=indicator.restricted_category
                    or inherited.get(indicator.code, ""),
                )
                for indicator in spec.indicators.values()
            ]
        )
        ScreeningSuggestion.objects.bulk_create(
            [
                ScreeningSuggestion(
                    screening=screening,
                    rule=s.match.rule.code,
                    indicator=s.indicator,
                    label=s.match.rule.label,
                    entry_ids=list(s.match.entry_ids),
                    latest_on=s.match.latest_on,
                    decision=SuggestionDecision.CONFIRMED
                    if by_indicator[s.indicator].answer == PRESENT
                    else SuggestionDecision.REJECTED,
                    restricted_category=s.restricted_category,
                )
                for s in suggestions
            ]
        )
        for row in capacity:
            decision = spec.capacity_decision(row.decision)
            assert decision is not None  # noqa: S101 - validated above  # nosec B101
            CapacityAssessment.objects.create(
                person=person,
                screening=screening,
                decision=decision.code,
                decision_label=decision.label,
                decision_detail=row.decision_detail.strip(),
                assessed_on=row.assessed_on,
                assessor=row.assessor.strip(),
                outcome=row.outcome,
                notes=row.notes.strip(),
                recorded_by=actor.user,
                agency=actor.agency,
            )
        ScreeningStatus.objects.update_or_create(
            person=person,
            defaults={
                "latest_screening": screening,
                "level": chosen.code,
                "level_label": chosen.label,
                "level_rank": chosen.rank,
                "last_screened_on": today,
                "next_due_on": screening.next_due_on,
                "due_reason": DueReason.SCHEDULED,
                "new_information_since": None,
                "flags_transition": chosen.flags_transition,
            },
        )
        flagged = jobs.refresh_transitions(today=today, person_ids=[person.pk])
        audit.record(
            actor,
            Event.SCREENING_RECORDED,
            object_id=screening.pk,
            person_id=person.pk,
            detail={
                "instrument": spec.code,
                "version": spec.version,
                "computed": computed.level.code,
                "score": computed.score,
                "judgement": chosen.code,
                "suggestions": {s.match.rule.code: s.indicator for s in suggestions},
                "capacity_assessments": len(capacity),
                "transition_flagged": flagged.flagged,
            },
        )
    return screening

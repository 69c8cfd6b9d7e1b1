"""Recording a screening: every indicator answered, the computed level with its reasons, the
practitioner's judgement, suggestions decided by a person, adults' instrument and capacity."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from lantern.cases.models import Case
from lantern.core.access import AccessRefused
from lantern.core.models import AuditAction, AuditEvent
from lantern.screening import services
from lantern.screening.instruments import PRESENT, Answer
from lantern.screening.models import (
    CapacityAssessment,
    Screening,
    ScreeningStatus,
    SuggestionDecision,
)
from tests.conftest import Partnership

from .conftest import TODAY, adults_version, answers, children_version, open_case, years_ago


def _record(p: Partnership, case: Case, **kwargs: Any) -> Screening:
    version = kwargs.pop("instrument_version", None) or services.instrument_for(case.person, TODAY)
    assert version is not None
    values: dict[str, Any] = {
        "actor": p.practitioner,
        "person": case.person,
        "case": case,
        "instrument_version": version,
        "answers": answers(version.spec),
        "level": version.spec.lowest.code,
    }
    values.update(kwargs)
    return services.screening_record(**values)


def test_a_screening_keeps_the_computed_level_its_reasons_and_the_judgement(
    partnership: Partnership, child_case: Case
) -> None:
    spec = children_version().spec
    given = answers(spec, present=["missing_from_home", "person_of_concern", "unexplained_items"])
    screening = _record(
        partnership,
        child_case,
        answers=given,
        level="serious",
        judgement_reason="Three agencies report the same car outside her school this month.",
    )
    assert (screening.computed_level, screening.computed_score) == ("significant", 9)
    assert screening.level == "serious"
    assert screening.judgement_differs
    assert [r["indicator"] for r in screening.computed_reasons] == [
        "person_of_concern",
        "missing_from_home",
        "unexplained_items",
    ]
    assert screening.answers.count() == len(spec.indicators)
    assert screening.answers.get(indicator="person_of_concern").weight == 4
    assert screening.next_due_on == TODAY + timedelta(days=spec.level("serious").rescreen_days)
    status = ScreeningStatus.objects.get(person=child_case.person)
    assert (status.level, status.latest_screening_id, status.next_due_on) == (
        "serious",
        screening.pk,
        screening.next_due_on,
    )
    event = AuditEvent.objects.filter(object_type="screening", object_id=str(screening.pk)).get()
    assert event.action == AuditAction.CREATE
    assert event.detail["computed"] == "significant"


def test_a_judgement_that_differs_needs_a_reason(
    partnership: Partnership, child_case: Case
) -> None:
    with pytest.raises(ValidationError) as refused:
        _record(partnership, child_case, level="at_risk")
    assert (
        "The instrument's rules give 'No current concern'"
        in refused.value.message_dict["judgement_reason"][0]
    )
    assert not Screening.objects.exists()


def test_every_indicator_must_be_answered_and_present_needs_evidence(
    partnership: Partnership, child_case: Case
) -> None:
    spec = children_version().spec
    given = answers(spec, present=["self_harm"])
    given = [a for a in given if a.indicator != "looked_after"]
    given = [
        Answer(a.indicator, a.answer, a.last_observed, "") if a.answer == PRESENT else a
        for a in given
    ]
    given.append(Answer("made_up", PRESENT, TODAY, "x"))
    with pytest.raises(ValidationError) as refused:
        _record(partnership, child_case, answers=given)
    errors = refused.value.message_dict
    assert "answer_looked_after" in errors
    assert "evidence_self_harm" in errors
    assert "'made_up' is not an indicator" in errors["answers"][0]
    future = [
        Answer(a.indicator, PRESENT, TODAY + timedelta(days=1), "x")
        if a.indicator == "self_harm"
        else a
        for a in answers(spec)
    ]
    with pytest.raises(ValidationError) as refused:
        _record(partnership, child_case, answers=future)
    assert "observed_self_harm" in refused.value.message_dict


def test_suggestions_are_recorded_with_the_practitioners_decision(
    partnership: Partnership, child_case: Case, add_entry: Any
) -> None:
    person = child_case.person
    for days in (2, 8, 15):
        add_entry(person, "missing_episode", days)
    found = add_entry(person, "found_with_person_of_concern", 5)
    spec = children_version().spec
    # The practitioner confirms the missing suggestion and rejects the other one.
    screening = _record(
        partnership,
        child_case,
        answers=answers(spec, present=["missing_from_home"]),
        level="at_risk",
    )
    decisions = {s.rule: s for s in screening.suggestions.all()}
    assert decisions["missing_three_in_30_days"].decision == SuggestionDecision.CONFIRMED
    assert decisions["found_with_person_of_concern"].decision == SuggestionDecision.REJECTED
    assert decisions["found_with_person_of_concern"].entry_ids == [found.pk]
    assert screening.answers.get(indicator="person_of_concern").answer == "absent"


def test_nothing_is_marked_present_without_a_person_deciding(
    partnership: Partnership, child_case: Case, add_entry: Any
) -> None:
    for days in (1, 2, 3, 4):
        add_entry(child_case.person, "missing_episode", days)
    spec = children_version().spec
    screening = _record(partnership, child_case, answers=answers(spec, unknown=spec.indicators))
    assert not screening.answers.filter(answer=PRESENT).exists()
    assert screening.computed_level == "no_current_concern"
    assert screening.suggestions.get().decision == SuggestionDecision.REJECTED


def test_the_instrument_is_chosen_by_age_on_the_screening_date(partnership: Partnership) -> None:
    children, adults = children_version(), adults_version()
    seventeen = open_case(partnership, given="Ava", family="Seventeen", dob=years_ago(18, days=-1))
    eighteen = open_case(partnership, given="Bea", family="Eighteen", dob=years_ago(18))
    assert services.instrument_for(seventeen.person, TODAY) == children
    assert services.instrument_for(eighteen.person, TODAY) == adults  # 18 today
    with pytest.raises(ValidationError) as refused:
        _record(partnership, eighteen, instrument_version=children)
    assert "instrument_version" in refused.value.message_dict
    screening = _record(
        partnership,
        eighteen,
        person_words="I want them to stop coming to the flat.",
        desired_outcomes="To keep her tenancy.",
    )
    assert screening.audience == "adults"
    assert screening.age_at_screening == 18


def test_adults_record_their_own_words_and_capacity_by_decision(
    partnership: Partnership, adult_case: Case
) -> None:
    spec = adults_version().spec
    with pytest.raises(ValidationError) as refused:
        _record(partnership, adult_case)
    assert {"person_words", "desired_outcomes"} <= set(refused.value.message_dict)
    good = services.CapacityInput(
        decision="contact_with_person",
        decision_detail="contact with the man she calls Dee",
        assessed_on=TODAY - timedelta(days=3),
        assessor="A. Social Worker, adult social care",
        outcome="lacks_capacity",
    )
    vague = services.CapacityInput(
        decision="contact_with_person", assessed_on=TODAY, assessor="", outcome="has_capacity"
    )
    with pytest.raises(ValidationError) as refused:
        _record(
            partnership, adult_case, person_words="x", desired_outcomes="y", capacity=[good, vague]
        )
    assert "Capacity assessment 2" in refused.value.message_dict["capacity"][0]
    screening = _record(
        partnership,
        adult_case,
        answers=answers(spec, present=["controlled_by_others"]),
        level="significant",
        person_words="He keeps my bank card. I want it back.",
        desired_outcomes="To manage her own money.",
        capacity=[good],
    )
    assessment = CapacityAssessment.objects.get()
    assert (assessment.person_id, assessment.screening_id) == (adult_case.person_id, screening.pk)
    assert assessment.decision_label == "Contact with a named person"
    assert not hasattr(adult_case.person, "has_capacity")


def test_only_hub_caseworkers_screen_and_the_refusal_is_audited(
    partnership: Partnership, child_case: Case
) -> None:
    for who in (partnership.school_lead, partnership.analyst, partnership.board):
        before = AuditEvent.objects.filter(action=AuditAction.REFUSED).count()
        with pytest.raises(AccessRefused):
            _record(partnership, child_case, actor=who)
        assert AuditEvent.objects.filter(action=AuditAction.REFUSED).count() == before + 1
    assert not Screening.objects.exists()


def test_a_case_about_someone_else_is_refused(
    partnership: Partnership, child_case: Case, adult_case: Case
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.screening_record(
            actor=partnership.practitioner,
            person=child_case.person,
            case=adult_case,
            instrument_version=children_version(),
            answers=answers(children_version().spec),
            level="no_current_concern",
        )
    assert "case" in refused.value.message_dict

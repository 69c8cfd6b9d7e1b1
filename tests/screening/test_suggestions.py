"""Suggestions from the chronology: every rule of the shipped instruments, with entries that
must and must not trigger it; restricted entries count only for those who may read them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lantern.agencies.models import Agency, AgencyKind
from lantern.cases.models import ChronologyEntry
from lantern.core.access import Actor
from lantern.core.vocab import vocabulary
from lantern.people.models import Person
from lantern.screening import queries
from lantern.screening.instruments import (
    DEFAULT_FILES,
    InstrumentDef,
    SuggestionRule,
    definition_from,
    parse_instrument,
)
from lantern.screening.suggest import suggested
from tests.conftest import Partnership
from tests.factories import AgencyFactory

TODAY = timezone.localdate()
SPECS = {
    spec.code: spec
    for spec in (definition_from(parse_instrument(f.read_text()).data) for f in DEFAULT_FILES)
}
RULES = [(code, rule) for code, spec in SPECS.items() for rule in spec.suggestions]


def _person(p: Partnership, name: str = "Rulecheck") -> Person:
    return Person.objects.create(given_name="Sam", family_name=name, created_by_agency=p.hub)


def _agency(kinds: frozenset[str], *, matching: bool) -> Agency:
    if matching and kinds:
        kind = sorted(kinds)[0]
    else:
        kind = AgencyKind.POLICE if AgencyKind.POLICE not in kinds else AgencyKind.EDUCATION
    return AgencyFactory(code=f"a-{kind}", name=f"Agency {kind}", kind=kind)


def _entries(
    p: Partnership,
    person: Person,
    rule: SuggestionRule,
    days_ago: list[int],
    *,
    matching_agency: bool = True,
    event_type: str = "",
) -> list[ChronologyEntry]:
    event_type = event_type or sorted(rule.event_types)[0]
    term = vocabulary("cases", "event_types").by_code[event_type]
    agency = _agency(rule.source_agency_kinds, matching=matching_agency)
    return [
        ChronologyEntry.objects.create(
            person=person,
            occurred_on=TODAY - timedelta(days=d),
            event_type=event_type,
            significance=term.significance,
            summary=f"{term.label}, recorded for the rule check.",
            source_agency=agency,
            author=p.police_officer.user,
            restricted_category=term.restricted_category,
        )
        for d in days_ago
    ]


def _fired(
    actor: Actor, person: Person, spec: InstrumentDef, rule: SuggestionRule
) -> list[int] | None:
    for s in suggested(actor, person.pk, spec, TODAY):
        if s.match.rule.code == rule.code:
            return list(s.match.entry_ids)
    return None


@pytest.mark.parametrize(("instrument", "rule"), RULES, ids=[f"{c}-{r.code}" for c, r in RULES])
def test_each_rule_triggers_on_entries_that_meet_it(
    partnership: Partnership, instrument: str, rule: SuggestionRule
) -> None:
    reader = partnership.manager  # holds every restricted category
    person = _person(partnership)
    made = _entries(partnership, person, rule, [3 + n for n in range(rule.min_count)])
    fired = _fired(reader, person, SPECS[instrument], rule)
    assert fired == [e.pk for e in made], "the suggestion shows the entries behind it, newest first"


@pytest.mark.parametrize(("instrument", "rule"), RULES, ids=[f"{c}-{r.code}" for c, r in RULES])
def test_each_rule_ignores_entries_that_do_not_meet_it(
    partnership: Partnership, instrument: str, rule: SuggestionRule
) -> None:
    reader, spec = partnership.manager, SPECS[instrument]
    # Too few (or none, and other kinds of event).
    too_few = _person(partnership, "Toofew")
    _entries(partnership, too_few, rule, [3 + n for n in range(rule.min_count - 1)])
    _entries(partnership, too_few, rule, [2, 4, 6, 8, 10], event_type="other")
    assert _fired(reader, too_few, spec, rule) is None
    # Too old.
    too_old = _person(partnership, "Tooold")
    _entries(
        partnership, too_old, rule, [rule.lookback_days + 1 + n for n in range(rule.min_count)]
    )
    assert _fired(reader, too_old, spec, rule) is None
    if rule.within_days is not None:
        spread = _person(partnership, "Spread")
        _entries(
            partnership, spread, rule, [3 + n * rule.within_days for n in range(rule.min_count)]
        )
        assert _fired(reader, spread, spec, rule) is None
    if rule.source_agency_kinds:
        elsewhere = _person(partnership, "Elsewhere")
        _entries(
            partnership,
            elsewhere,
            rule,
            [3 + n for n in range(rule.min_count)],
            matching_agency=False,
        )
        assert _fired(reader, elsewhere, spec, rule) is None


def test_three_missing_episodes_within_30_days(partnership: Partnership, add_entry: Any) -> None:
    spec = SPECS["lantern_children"]
    rule = next(r for r in spec.suggestions if r.code == "missing_three_in_30_days")
    within = _person(partnership, "Within")
    for days in (100, 40, 30, 11):
        add_entry(within, "missing_episode", days)  # 40, 30 and 11 days ago: a 29-day span
    fired = _fired(partnership.practitioner, within, spec, rule)
    assert fired is not None
    assert len(fired) == 3
    apart = _person(partnership, "Apart")
    for days in (90, 70, 50, 30, 10):
        add_entry(apart, "missing_episode", days)  # five, but never three in 30 days
    assert _fired(partnership.practitioner, apart, spec, rule) is None
    boundary = _person(partnership, "Boundary")
    for days in (60, 45, 30):
        add_entry(boundary, "missing_episode", days)  # a span of exactly 30 days: 31 calendar days
    assert _fired(partnership.practitioner, boundary, spec, rule) is None


def test_sexual_health_attendance_counts_only_for_those_who_may_read_it(
    partnership: Partnership, add_entry: Any, health: Agency
) -> None:
    spec = SPECS["lantern_children"]
    rule = next(r for r in spec.suggestions if r.indicator == "sexual_health_concerns")
    person = _person(partnership)
    add_entry(
        person, "sexual_health_attendance", 20, agency=health, restricted_category="sexual_health"
    )
    assert _fired(partnership.nurse, person, spec, rule) is not None
    assert _fired(partnership.practitioner, person, spec, rule) is None  # cannot read it
    from lantern.cases.models import RestrictedAccessGrant

    RestrictedAccessGrant.objects.create(
        person=person,
        category="sexual_health",
        user=partnership.practitioner.user,
        agency=partnership.hub,
        reason="Planning a strategy discussion.",
        approved_by=partnership.manager.user,
        approved_at=timezone.now(),
    )
    assert _fired(partnership.practitioner, person, spec, rule) is not None  # with a grant


def test_found_with_a_person_of_concern_suggests_the_relationships_indicator(
    partnership: Partnership, add_entry: Any
) -> None:
    spec = SPECS["lantern_children"]
    person = _person(partnership)
    entry = add_entry(person, "found_with_person_of_concern", 12)
    found = {
        s.match.rule.code: s for s in suggested(partnership.practitioner, person.pk, spec, TODAY)
    }
    match = found["found_with_person_of_concern"].match
    assert match.rule.indicator == "person_of_concern"
    assert spec.indicators["person_of_concern"].theme == "relationships"
    assert match.entry_ids == (entry.pk,)
    assert match.latest_on == entry.occurred_on


def test_the_form_shows_each_suggestion_with_its_entries_and_marks_nothing(
    partnership: Partnership, as_user: Any, child_case: Any, add_entry: Any
) -> None:
    from django.urls import reverse

    person = child_case.person
    entries = [add_entry(person, "missing_episode", d) for d in (3, 9, 20)]
    new = queries.new_screening(partnership.practitioner, person)
    (view,) = [s for s in new.suggestions if s.code == "missing_three_in_30_days"]
    assert [e.pk for e in view.entries] == [e.pk for e in entries]
    page = (
        as_user(partnership.practitioner)
        .get(reverse("screening:new_for_person", args=[person.pk]) + f"?case={child_case.pk}")
        .content.decode()
    )
    assert "Three or more missing episodes within 30 days" in page
    assert "3 entries behind it" in page
    assert 'name="answer_missing_from_home" type="radio" value="present" checked' not in page
    assert " checked" not in page.split('id="indicator-missing_from_home"')[1].split("<hr")[0]

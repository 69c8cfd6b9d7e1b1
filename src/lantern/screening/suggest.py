"""Suggesting indicators from the chronology, as one screener may read it.

Shared by :mod:`lantern.screening.queries` (to show suggestions) and
:mod:`lantern.screening.services` (to record what the practitioner decided about them). Only
entries the screener may read count (:func:`lantern.core.access.restricted_filter`), so a
sexual-health attendance suggests its indicator only to someone entitled to know of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from lantern.cases import access as cases_access
from lantern.cases.models import ChronologyEntry
from lantern.core.access import Actor
from lantern.screening.instruments import EntryFact, InstrumentDef, Match, match_rules


@dataclass(frozen=True)
class Suggested:
    """A rule the chronology satisfies, and the restricted category of what it rests on."""

    match: Match
    restricted_category: str

    @property
    def indicator(self) -> str:
        return self.match.rule.indicator


def suggested(actor: Actor, person_id: int, instrument: InstrumentDef, on: date) -> list[Suggested]:
    """Every suggestion rule of the instrument that the readable chronology satisfies.

    One query, over the person's entries of the rules' event types within the longest
    look-back, reading four columns; matching happens in memory.
    """
    rules = instrument.suggestions
    if not rules:
        return []
    event_types = sorted(set().union(*(rule.event_types for rule in rules)))
    since = on - timedelta(days=max(rule.lookback_days for rule in rules))
    rows = (
        ChronologyEntry.objects.filter(
            person_id=person_id,
            event_type__in=event_types,
            occurred_on__gte=since,
            occurred_on__lte=on,
        )
        .filter(cases_access.restricted_filter(actor))
        .values_list(
            "pk", "occurred_on", "event_type", "source_agency__kind", "restricted_category"
        )
    )
    facts: list[EntryFact] = []
    categories: dict[int, str] = {}
    for pk, occurred_on, event_type, kind, category in rows:
        facts.append(EntryFact(pk, occurred_on, event_type, kind))
        if category:
            categories[pk] = category
    out = []
    for match in match_rules(rules, facts, on):
        indicator = instrument.indicators[match.rule.indicator]
        category = indicator.restricted_category or next(
            (categories[pk] for pk in match.entry_ids if pk in categories), ""
        )
        out.append(Suggested(match=match, restricted_category=category))
    return out

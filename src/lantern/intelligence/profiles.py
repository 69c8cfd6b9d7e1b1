"""The derived half of a person of concern's structured profile.

What an analyst records (role in a group, how victims were met, earlier contacts with
services) lives on :class:`PersonOfConcern` and :class:`EarlierContact`. What follows from
the rest of the record is worked out here, the same way for the profile page and for the
anonymised learning set (``lantern.learning``):

- **first concern**: the earliest of the date the analyst gives, the earliest dated link and
  the day the person was marked; **age at first concern** from the entity's date of birth
  (or the hub person's, for an entity that stands for one);
- **places and vehicles used**: the places and vehicles linked to the person (links not
  withdrawn);
- **disruption and what followed**: for each disruption, the links to the person dated in
  the window after it (``LANTERN_DISRUPTION_WINDOW_DAYS``, 90 days by default). No new link
  in a window that has closed is "no new links followed"; a window still open is "too soon
  to say".

Pure reads: callers decide which links the reader may see (``visible_links``) and audit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q

from lantern.core.normalisers import age_on
from lantern.intelligence.models import (
    Disruption,
    EarlierContact,
    Entity,
    EntityKind,
    Link,
    PersonOfConcern,
)

DEFAULT_WINDOW_DAYS = 90


def window_days() -> int:
    """Days after a disruption in which a new link counts as "what followed"."""
    return int(getattr(settings, "LANTERN_DISRUPTION_WINDOW_DAYS", DEFAULT_WINDOW_DAYS))


@dataclass(frozen=True)
class DisruptionOutcome:
    """One disruption and the links dated in the window after it."""

    disruption: Disruption
    new_links: tuple[Link, ...]
    window_end: date
    window_closed: bool

    @property
    def followed_by_new_links(self) -> bool:
        return bool(self.new_links)

    @property
    def outcome(self) -> str:
        if self.new_links:
            return "new_links"
        return "no_new_links" if self.window_closed else "too_soon"


@dataclass
class ProfileFacts:
    concern: PersonOfConcern
    entity: Entity
    date_of_birth: date | None
    first_concern_on: date
    age_at_first_concern: int | None
    places: list[Entity] = field(default_factory=list)
    vehicles: list[Entity] = field(default_factory=list)
    victims: int = 0
    associates: int = 0
    disruptions: list[DisruptionOutcome] = field(default_factory=list)
    earlier_contacts: list[EarlierContact] = field(default_factory=list)


def _date_of_birth(entity: Entity) -> date | None:
    if entity.date_of_birth:
        return entity.date_of_birth
    person = entity.person if entity.person_id else None
    return person.date_of_birth if person is not None else None


def facts(
    concern: PersonOfConcern,
    links: Iterable[Link],
    disruptions: Iterable[Disruption],
    earlier: Iterable[EarlierContact],
    *,
    today: date,
    concern_entity_ids: set[int] | None = None,
) -> ProfileFacts:
    """The derived profile from the links (both ends loaded) the caller may use."""
    entity = concern.entity
    live = [link for link in links if link.withdrawn_at is None]
    dated = [link.date_from for link in live if link.date_from]
    candidates = [concern.marked_at.date(), *dated]
    if concern.first_concern_on:
        candidates.append(concern.first_concern_on)
    first = min(candidates)
    dob = _date_of_birth(entity)
    age = age_on(dob, first) if dob and dob <= first else None
    places: dict[int, Entity] = {}
    vehicles: dict[int, Entity] = {}
    victims: set[int] = set()
    associates: set[int] = set()
    for link in live:
        other = link.to_entity if link.from_entity_id == entity.pk else link.from_entity
        if other.kind == EntityKind.LOCATION:
            places[other.pk] = other
        elif other.kind == EntityKind.VEHICLE:
            vehicles[other.pk] = other
        elif other.kind == EntityKind.PERSON and (other.person_id or other.at_risk):
            victims.add(other.pk)
        elif other.kind == EntityKind.PERSON and other.pk in (concern_entity_ids or set()):
            associates.add(other.pk)
    window = timedelta(days=window_days())
    outcomes = []
    for item in sorted(disruptions, key=lambda d: (d.occurred_on, d.pk)):
        end = item.occurred_on + window
        followed = tuple(
            link for link in live if link.date_from and item.occurred_on < link.date_from <= end
        )
        outcomes.append(DisruptionOutcome(item, followed, end, window_closed=end < today))
    return ProfileFacts(
        concern=concern,
        entity=entity,
        date_of_birth=dob,
        first_concern_on=first,
        age_at_first_concern=age,
        places=sorted(places.values(), key=lambda e: e.label),
        vehicles=sorted(vehicles.values(), key=lambda e: e.label),
        victims=len(victims),
        associates=len(associates),
        disruptions=outcomes,
        earlier_contacts=[c for c in earlier if c.withdrawn_at is None],
    )


def all_facts(*, today: date, include_handling_c: bool = False) -> list[ProfileFacts]:
    """Every person of concern's derived profile, in few queries (for aggregation).

    Links graded handling code C are left out unless asked for: what is aggregated for the
    board and other areas rests on what may be shared.
    """
    concerns = list(
        PersonOfConcern.objects.select_related("entity", "entity__person").order_by("pk")
    )
    ids = {c.entity_id for c in concerns}
    links = Link.objects.filter(
        Q(from_entity_id__in=ids) | Q(to_entity_id__in=ids), withdrawn_at__isnull=True
    ).select_related("from_entity", "to_entity")
    if not include_handling_c:
        links = links.exclude(handling="C")
    by_entity: dict[int, list[Link]] = defaultdict(list)
    for link in links:
        for end in (link.from_entity_id, link.to_entity_id):
            if end in ids:
                by_entity[end].append(link)
    disruptions: dict[int, list[Disruption]] = defaultdict(list)
    for item in Disruption.objects.filter(subject_id__in=ids):
        disruptions[item.subject_id].append(item)
    earlier: dict[int, list[EarlierContact]] = defaultdict(list)
    for contact in EarlierContact.objects.filter(concern__in=concerns).select_related("agency"):
        earlier[contact.concern_id].append(contact)
    return [
        facts(
            c,
            by_entity[c.entity_id],
            disruptions[c.entity_id],
            earlier[c.pk],
            today=today,
            concern_entity_ids=ids,
        )
        for c in concerns
    ]

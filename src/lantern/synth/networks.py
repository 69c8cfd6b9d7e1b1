"""A seeded city with planted sexual exploitation networks, for the intelligence engine.

:func:`generate` invents ``n_people`` synthetic people in Northwick (postcode area NK, which
does not exist) and the intelligence a hub's partners would hold on them, as entities and
graded links in the documented layout (issue 13), with the hub's existing knowledge
(``known``) and the truth behind it (who was exploited, who exploited them). Pure and
seeded: the same arguments always give the same city. :func:`write` writes
``entities.csv``, ``links.csv``, ``known.csv`` and ``truth.csv``.

How exploitation presents here (from the hub's experience in DOMAIN.md, not from any rule):

- **Networks** of 2-6 persons of concern (``offenders``) who share phones, vehicles (some
  are taxis they drive), a business (a takeaway, shop or hotel where some of them work) and
  one or two flats or houses used to exploit. Some of them live with their families.
- Each network exploits several **persons at risk** (``victims``, mostly 12-19) over months:
  contact from the network's phones or online handles, being seen in its vehicles, taken
  to or found at its flats and hotels, seen with its members, introduced by another victim,
  seen at busy public places (parks, bus stations) with them. Evidence comes from police,
  social care, schools, health and the voluntary sector, with the full spread of 3x5x2
  gradings, and some networks stopped a year or two ago (old evidence).
- The hub **knows only some**: a share of the victims are known persons at risk (with a
  risk level and usually an open case) and a share of the members are known persons of
  concern. The rest are hidden (``truth``). Every network has at least one known person
  (a network nobody has noticed cannot be found from the hub's knowledge by any method).

Noise that makes detection hard, as real intelligence has it: everybody's home and family;
innocent co-workers at the network's business; hotel guests; taxi passengers; residents and
family living at an offender's house; busy public places with hundreds of sightings; people
with one weak tie to an offender (a customer, a neighbour, a one-off sighting); friends of
victims; persons at risk known to the hub who are not in any network (and their friends);
persons of concern for other reasons.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from lantern.core.exports import csv_writer
from lantern.intelligence.engine.model import Entity, Link

AS_OF = date(2026, 6, 30)
GIVEN = [
    "Jordan",
    "Amelia",
    "Olivia",
    "Isla",
    "Ava",
    "Mia",
    "Sophia",
    "Grace",
    "Lily",
    "Freya",
    "Ella",
    "Evie",
    "Poppy",
    "Chloe",
    "Ruby",
    "Jessica",
    "Leah",
    "Holly",
    "Amber",
    "Megan",
    "Aisha",
    "Zara",
    "Maya",
    "Kacey",
    "Demi",
    "Tia",
    "Shannon",
    "Courtney",
    "Jade",
    "Oliver",
    "Jack",
    "Harry",
    "Charlie",
    "Jacob",
    "Thomas",
    "Alfie",
    "Riley",
    "Kai",
    "Tyler",
    "Callum",
    "Connor",
    "Liam",
    "Reece",
    "Mohammed",
    "Adam",
    "Bilal",
    "Imran",
    "Tariq",
    "Daniel",
    "Ryan",
    "Lewis",
    "Kieran",
    "Dean",
    "Lee",
    "Craig",
    "Wayne",
    "Darren",
]
FAMILY = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Patel",
    "Khan",
    "Ahmed",
    "Hussain",
    "Ali",
    "Begum",
    "Kowalski",
    "Nowak",
    "O'Brien",
    "Murphy",
    "Kelly",
    "Byrne",
    "Okafor",
    "Mensah",
    "Hughes",
    "Edwards",
    "Harris",
    "Lewis",
]
AGENCIES_VICTIM = (
    "police",
    "childrens_social_care",
    "education",
    "health",
    "voluntary",
    "sexual_health",
)
LETTERS = "ABCDEFGHJKLMNOPRSTUVWXYZ"
INWARD = "ABDEFGHJLNPQRSTUWXYZ"  # the letters a postcode's inward code may use
WORK_TYPES = (
    "shop",
    "shop",
    "takeaway",
    "takeaway",
    "hotel",
    "fast_food",
    "school",
    "college",
    "hospital",
    "pub_bar",
    "other",
)
PUBLIC_TYPES = (
    "park",
    "bus_station",
    "shopping_centre",
    "train_station",
    "cinema",
    "leisure_centre",
    "car_park",
    "taxi_rank",
    "library",
)
PLATFORMS = ("snapchat", "instagram", "tiktok", "whatsapp")


@dataclass
class Knobs:
    """The generator's settings (all have realistic defaults; vary them to test robustness)."""

    networks_per_10k: float = 6.0
    offenders: tuple[int, int] = (2, 6)
    victims: tuple[int, int] = (3, 10)
    known_offenders: float = 0.5
    known_victims: float = 0.4
    events_per_victim: tuple[int, int] = (2, 8)
    old_networks: float = 0.15
    background_at_risk: float = 0.006
    background_concern: float = 0.001
    weak_ties_per_offender: tuple[int, int] = (0, 4)
    public_sightings: float = 0.3
    taxi_passengers: tuple[int, int] = (5, 30)
    hotel_guests: tuple[int, int] = (10, 60)
    poor_grading: float = 0.3


@dataclass
class City:
    entities: list[Entity]
    links: list[Link]
    known: list[tuple[str, str, str, bool]]  # entity_id, status, risk_level, open_case
    hidden_victims: set[str]
    hidden_offenders: set[str]
    victims: set[str]
    offenders: set[str]
    networks: list[dict[str, list[str]]] = field(default_factory=list)
    as_of: date = AS_OF

    @property
    def known_ids(self) -> set[str]:
        return {row[0] for row in self.known}


class _Maker:
    def __init__(self, n_people: int, seed: int, knobs: Knobs, as_of: date) -> None:
        self.rng = random.Random(seed)  # seeded synthetic data, not security  # nosec B311
        self.k = knobs
        self.as_of = as_of
        self.n = n_people
        self.entities: list[Entity] = []
        self.links: list[Link] = []
        self.ages: list[int] = []
        self.counter = 0

    # --- small helpers -----------------------------------------------------------------

    def entity(self, kind: str, label: str, subtype: str = "", **extra: Any) -> str:
        prefix = {"person": "p", "location": "loc", "vehicle": "veh", "phone": "ph", "handle": "h"}[
            kind
        ]
        entity_id = f"{prefix}{len(self.entities)}"
        self.entities.append(Entity(entity_id, kind, label, subtype, **extra))
        return entity_id

    def postcode(self) -> str:
        r = self.rng
        return f"NK{r.randint(1, 9)} {r.randint(1, 9)}{r.choice(INWARD)}{r.choice(INWARD)}"

    def grading(self, quality: str = "normal") -> tuple[str, str, str]:
        r = self.rng
        if quality == "record" or (quality == "normal" and r.random() > self.k.poor_grading):
            evaluation = r.choices("123", (0.5, 0.4, 0.1))[0]
            assessment = r.choices("ABCD", (0.35, 0.4, 0.2, 0.05))[0]
        else:
            evaluation = r.choices("123", (0.1, 0.5, 0.4))[0]
            assessment = r.choices("BCDE", (0.15, 0.4, 0.35, 0.1))[0]
        handling = "C" if r.random() < 0.05 else "P"
        return evaluation, assessment, handling

    def link(  # noqa: PLR0917
        self,
        a: str,
        b: str,
        link_type: str,
        when: date | None,
        agency: str,
        quality: str = "normal",
    ) -> None:
        evaluation, assessment, handling = self.grading(quality)
        self.counter += 1
        self.links.append(
            Link(
                f"l{self.counter}",
                a,
                b,
                link_type,
                when,
                None,
                agency,
                evaluation,
                assessment,
                handling,
            )
        )

    def day(self, start: date, end: date) -> date:
        span = max(0, (end - start).days)
        return start + timedelta(days=self.rng.randint(0, span))

    def recent(self, years: float = 3) -> date:
        return self.as_of - timedelta(days=self.rng.randint(0, int(365 * years)))

    def registration(self) -> str:
        r = self.rng
        return f"NK{r.randint(10, 75)} {''.join(r.choice(LETTERS) for _ in range(3))}"


def _people(m: _Maker) -> tuple[list[str], list[str], list[str]]:
    """Everybody, their homes and families. Returns (all, young 12-19, adults 18-55)."""
    r = m.rng
    people: list[str] = []
    young: list[str] = []
    adults: list[str] = []
    while len(people) < m.n:
        family = r.choice(FAMILY)
        size = min(m.n - len(people), r.choices((1, 2, 3, 4, 5), (0.25, 0.25, 0.2, 0.2, 0.1))[0])
        home = m.entity(
            "location",
            f"{r.randint(1, 180)} {r.choice(FAMILY)} Street",
            r.choice(("house", "flat")),
            postcode=m.postcode(),
        )
        members = []
        for position in range(size):
            age = (
                r.randint(25, 60)
                if position < min(2, size) and size > 2
                else r.randint(12, 60)
                if size <= 2
                else r.randint(8, 24)
            )
            dob = m.as_of - timedelta(days=age * 365 + r.randint(0, 364))
            person = m.entity("person", f"{r.choice(GIVEN)} {family}", date_of_birth=dob)
            m.ages.append(age)
            members.append(person)
            if 12 <= age <= 19:
                young.append(person)
            if 18 <= age <= 55:
                adults.append(person)
            m.link(
                person,
                home,
                "lives_at",
                m.recent(5),
                r.choice(("housing", "police", "health")),
                "record",
            )
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if r.random() < 0.6:
                    m.link(
                        a,
                        b,
                        "family",
                        m.recent(5),
                        r.choice(("police", "childrens_social_care", "health")),
                        "record",
                    )
        people += members
    return people, young, adults


def generate(n_people: int, seed: int, *, as_of: date = AS_OF, **knobs: Any) -> City:  # noqa: C901, PLR0912, PLR0915 (the story of a city, in order)
    """A city of ``n_people`` with planted networks (``knobs``: fields of :class:`Knobs`)."""
    k = Knobs(**knobs)
    m = _Maker(n_people, seed, k, as_of)
    r = m.rng
    people, young, adults = _people(m)
    # workplaces, busy public places, vehicles, phones
    workplaces = [
        m.entity(
            "location", f"{r.choice(FAMILY)}'s {t.replace('_', ' ')}", t, postcode=m.postcode()
        )
        for t in (r.choice(WORK_TYPES) for _ in range(max(10, n_people // 40)))
    ]
    publics = [
        m.entity("location", f"{r.choice(FAMILY)} {t.replace('_', ' ')}", t, postcode=m.postcode())
        for t in (r.choice(PUBLIC_TYPES) for _ in range(max(5, n_people // 600)))
    ]
    for person in adults:
        if r.random() < 0.55:
            m.link(
                person,
                r.choice(workplaces),
                "works_at",
                m.recent(4),
                r.choice(("police", "housing", "probation", "health")),
                "record",
            )
        if r.random() < 0.25:
            vehicle = m.entity(
                "vehicle",
                m.registration(),
                r.choice(("Ford", "Vauxhall", "Toyota", "BMW", "Nissan")),
            )
            m.link(person, vehicle, "driver_of", m.recent(4), "police", "record")
    for person in people:
        if r.random() < 0.35:
            phone = m.entity("phone", f"Mobile {len(m.entities):06d}")
            m.link(
                person,
                phone,
                "uses",
                m.recent(4),
                r.choice(("police", "health", "education")),
                "record",
            )
        if r.random() < k.public_sightings:
            for _ in range(r.randint(1, 3)):
                m.link(
                    person,
                    r.choice(publics),
                    "seen_at",
                    m.recent(2),
                    r.choice(("police", "education", "voluntary")),
                )
    # taxis driven by ordinary drivers, with passengers
    taxis = []
    for driver in r.sample(adults, max(3, len(adults) // 150)):
        taxi = m.entity("vehicle", m.registration(), "Taxi")
        m.link(driver, taxi, "driver_of", m.recent(3), "licensing", "record")
        taxis.append(taxi)
    for taxi in taxis:
        for passenger in r.sample(people, r.randint(*k.taxi_passengers)):
            m.link(passenger, taxi, "seen_in", m.recent(2), r.choice(("police", "licensing")))
    hotels = [w for w in workplaces if m.entities[int(w[3:])].subtype == "hotel"]
    for hotel in hotels:
        for guest in r.sample(people, r.randint(*k.hotel_guests)):
            m.link(guest, hotel, "seen_at", m.recent(2), r.choice(("police", "hotel_watch")))

    used: set[str] = set()
    victims: set[str] = set()
    offenders: set[str] = set()
    networks: list[dict[str, list[str]]] = []
    count = max(1, round(n_people / 10_000 * k.networks_per_10k))
    free_young = [p for p in young if p not in used]
    r.shuffle(free_young)
    ages = dict(zip(people, m.ages, strict=True))
    free_adults = [p for p in adults if ages[p] >= 20]
    r.shuffle(free_adults)
    for _ in range(count):
        members = [free_adults.pop() for _ in range(r.randint(*k.offenders))]
        group_victims = [free_young.pop() for _ in range(r.randint(*k.victims))]
        offenders.update(members)
        victims.update(group_victims)
        old = r.random() < k.old_networks
        end = (
            as_of - timedelta(days=r.randint(365, 900))
            if old
            else as_of - timedelta(days=r.randint(0, 60))
        )
        start = end - timedelta(days=r.randint(90, 540))
        phones = [
            m.entity("phone", f"Mobile {len(m.entities):06d}") for _ in range(r.randint(1, 3))
        ]
        cars = [
            m.entity("vehicle", m.registration(), r.choice(("Taxi", "BMW", "Audi", "Vauxhall")))
            for _ in range(r.randint(1, 2))
        ]
        handles = [
            m.entity(
                "handle", f"{r.choice(PLATFORMS)}:@{r.choice(GIVEN).lower()}{r.randint(10, 999)}"
            )
            for _ in range(r.randint(0, 2))
        ]
        flats = [
            m.entity(
                "location",
                f"Flat {r.randint(1, 40)}, {r.choice(FAMILY)} House",
                r.choice(("flat", "house")),
                postcode=m.postcode(),
            )
            for _ in range(r.randint(1, 2))
        ]
        business = r.choice(
            [
                w
                for w in workplaces
                if m.entities[int(w[3:])].subtype in ("takeaway", "shop", "hotel")
            ]
            or workplaces
        )
        places = flats + [business] + ([r.choice(hotels)] if hotels and r.random() < 0.5 else [])
        for member in members:
            for phone in r.sample(phones, r.randint(1, len(phones))):
                m.link(member, phone, "uses", m.day(start, end), "police")
            for car in r.sample(cars, r.randint(1, len(cars))):
                m.link(
                    member, car, "driver_of", m.day(start, end), r.choice(("police", "licensing"))
                )
            if r.random() < 0.5:
                m.link(
                    member,
                    business,
                    "works_at",
                    m.day(start - timedelta(days=400), end),
                    r.choice(("police", "licensing")),
                    "record",
                )
            if r.random() < 0.5:
                m.link(
                    member,
                    r.choice(flats),
                    r.choice(("seen_at", "lives_at")),
                    m.day(start, end),
                    "police",
                )
            for handle in handles:
                if r.random() < 0.5:
                    m.link(member, handle, "uses_handle", m.day(start, end), "police")
            for other in members:
                if other < member and r.random() < 0.4:
                    m.link(
                        member,
                        other,
                        r.choice(("associate", "seen_with")),
                        m.day(start, end),
                        "police",
                    )
            # people with one weak tie: customers, neighbours, a one-off sighting
            for stranger in r.sample(people, r.randint(*k.weak_ties_per_offender)):
                if stranger in victims or stranger in offenders:
                    continue
                choice = r.random()
                if choice < 0.4:
                    m.link(stranger, member, "seen_with", m.day(start, end), "police", "poor")
                elif choice < 0.7:
                    m.link(
                        stranger,
                        r.choice(phones),
                        "contacted_by",
                        m.day(start, end),
                        "police",
                        "poor",
                    )
                else:
                    m.link(
                        stranger,
                        r.choice(cars),
                        "seen_in",
                        m.day(start, end),
                        r.choice(("police", "licensing")),
                        "poor",
                    )
        for car in cars:
            if m.entities[int(car[3:])].subtype == "Taxi":
                for passenger in r.sample(people, r.randint(*k.taxi_passengers)):
                    if passenger not in victims:
                        m.link(passenger, car, "seen_in", m.day(start, end), "licensing")
        hotspot = r.choice(publics)
        for position, victim in enumerate(group_victims):
            first = m.day(start, end - timedelta(days=30))
            for _ in range(r.randint(*k.events_per_victim)):
                when = m.day(first, end)
                agency = r.choice(AGENCIES_VICTIM)
                kind = r.choices(
                    ("phone", "car", "place", "with", "hotspot", "handle", "introduced"),
                    (0.22, 0.2, 0.22, 0.14, 0.1, 0.06, 0.06),
                )[0]
                if kind == "phone":
                    m.link(victim, r.choice(phones), "contacted_by", when, agency)
                elif kind == "car":
                    m.link(victim, r.choice(cars), "seen_in", when, agency)
                elif kind == "place":
                    m.link(
                        victim,
                        r.choice(places),
                        r.choice(("taken_to", "found_at", "seen_at")),
                        when,
                        agency,
                    )
                elif kind == "with":
                    m.link(victim, r.choice(members), "seen_with", when, agency)
                elif kind == "hotspot":
                    m.link(victim, hotspot, "seen_at", when, agency)
                elif kind == "handle" and handles:
                    m.link(victim, r.choice(handles), "messaged_by", when, agency)
                elif position > 0:
                    m.link(
                        victim, r.choice(group_victims[:position]), "introduced_by", when, agency
                    )
            # friends of victims (peers; not in the network)
            for friend in r.sample(young, r.randint(0, 2)):
                if friend not in victims and friend not in offenders:
                    m.link(
                        victim, friend, "associate", m.recent(2), r.choice(("education", "police"))
                    )
        networks.append(
            {
                "offenders": members,
                "victims": group_victims,
                "phones": phones,
                "vehicles": cars,
                "places": places,
            }
        )
    # the hub's knowledge
    known: list[tuple[str, str, str, bool]] = []
    levels = ("serious", "significant", "medium", "low")
    for victim in sorted(victims):
        if r.random() < k.known_victims:
            known.append(
                (
                    victim,
                    "person_at_risk",
                    r.choices(levels, (0.3, 0.4, 0.2, 0.1))[0],
                    r.random() < 0.85,
                )
            )
    for offender in sorted(offenders):
        if r.random() < k.known_offenders:
            known.append((offender, "person_of_concern", "", False))
    # a network comes to the hub's notice through at least one person: one nobody knows
    # anything about cannot be found by starting from what the hub knows, by any method
    noticed = {row[0] for row in known}
    for network in networks:
        if not noticed.intersection(network["victims"] + network["offenders"]):
            known.append((r.choice(network["victims"]), "person_at_risk", r.choice(levels), True))
    others = [p for p in young if p not in victims]
    for person in r.sample(others, min(len(others), round(n_people * k.background_at_risk))):
        known.append(
            (
                person,
                "person_at_risk",
                r.choices(levels, (0.15, 0.35, 0.3, 0.2))[0],
                r.random() < 0.7,
            )
        )
        for friend in r.sample(young, r.randint(0, 3)):
            if friend != person:
                m.link(
                    person,
                    friend,
                    r.choice(("associate", "seen_with")),
                    m.recent(2),
                    r.choice(("education", "police", "voluntary")),
                )
    grown = [p for p in adults if p not in offenders]
    for person in r.sample(grown, min(len(grown), round(n_people * k.background_concern))):
        known.append((person, "person_of_concern", "", False))
        for friend in r.sample(adults, r.randint(0, 3)):
            if friend != person:
                m.link(person, friend, "associate", m.recent(3), "police")
    known_ids = {row[0] for row in known}
    return City(
        entities=m.entities,
        links=m.links,
        known=known,
        hidden_victims={v for v in victims if v not in known_ids},
        hidden_offenders={o for o in offenders if o not in known_ids},
        victims=victims,
        offenders=offenders,
        networks=networks,
        as_of=as_of,
    )


def with_known(city: City) -> list[Entity]:
    """The city's entities with what the hub knows applied (status, risk level, open case)."""
    known = {row[0]: row for row in city.known}
    out = []
    for entity in city.entities:
        row = known.get(entity.id)
        if row is None:
            out.append(entity)
        else:
            out.append(
                Entity(
                    entity.id,
                    entity.kind,
                    entity.label,
                    entity.subtype,
                    entity.date_of_birth,
                    entity.postcode,
                    row[1],
                    row[2],
                    row[3],
                )
            )
    return out


def _rows(rows: Iterable[Iterable[Any]], path: Path, header: Iterable[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv_writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write(city: City, folder: str | Path) -> dict[str, Path]:
    """Write the city in the documented layout; returns the paths by name."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / f"{name}.csv" for name in ("entities", "links", "known", "truth")}
    _rows(
        (
            (
                e.id,
                e.kind,
                e.label,
                e.subtype,
                e.date_of_birth.isoformat() if e.date_of_birth else "",
                e.postcode,
            )
            for e in city.entities
        ),
        paths["entities"],
        ("entity_id", "kind", "label", "subtype", "date_of_birth", "postcode"),
    )
    _rows(
        (
            (
                l.id,
                l.a,
                l.b,
                l.link_type,
                l.date.isoformat() if l.date else "",
                l.agency,
                l.source_eval,
                l.intel_assessment,
                l.handling,
            )
            for l in city.links  # noqa: E741
        ),
        paths["links"],
        (
            "link_id",
            "from_id",
            "to_id",
            "link_type",
            "date",
            "source_agency",
            "source_eval",
            "intel_assessment",
            "handling",
        ),
    )
    _rows(
        (
            (entity_id, status, risk, "true" if open_case else "false")
            for entity_id, status, risk, open_case in city.known
        ),
        paths["known"],
        ("entity_id", "status", "risk_level", "open_case"),
    )
    truth = [(v, "hidden_victim") for v in sorted(city.hidden_victims)] + [
        (o, "hidden_offender") for o in sorted(city.hidden_offenders)
    ]
    _rows(truth, paths["truth"], ("entity_id", "role"))
    return paths

"""The yardstick's people: households in a fictional town, each person's true details and
their history (addresses, telephone numbers, e-mail addresses, a change of surname).

The town is Wyvernham with its neighbour Carrowby. Their postcode areas, ZM and YQ, pass the
UK postcode rules but are not postcode areas in the United Kingdom. NHS numbers are in the 999
range, which the NHS never issues to patients; telephone numbers are in Ofcom's ranges for
drama and, once those run out, in the 04 range, which is not allocated. Nothing here is
anyone's record.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from lantern.synth.yardstick import names

#: The day the extracts are taken; every date is on or before it.
REFERENCE_DATE = date(2026, 3, 31)
#: How far back the agencies' records go.
HISTORY_YEARS = 6

_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # BS 7666: never C, I, K, M, O, V


@dataclass(frozen=True, slots=True)
class Street:
    name: str
    short: str
    town: str
    postcodes: tuple[str, ...]
    houses: int


@dataclass(frozen=True, slots=True)
class Address:
    line: str  # "14" or "Flat 3, 22"
    street: Street
    postcode: str


class Geography:
    """Streets with their postcodes; addresses drawn from them."""

    TOWNS = (("Wyvernham", "ZM", 12, 0.8), ("Carrowby", "YQ", 5, 0.2))

    def __init__(self, rng: random.Random, people: int) -> None:
        self.rng = rng
        words = [
            (prefix, word, kind)
            for prefix in names.STREET_PREFIXES
            for word in names.STREET_WORDS
            for kind in names.STREET_KINDS
        ]
        rng.shuffle(words)
        used_units: set[str] = set()
        self.streets: list[Street] = []
        count = max(30, people // 90)
        for index in range(count):
            prefix, word, (kind, short) = words[index % len(words)]
            town, area, districts, _ = self.TOWNS[0 if rng.random() < 0.8 else 1]
            district = f"{area}{rng.randint(1, districts)}"
            sector = f"{district} {rng.randint(0, 9)}"
            units = []
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                unit = self._new_unit(sector, used_units)
                units.append(unit)
            self.streets.append(
                Street(
                    name=f"{prefix}{word} {kind}",
                    short=f"{prefix}{word} {short}",
                    town=town,
                    postcodes=tuple(units),
                    houses=rng.randint(12, 160),
                )
            )

    def _new_unit(self, sector: str, used: set[str]) -> str:
        while True:
            unit = f"{sector}{self.rng.choice(_INWARD_LETTERS)}{self.rng.choice(_INWARD_LETTERS)}"
            if unit not in used:
                used.add(unit)
                return unit

    def address(self, street: Street | None = None) -> Address:
        """A random address, on the given street if there is one."""
        rng = self.rng
        street = street or rng.choice(self.streets)
        number = rng.randint(1, street.houses)
        line = f"Flat {rng.randint(1, 12)}, {number}" if rng.random() < 0.18 else str(number)
        postcode = street.postcodes[min(len(street.postcodes) - 1, number * len(street.postcodes) // (street.houses + 1))]
        return Address(line=line, street=street, postcode=postcode)


def nhs_check_digit(first9: str) -> int | None:
    """The NHS number's modulus-11 check digit for nine digits (None: no number possible).

    Weights 10 down to 2; 11 minus the remainder, 11 becoming 0 and 10 meaning the nine digits
    cannot start a valid number (NHS Data Dictionary, "NHS number").
    """
    total = sum(int(d) * w for d, w in zip(first9, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


class NhsNumbers:
    """Unique valid NHS numbers in the 999 range (never issued to patients)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[int] = set()

    def new(self) -> str:
        while True:
            body = self.rng.randrange(1_000_000)
            if body in self.used:
                continue
            first9 = f"999{body:06d}"
            check = nhs_check_digit(first9)
            if check is not None:
                self.used.add(body)
                return f"{first9}{check}"


#: Ofcom's telephone numbers for drama: (national prefix, count of numbers).
_DRAMA_RANGES = (
    ("07700900", 1000), ("01914980", 1000), ("01134960", 1000), ("01144960", 1000),
    ("01154960", 1000), ("01164960", 1000), ("01174960", 1000), ("01184960", 1000),
    ("01214960", 1000), ("01314960", 1000), ("01414960", 1000), ("01514960", 1000),
    ("01614960", 1000), ("02079460", 1000), ("01632960", 1000), ("02896496", 1000),
    ("02920180", 1000), ("03069990", 1000),
)


#: Where numbers come from once the drama ranges run out: the 04 range, which Ofcom has not
#: allocated to any service (national numbers 04 and nine digits).
SPARE_PREFIX = "04"


class Phones:
    """Numbers from Ofcom's drama ranges, dealt without replacement; once those 18,000 run
    out, numbers from the unallocated 04 range, also never dealt twice.

    No number is dealt to two people who are not of one household: a shared number is a
    family's or a household's, as it is in real records (an earlier version dealt the drama
    numbers again, which made unrelated people share phones: false evidence in the report
    set, not a realistic hard negative).
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pool: list[str] = []
        self._refilled = False
        self.spare: set[str] = set()

    def _refill(self) -> None:
        numbers = [
            f"{prefix}{n:0{11 - len(prefix)}d}"
            for prefix, count in _DRAMA_RANGES
            for n in range(count)
        ]
        self.rng.shuffle(numbers)
        self.pool = numbers
        self._refilled = True

    @property
    def beyond_drama(self) -> int:
        """Numbers dealt from the 04 range once the drama ranges ran out."""
        return len(self.spare)

    def new(self) -> str:
        if not self._refilled:
            self._refill()
        if self.pool:
            return self.pool.pop()
        while True:
            number = f"{SPARE_PREFIX}{self.rng.randrange(10**9):09d}"
            if number not in self.spare:
                self.spare.add(number)
                return number


@dataclass(slots=True, eq=False)
class Person:
    key: str
    sex: str  # F, M or X (non-binary)
    group: str
    first: str
    middles: tuple[str, ...]
    last: str
    dob: date
    nhs: str
    addresses: list[tuple[date, Address]]  # (from, address), oldest first
    phones: list[tuple[date, str]] = field(default_factory=list)
    emails: list[tuple[date, str]] = field(default_factory=list)
    household_phone: str = ""
    household_email: str = ""
    prev_last: str = ""
    last_changed: date | None = None
    subject: bool = True
    hyphenated: bool = False

    def age_on(self, day: date) -> int:
        years = day.year - self.dob.year
        if (day.month, day.day) < (self.dob.month, self.dob.day):
            years -= 1
        return years

    def last_on(self, day: date) -> str:
        if self.prev_last and self.last_changed and day < self.last_changed:
            return self.prev_last
        return self.last

    @staticmethod
    def _on(history: list[tuple[date, str]], day: date) -> str:
        current = ""
        for start, value in history:
            if start <= day:
                current = value
        return current

    def address_on(self, day: date) -> Address:
        current = self.addresses[0][1]
        for start, address in self.addresses:
            if start <= day:
                current = address
        return current

    def phone_on(self, day: date) -> str:
        return self._on(self.phones, day)

    def email_on(self, day: date) -> str:
        return self._on(self.emails, day)


@dataclass
class HardNegatives:
    """Pairs of different people who look alike, by kind: (kind, person key, person key)."""

    pairs: list[tuple[str, str, str]] = field(default_factory=list)
    twins_similar_names: int = 0
    twins_same_initial: int = 0
    _pending: list[tuple[str, Person, Person]] = field(default_factory=list)

    def pair(self, kind: str, one: Person, other: Person) -> None:
        self._pending.append((kind, one, other))

    def resolve(self) -> None:
        """Keep the pairs whose people both appear in the extracts (have a key)."""
        for kind, one, other in self._pending:
            if one.key and other.key:
                self.pairs.append((kind, one.key, other.key))
        self._pending.clear()


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _zipf_pick(rng: random.Random, values: tuple[str, ...], skew: float = 0.9) -> str:
    # inverse-rank weights, cached per tuple
    weights = _WEIGHTS.get(id(values))
    if weights is None:
        weights = list(itertools.accumulate(1 / (rank + 1) ** skew for rank in range(len(values))))
        _WEIGHTS[id(values)] = weights
    return rng.choices(values, cum_weights=weights)[0]


_WEIGHTS: dict[int, list[float]] = {}
_GROUPS = tuple(names.GROUP_WEIGHTS)
_GROUP_CUM = list(itertools.accumulate(names.GROUP_WEIGHTS.values()))
#: Twins' names that look alike: (first name, sex, the other's name, sex).
_TWIN_SIMILAR = (
    ("Jayden", "M", "Jaydon", "M"), ("Aaliyah", "F", "Aliyah", "F"), ("Kayden", "M", "Jayden", "M"),
    ("Lacey", "F", "Lucy", "F"), ("Hassan", "M", "Hussain", "M"), ("Amina", "F", "Amira", "F"),
    ("Oliver", "M", "Olivia", "F"), ("Daniel", "M", "Danielle", "F"), ("Leon", "M", "Liam", "M"),
    ("Ella", "F", "Ellie", "F"), ("Jakub", "M", "Jacob", "M"), ("Mia", "F", "Maya", "F"),
    ("Harvey", "M", "Harley", "M"), ("Macy", "F", "Maisie", "F"),
)


class Population:
    """Makes households one at a time and yields the people who appear in the extracts."""

    def __init__(self, rng: random.Random, people: int) -> None:
        self.rng = rng
        self.target = people
        self.geo = Geography(rng, people)
        self.nhs = NhsNumbers(rng)
        self.phones = Phones(rng)
        self.hard = HardNegatives()
        self.jan1_registered = 0
        self.surname_changes = 0
        self.looked_after_moves = 0
        self._keys = itertools.count(1)
        self._last_named: dict[tuple[str, str], Person] = {}
        self._dropped: set[str] = set()

    # ---- names ----------------------------------------------------------------------------
    def group(self) -> str:
        return self.rng.choices(_GROUPS, cum_weights=_GROUP_CUM)[0]

    def forename(self, group: str, sex: str, dob: date) -> str:
        key = group
        if group == "white_british":
            key = "white_british_young" if dob.year >= 1995 else "white_british_older"
        female, male = names.FORENAMES[key]
        if sex == "X":
            sex = self.rng.choice("FM")
        skew = 0.35 if group == "white_british" else 0.6
        return _zipf_pick(self.rng, female if sex == "F" else male, skew)

    def surname(self, group: str) -> str:
        # British surnames are spread thinly (Smith, the commonest, is about 1% of people);
        # South Asian, Somali and Chinese surnames are far more concentrated.
        return _zipf_pick(self.rng, names.SURNAMES[group], 0.45 if group == "white_british" else 0.75)

    def middles(self, group: str, sex: str, dob: date, first: str) -> tuple[str, ...]:
        share = 0.75 if group in {"white_british", "caribbean"} else 0.35
        roll = self.rng.random()
        if roll > share:
            return ()
        count = 2 if roll < share * 0.12 else 1
        picked = {self.forename(group, sex, dob) for _ in range(count)} - {first}
        return tuple(sorted(picked))

    # ---- dates ----------------------------------------------------------------------------
    def dob_for_age(self, age: int, born_abroad: bool = False) -> date:
        day = REFERENCE_DATE - timedelta(days=int(age * 365.25) + self.rng.randrange(365))
        if born_abroad and self.rng.random() < 0.12:
            self.jan1_registered += 1
            return date(day.year, 1, 1)
        return day

    def _day_in_window(self, years: float = HISTORY_YEARS) -> date:
        return REFERENCE_DATE - timedelta(days=self.rng.randrange(30, int(365 * years)))

    # ---- people ---------------------------------------------------------------------------
    def person(self, group: str, sex: str, age: int, last: str, addresses: list[tuple[date, Address]],
               *, first: str = "", abroad_chance: float = 0.0) -> Person:
        born_abroad = group != "white_british" and self.rng.random() < abroad_chance
        dob = self.dob_for_age(age, born_abroad)
        if group == "eastern_european" and sex == "F":
            last = names.feminine_surname(last)
        elif group == "south_asian" and sex == "F":
            if last == "Singh":
                last = "Kaur" if self.rng.random() < 0.7 else last
            elif age >= 16 and self.rng.random() < 0.15:
                last = self.rng.choice(names.WOMENS_SURNAMES)
        first = first or self.forename(group, sex, dob)
        return Person(
            key="", sex=sex, group=group, first=first,
            middles=self.middles(group, sex, dob, first), last=last, dob=dob,
            nhs=self.nhs.new(), addresses=addresses,
        )

    def contact(self, person: Person, household_phone: str) -> None:
        """Give the person telephone numbers and e-mail addresses over time."""
        rng = self.rng
        age = person.age_on(REFERENCE_DATE)
        if age >= 11 and rng.random() < 0.9:
            history = [(date.min, self.phones.new())]
            for _ in range(_poisson(rng, 0.6 if age < 30 else 0.25)):
                history.append((self._day_in_window(), self.phones.new()))
            person.phones = sorted(history)
        if age >= 13 and rng.random() < 0.7:
            history = [(date.min, self._email(person, 0))]
            if rng.random() < 0.15:
                history.append((self._day_in_window(), self._email(person, 1)))
            person.emails = sorted(history)
        person.household_phone = household_phone or person.phone_on(REFERENCE_DATE)

    def _email(self, person: Person, generation: int) -> str:
        rng = self.rng
        first = "".join(ch for ch in person.first.translate(names.DIACRITIC_FOLDS).lower() if ch.isalpha())
        last = "".join(ch for ch in person.last.translate(names.DIACRITIC_FOLDS).lower() if ch.isalpha())
        style = rng.randrange(4) if generation == 0 else rng.randrange(2, 5)
        number = rng.randint(1, 99)
        local = (
            f"{first}.{last}",
            f"{first}{last}{number}",
            f"{first[:1]}{last}{person.dob.year % 100:02d}",
            f"{first}_{number}{last[:1]}",
            f"{last}.{first}{number}",
        )[style]
        domain = rng.choice(("example.com", "example.org", "example.net", "mail.example.com"))
        return f"{local}@{domain}"

    def history(self, moves_mean: float, street: Street | None = None) -> list[tuple[date, Address]]:
        """An address history ending in the current address (on ``street`` if given)."""
        moves = _poisson(self.rng, moves_mean)
        starts = sorted(self._day_in_window() for _ in range(moves))
        addresses = [self.geo.address() for _ in range(moves)] + [self.geo.address(street)]
        return list(zip([date.min, *starts], addresses, strict=True))

    def finish(self, members: list[Person], household_phone: str = "") -> list[Person]:
        """Give each subject a key and contacts; return the subjects."""
        for member in members:
            self.contact(member, household_phone)
        subjects = [m for m in members if m.subject]
        for member in subjects:
            member.key = f"YP{next(self._keys):07d}"
        self.hard.resolve()
        return subjects

    def households(self) -> Iterator[list[Person]]:
        """Yield the subjects of one household at a time until there are enough people."""
        made = 0
        kinds = (self.family, self.young_adults, self.couple, self.single, self.older)
        weights = (0.50, 0.25, 0.08, 0.12, 0.05)
        while made < self.target:
            kind = self.rng.choices(kinds, weights=weights)[0]
            for household in kind():
                subjects = household[: self.target - made]
                made += len(subjects)
                for dropped in household[len(subjects) :]:
                    self._dropped.add(dropped.key)
                if subjects:
                    yield subjects
        self.hard.resolve()
        self.hard.pairs = [
            pair for pair in self.hard.pairs if not self._dropped.intersection(pair[1:])
        ]

    # ---- household kinds ------------------------------------------------------------------
    def _common_name(self, group: str, person: Person, close_dob_ok: bool) -> None:
        female, male, _ = names.COMMON_NAMES[group]
        person.first = self.rng.choice(female if person.sex == "F" else male)
        name = (person.first, person.last)
        previous = self._last_named.get(name)
        if close_dob_ok and previous and self.rng.random() < 0.5:
            shifted = previous.dob + timedelta(days=self.rng.choice((-1, 1)) * self.rng.randint(1, 40))
            if shifted < REFERENCE_DATE - timedelta(days=365 * 16):
                person.dob = shifted
                self.hard.pair("common_name_close_dob", previous, person)
        self._last_named[name] = person

    def _household_surname(self, group: str, common: bool) -> str:
        if common:
            return self.rng.choice(names.COMMON_NAMES[group][2])
        return self.surname(group)

    def family(self, street: Street | None = None, surname: str = "", group: str = "") -> Generator[list[Person], None, list[Person]]:
        rng = self.rng
        cousin = bool(surname)
        group = group or self.group()
        common = not cousin and group in names.COMMON_NAMES and rng.random() < 0.03
        surname = surname or self._household_surname(group, common)
        addresses = self.history(0.5, street)
        mother_age = rng.randint(20, 55)
        mother_last = surname if group not in names.WIFE_KEEPS_SURNAME else self.surname(group)
        mother = self.person(group, "F", mother_age, mother_last, addresses, abroad_chance=0.5)
        members = [mother]
        father = None
        if rng.random() < 0.62:
            father = self.person(group, "M", max(18, mother_age + rng.randint(-3, 7)), surname, addresses, abroad_chance=0.5)
            members.append(father)
            if group not in names.WIFE_KEEPS_SURNAME and rng.random() < 0.08:
                self._marriage(mother, self.surname(group))
        child_last = father.first if (father and group in names.PATRONYMIC) else surname
        hyphen = ""
        if group in {"white_british", "caribbean"} and rng.random() < 0.05:
            hyphen = f"{child_last}-{self.surname(group)}"
        children = self._children(group, mother, hyphen or child_last, addresses)
        for child in children:
            child.hyphenated = bool(hyphen)
        members.extend(children)
        for parent in (mother, father):
            if parent:
                parent.subject = rng.random() < 0.45
        if common:
            self._common_names(group, members)
        self._family_hard_negatives(mother, father, children)
        self._siblings(children)
        household_phone = self.phones.new() if rng.random() < 0.15 else ""
        subjects = self.finish(members, household_phone)
        self._parents_contacts([p for p in (mother, father) if p], children, household_phone)
        yield subjects
        if not cousin and rng.random() < 0.06:
            cousins = yield from self.family(addresses[-1][1].street, surname, group)
            for child in children:
                for other in cousins:
                    young = child.age_on(REFERENCE_DATE) < 25 and other.age_on(REFERENCE_DATE) < 25
                    if young and child.last == other.last:
                        self.hard.pair("cousins_same_street", child, other)
        return children

    @staticmethod
    def _parents_contacts(parents: list[Person], children: list[Person], household_phone: str) -> None:
        """Children's records may carry a parent's telephone number and e-mail address."""
        phone = household_phone or next((p.phone_on(REFERENCE_DATE) for p in parents if p.phones), "")
        email = next((p.email_on(REFERENCE_DATE) for p in parents if p.emails), "")
        for child in children:
            child.household_phone = phone
            child.household_email = email

    def _common_names(self, group: str, members: list[Person]) -> None:
        used = {m.first for m in members}
        for member in members:
            twin = any(o is not member and o.dob == member.dob for o in members)
            if twin or self.rng.random() < 0.5:
                continue
            before = member.first
            self._common_name(group, member, close_dob_ok=False)
            if member.first in used - {before}:
                member.first = before
            used.add(member.first)

    def _marriage(self, person: Person, maiden: str) -> None:
        """A change of surname on marriage, which comes with a move to the current address."""
        changed = self._day_in_window()
        person.prev_last = maiden
        person.last_changed = changed
        self.surname_changes += 1
        before = [(start, address) for start, address in person.addresses[:-1] if start < changed]
        if not before:
            before = [(date.min, self.geo.address())]
        person.addresses = [*before, (changed, person.addresses[-1][1])]

    def _children(self, group: str, mother: Person, last: str, addresses: list[tuple[date, Address]]) -> list[Person]:
        rng = self.rng
        mother_age = mother.age_on(REFERENCE_DATE)
        oldest = min(24, mother_age - 16)
        count = rng.choices((1, 2, 3, 4, 5), weights=(35, 35, 18, 8, 4))[0]
        children = []
        for _ in range(count):
            age = rng.randint(0, oldest) if rng.random() < 0.3 else rng.randint(0, min(17, oldest))
            sex = "F" if rng.random() < 0.5 else "M"
            child = self.person(group, sex, age, last, addresses, abroad_chance=0.2 if age > 5 else 0.0)
            if rng.random() < 0.04 and age > 2:
                # step-family: the child's surname changed within the window
                child.prev_last = self.surname(group)
                child.last_changed = self._day_in_window(min(HISTORY_YEARS, age))
                self.surname_changes += 1
            if rng.random() < 0.03 and age >= 5:
                self._placement(child)
            children.append(child)
        if children and rng.random() < 0.035:
            children.append(self._twin(children[0]))
        return children

    def _placement(self, child: Person) -> None:
        """A looked-after child's time in a foster placement at another address."""
        start = self._day_in_window(3)
        end = start + timedelta(days=self.rng.randint(60, 600))
        home = child.address_on(end)
        child.addresses = sorted([*child.addresses, (start, self.geo.address()), (end, home)], key=lambda item: item[0])
        self.looked_after_moves += 1

    def _twin(self, child: Person) -> Person:
        rng = self.rng
        sex = child.sex if rng.random() < 0.6 else ("M" if child.sex == "F" else "F")
        twin = Person(
            key="", sex=sex, group=child.group, first="", middles=(), last=child.last,
            dob=child.dob, nhs=self.nhs.new(), addresses=child.addresses,
            prev_last=child.prev_last, last_changed=child.last_changed, hyphenated=child.hyphenated,
        )
        roll = rng.random()
        if roll < 0.3:
            child.first, child.sex, twin.first, twin.sex = rng.choice(_TWIN_SIMILAR)
            child.middles = self.middles(child.group, child.sex, child.dob, child.first)
            self.hard.twins_similar_names += 1
        elif roll < 0.5:
            twin.first = self._same_initial(child)
            self.hard.twins_same_initial += 1
        while not twin.first or twin.first == child.first:
            twin.first = self.forename(child.group, twin.sex, child.dob)
        twin.middles = self.middles(child.group, twin.sex, child.dob, twin.first)
        return twin

    def _same_initial(self, child: Person) -> str:
        for _ in range(30):
            name = self.forename(child.group, child.sex, child.dob)
            if name[0] == child.first[0] and name != child.first:
                return name
        return ""

    def _family_hard_negatives(self, mother: Person, father: Person | None, children: list[Person]) -> None:
        rng = self.rng
        for child in children:
            child.subject = rng.random() < 0.95
        twins = [c for c in children if any(o is not c and o.dob == c.dob for o in children)]
        for twin in twins:
            twin.subject = True
        for parent in (father, mother):
            if parent is None:
                continue
            same_sex = [c for c in children if c.sex == parent.sex and c not in twins]
            chance = 0.09 if parent is father else 0.025
            if same_sex and rng.random() < chance:
                child = same_sex[0]
                gap = parent.age_on(REFERENCE_DATE) - child.age_on(REFERENCE_DATE)
                if 18 <= gap <= 45:
                    child.first = parent.first
                    child.last = parent.last if not child.hyphenated else child.last
                    parent.subject = child.subject = True
                    self.hard.pair("parent_child_same_name", parent, child)

    def _siblings(self, children: list[Person]) -> None:
        """Pairs of twins, and of other siblings, sharing an address and a contact phone."""
        for i, one in enumerate(children):
            for other in children[i + 1 :]:
                kind = "twins" if one.dob == other.dob else "siblings_sharing_phone_and_address"
                self.hard.pair(kind, one, other)

    def young_adults(self) -> Iterator[list[Person]]:
        rng = self.rng
        street = rng.choice(self.geo.streets)
        addresses = self.history(1.4, street)
        members = []
        for _ in range(1 if rng.random() < 0.8 else 2):
            group = self.group()
            sex = "X" if rng.random() < 0.01 else ("F" if rng.random() < 0.55 else "M")
            person = self.person(group, sex, rng.randint(16, 30), self.surname(group), addresses, abroad_chance=0.35)
            if group in names.COMMON_NAMES and rng.random() < 0.05:
                person.last = rng.choice(names.COMMON_NAMES[group][2])
                self._common_name(group, person, close_dob_ok=True)
            members.append(person)
        yield self.finish(members)

    def couple(self) -> Iterator[list[Person]]:
        rng = self.rng
        group = self.group()
        surname = self.surname(group)
        addresses = self.history(0.6)
        age = rng.randint(20, 70)
        woman = self.person(group, "F", age, surname, addresses, abroad_chance=0.4)
        man = self.person(group, "M", max(18, age + rng.randint(-4, 8)), surname, addresses, abroad_chance=0.4)
        if group in names.WIFE_KEEPS_SURNAME:
            woman.last = self.surname(group)
        elif age < 45 and rng.random() < 0.12:
            self._marriage(woman, self.surname(group))
        yield self.finish([woman, man], self.phones.new() if rng.random() < 0.3 else "")

    def single(self) -> Iterator[list[Person]]:
        rng = self.rng
        group = self.group()
        sex = "F" if rng.random() < 0.5 else "M"
        person = self.person(group, sex, rng.randint(30, 90), self.surname(group), self.history(0.4), abroad_chance=0.4)
        if group in names.COMMON_NAMES and rng.random() < 0.05:
            person.last = rng.choice(names.COMMON_NAMES[group][2])
            self._common_name(group, person, close_dob_ok=True)
        yield self.finish([person])

    def older(self) -> Iterator[list[Person]]:
        rng = self.rng
        group = self.group()
        surname = self.surname(group)
        addresses = self.history(0.15)
        members = [self.person(group, "F", rng.randint(65, 90), surname, addresses)]
        if rng.random() < 0.4:
            members.append(self.person(group, "M", rng.randint(65, 90), surname, addresses))
        yield self.finish(members, self.phones.new() if rng.random() < 0.6 else "")

"""Synthetic agency extracts, with the errors real ones have, and the truth behind them.

:func:`write_extracts` invents ``people`` synthetic people living in Northwick and writes, for
each agency, the person extract its system would produce, in Lantern's standard layout
(``record_id, source, first_name, middle_names, last_name, date_of_birth, sex, nhs_number,
postcode, address, phone, email``), plus ``truth.csv`` (``source, record_id, person_key``):
which records are the same person. Linkage is measured against it.

Everything is synthetic and says so: NHS numbers come from the 999 test range, phone numbers
from Ofcom's drama ranges, e-mail addresses from example.org, postcodes from the area NK,
which does not exist. The same seed (and ``as_of``) always gives byte-identical files. Files
are written as people are made, so memory stays flat however many people are asked for.

Who appears where
-----------------
Each person is known to 1 agency (35 %), 2 (30 %), 3 (22 %) or 4 (13 %), chosen by each
agency's reach and only where the agency serves them: the school and children's services see
people under 18 (children's services also 30 % of care leavers aged 18–21), adult social care
people of 18 and over. An agency sometimes holds two records for one person (police 4 %,
health 2 %, others 1 %), each recorded separately.

People
------
72 % female, 27 % male, 1 % other; aged 10–17 (55 %), 18–25 (35 %) or 26–45 (10 %) on
``as_of``. Given names are drawn with a long-tailed frequency from recent and older English
name lists; family names from the frequency-weighted list of common British surnames (Smith,
Jones, Taylor… are common), with 12 % from a list of South Asian, African, Eastern European
and Irish surnames (apostrophes included: O'Brien). 6 % have a double-barrelled surname
(Smith-Jones). 55 % have one middle name, 10 % two. Every person has an NHS number (not every
agency records it), 1–3 addresses over time, 75 % a mobile (20 % a second), 40 % an e-mail
address (15 % a second).

Hard cases on purpose (issue 12: the model must meet families where it is tuned, not first
in the report set): 1 % of people have a twin (same surname, date of birth and addresses, a
different first name and NHS number); about 14 % a brother or sister (same surname and home,
a different first name, born one to eight years apart) and 4 % a parent or child in the data
(mostly the same surname, the same home, born 18–35 years apart; a fifth of the parents of
the child's sex share the child's first and middle names). A household member shares the
household's first telephone number half the time. 1.5 % are namesakes of an earlier person
(same first and last name) and a third of those also share the date of birth. The drama phone ranges
hold about 17,000 numbers, so in sets of more than a few thousand people unrelated people
share phone numbers: phone is weaker evidence here than in real data.

Errors per record (each agency's own rate; "≈" marks the range over agencies)
-----------------------------------------------------------------------------
==============================  =========================================================
nickname or spelling variant    police 12 %, sexual health 20 %, voluntary 25 %, others 3–5 %
                                (nicknames from the ``nicknames`` package: Rebecca→Becky;
                                spelling variants: Kayleigh→Kayley, Mohammed→Muhammad)
typo in a name                  ≈ 2–5 % per name (a letter dropped, doubled, swapped or wrong;
                                one in five the first letter, misheard: Kaitlyn for Caitlin)
both names mistyped             1 % of records (keyed carelessly; the first name twice in 30 %)
first and last name swapped     police 3 %, others 0.5–1.5 %
middle names left out           35–70 % of records of people who have them
double surname                  recorded whole, with a space, or only one part (50/20/15/15)
date of birth missing           police 2 %, voluntary 20 %, sexual health 5 %, others ≤ 1 %
year of birth only              voluntary 15 %, police 2 %, others ≤ 1 %
day and month swapped           ≈ 1–3 % (only where the swap is still a real date)
date of birth digit wrong       ≈ 1 % (a day or the year out by one or two)
sex missing                     ≈ 3–10 %; coded per agency (F/M, female/male, NHS 1/2…)
NHS number recorded             health 97 %, sexual health 45 %, children's 75 %, adults 70 %,
                                police 10 %, school 0 %, housing 5 %, voluntary 10 %
NHS number typo                 1.5 % of those recorded (one digit wrong or two swapped:
                                the check digit then fails; kept by the import as a near miss)
an earlier address              police 30 %, housing 15 %, others 20–35 %
postcode missing / typo         ≈ 3–15 % / 1 %; written with or without the space, any case
phone                           police 50 %, health 70 %, voluntary 80 %…; 20 % of those an
                                older or different number; written in four formats
e-mail                          0–60 % by agency; 20 % of those a different address
a value no import can read      0.4 % of records (31/02/2009, "ask for mum" as a phone, NK1
                                as a postcode, a nine-digit NHS number, an e-mail without a
                                domain): the import quarantines these rows
==============================  =========================================================
"""

from __future__ import annotations

import bisect
import csv
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import IO, Any

from faker.providers.person.en_GB import Provider as GBNames
from nicknames import NickNamer

from lantern.core.normalisers import is_valid_nhs_number, nhs_check_digit
from lantern.imports.layout import STANDARD_COLUMNS

TRUTH_HEADER = ("source", "record_id", "person_key")
AS_OF = date(2026, 1, 1)
#: Rows are shuffled within blocks this size, so files do not list people in the same order.
SHUFFLE_BLOCK = 5000


#: Of name typos, the share at the first letter; of records, the share keyed carelessly
#: (both names mistyped). docs/decisions/0012-blocking-and-households-again.md.
FIRST_LETTER_TYPO = 0.2
CARELESS_RECORD = 0.01


@dataclass(frozen=True)
class AgencyStyle:
    """How one agency's system records people, and how often it gets what wrong."""

    code: str
    source: str
    id_prefix: str
    id_digits: int
    reach: float
    min_age: int = 0
    max_age: int = 200
    nickname: float = 0.04
    typo: float = 0.03
    swap_names: float = 0.01
    middle_kept: float = 0.5
    upper_surname: bool = False
    dob_format: str = "%d/%m/%Y"
    dob_missing: float = 0.01
    dob_year_only: float = 0.005
    dob_swap: float = 0.015
    dob_typo: float = 0.01
    sex_codes: tuple[str, str, str] = ("F", "M", "U")
    sex_missing: float = 0.05
    nhs_present: float = 0.5
    nhs_typo: float = 0.015
    nhs_spaced: float = 0.3
    address_old: float = 0.25
    postcode_missing: float = 0.05
    postcode_typo: float = 0.01
    phone_present: float = 0.5
    email_present: float = 0.2
    duplicate: float = 0.01
    bad_value: float = 0.004


AGENCY_STYLES: tuple[AgencyStyle, ...] = (
    AgencyStyle(
        code="police", source="police-niche", id_prefix="NP", id_digits=7, reach=1.0,
        nickname=0.12, typo=0.05, swap_names=0.03, middle_kept=0.5, upper_surname=True,
        dob_missing=0.02, dob_year_only=0.02, dob_swap=0.03, sex_codes=("F", "M", "U"),
        sex_missing=0.03, nhs_present=0.10, address_old=0.30, postcode_missing=0.08,
        phone_present=0.5, email_present=0.1, duplicate=0.04,
    ),
    AgencyStyle(
        code="health", source="health-pas", id_prefix="RNK", id_digits=7, reach=0.9,
        nickname=0.03, typo=0.02, swap_names=0.005, middle_kept=0.65, dob_format="%Y-%m-%d",
        dob_missing=0.0, dob_year_only=0.0, dob_swap=0.01, sex_codes=("2", "1", "0"),
        sex_missing=0.01, nhs_present=0.97, nhs_spaced=0.0, address_old=0.20,
        postcode_missing=0.02, phone_present=0.7, email_present=0.3, duplicate=0.02,
    ),
    AgencyStyle(
        code="sexual-health", source="sexual-health-clinic", id_prefix="SH", id_digits=6,
        reach=0.5, min_age=13, nickname=0.20, typo=0.04, middle_kept=0.35,
        dob_missing=0.05, dob_year_only=0.01, sex_codes=("Female", "Male", "Other"),
        nhs_present=0.45, address_old=0.25, postcode_missing=0.15, phone_present=0.85,
        email_present=0.6,
    ),
    AgencyStyle(
        code="childrens", source="childrens-lcs", id_prefix="", id_digits=6, reach=0.8,
        max_age=21, nickname=0.04, typo=0.02, middle_kept=0.7, sex_codes=("Female", "Male",
        "Not known"), sex_missing=0.01, nhs_present=0.75, address_old=0.35,
        postcode_missing=0.03, phone_present=0.4, email_present=0.1,
    ),
    AgencyStyle(
        code="adults", source="adults-las", id_prefix="AS", id_digits=6, reach=0.45,
        min_age=18, nickname=0.05, typo=0.02, middle_kept=0.6, dob_format="%d-%m-%Y",
        sex_codes=("female", "male", "not_known"), nhs_present=0.70, address_old=0.25,
        phone_present=0.7, email_present=0.3,
    ),
    AgencyStyle(
        code="school", source="school-mis", id_prefix="UPN", id_digits=8, reach=0.9,
        max_age=17, nickname=0.03, typo=0.02, swap_names=0.005, middle_kept=0.6,
        dob_missing=0.0, dob_year_only=0.0, dob_swap=0.01, sex_codes=("F", "M", "X"),
        sex_missing=0.0, nhs_present=0.0, address_old=0.2, postcode_missing=0.02,
        phone_present=0.3, email_present=0.05,
    ),
    AgencyStyle(
        code="housing", source="housing-hms", id_prefix="HA", id_digits=6, reach=0.45,
        min_age=16, nickname=0.05, typo=0.03, middle_kept=0.3, dob_format="%d %b %Y",
        dob_missing=0.01, dob_year_only=0.005, sex_codes=("F", "M", "U"), sex_missing=0.10,
        nhs_present=0.05, address_old=0.15, postcode_missing=0.02, phone_present=0.9,
        email_present=0.5,
    ),
    AgencyStyle(
        code="voluntary", source="voluntary-crm", id_prefix="SHN", id_digits=6, reach=0.4,
        nickname=0.25, typo=0.05, swap_names=0.01, middle_kept=0.2, dob_missing=0.20,
        dob_year_only=0.15, dob_swap=0.02, sex_codes=("Female", "Male", "Other"),
        sex_missing=0.08, nhs_present=0.10, address_old=0.25, postcode_missing=0.15,
        phone_present=0.8, email_present=0.45,
    ),
)
STYLES = {style.code: style for style in AGENCY_STYLES}
AGENCY_CODES: tuple[str, ...] = tuple(STYLES)

_AGENCY_COUNT_WEIGHTS = (0.35, 0.30, 0.22, 0.13)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


RECENT_FEMALE = _words(
    "Olivia Amelia Isla Ava Emily Sophie Grace Mia Poppy Ella Lily Evie Isabella Jessica "
    "Chloe Ruby Sophia Millie Daisy Freya Charlotte Lucy Holly Megan Ellie Katie Lauren "
    "Hannah Amy Bethany Courtney Chelsea Jade Shannon Paige Leah Abigail Caitlin Rebecca "
    "Georgia Molly Keira Niamh Erin Libby Scarlett Phoebe Layla Summer Kayleigh Tia Demi "
    "Aaliyah Amira Zara Maisie Lola Eva Rosie Imogen Alice Matilda Zoe Elizabeth Victoria "
    "Samantha Danielle Natasha Jasmine Nicole Abbie Kelsey Leoni Tegan Skye Amber Brooke"
)
RECENT_MALE = _words(
    "Oliver Jack Harry George Charlie Jacob Thomas Noah William Oscar James Joshua Alfie Leo "
    "Ethan Daniel Samuel Mohammed Callum Connor Kyle Liam Ryan Jordan Lewis Bradley Tyler "
    "Reece Kieran Luke Dylan Nathan Aaron Adam Ben Matthew Joseph Jake Harvey Mason Logan "
    "Riley Archie Finley Max Jamie Owen Alexander Michael Christopher Zain Ibrahim Kai"
)
OTHER_SURNAMES = _words(
    "Khan Ahmed Hussain Ali Begum Patel Singh Kaur Nowak Kowalski Okafor Mensah Ibrahim "
    "Mahmood Akhtar Rahman Islam Iqbal Shah Mohamed Hassan Abdi Yusuf Bibi Chowdhury Popescu "
    "Horvath Silva Santos Costa Murphy Kelly O'Brien O'Neill McDonald MacLeod O'Connor "
    "Kamara Osei Adeyemi Wiśniewski Dąbrowski Lewandowski Kaczmarek Balogun Nwosu"
)
#: Spelling variants of given names, which the nickname list does not hold.
SPELLING_VARIANTS: dict[str, tuple[str, ...]] = {
    "Kayleigh": ("Kayley", "Kayleigh", "Kaylee", "Caleigh"),
    "Mohammed": ("Muhammad", "Mohammad", "Mohamed"),
    "Leah": ("Lea", "Leigh"),
    "Sophie": ("Sofie", "Sophy"),
    "Zoe": ("Zoë", "Zoey"),
    "Megan": ("Meghan", "Meagan"),
    "Chloe": ("Chloë", "Cloe"),
    "Jade": ("Jayde", "Jaid"),
    "Leoni": ("Leonie", "Leoney"),
    "Tia": ("Tiah", "Tiya"),
    "Keira": ("Kiera", "Kira"),
    "Niamh": ("Neve", "Niahm"),
    "Abbie": ("Abby", "Abi"),
    "Bethany": ("Bethanie", "Beth"),
    "Callum": ("Calum", "Kallum"),
    "Connor": ("Conor", "Conner"),
    "Kieran": ("Ciaran", "Keiran"),
    "Reece": ("Rhys", "Reese"),
    "Aaliyah": ("Aliyah", "Aleah"),
    "Tegan": ("Teagan", "Tegen"),
    "Demi": ("Demmi", "Demie"),
    "Amira": ("Amirah", "Ameera"),
    "Zain": ("Zayn", "Zaine"),
}
STREETS = (
    "Marlow", "Tanner's", "Castle", "Station", "Mill", "Church", "Quayside", "Eastfield",
    "Northgate", "Riverside", "Victoria", "Albert", "Park", "Chapel", "Market", "Bridge",
    "Moor", "Heaton", "Byker", "Elswick", "Fenham", "Benwell", "Walker", "Westgate",
    "Tyne", "Bede", "Cuthbert", "Grey", "Clayton", "Percy", "Collingwood", "Dean",
    "Pilgrim", "Blackett", "Shields", "Gosforth", "Jesmond", "Sandyford", "Osborne",
    "Wingrove", "Cowgate", "Kenton", "Denton", "Scotswood", "Lemington", "Newburn",
)
STREET_KINDS = (
    ("Road", "Rd"), ("Street", "St"), ("Avenue", "Ave"), ("Close", "Cl"), ("Lane", "Ln"),
    ("Court", "Ct"), ("Gardens", "Gdns"), ("Terrace", "Ter"), ("Way", "Way"),
    ("Crescent", "Cres"),
)
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
#: Ofcom's drama ranges: (prefix written nationally, count of numbers, digits after prefix).
DRAMA_RANGES: tuple[tuple[str, int], ...] = (
    ("07700 900", 1000),
    ("0113 496 0", 1000),
    ("0114 496 0", 1000),
    ("0115 496 0", 1000),
    ("0116 496 0", 1000),
    ("0117 496 0", 1000),
    ("0118 496 0", 1000),
    ("0121 496 0", 1000),
    ("0131 496 0", 1000),
    ("0141 496 0", 1000),
    ("0151 496 0", 1000),
    ("0161 496 0", 1000),
    ("020 7946 0", 1000),
    ("0191 498 0", 1000),
    ("028 9649 6", 1000),
    ("029 2018 0", 1000),
    ("01632 960", 1000),
)
_PHONE_POOL = sum(count for _, count in DRAMA_RANGES)
#: Families (issue 12): the share of people made as the twin, the brother or sister, or the
#: parent of someone made shortly before (each of those then has a relative in the data: so
#: about 1 % have a twin, 14 % a brother or sister, 4 % a parent or child); and the share of
#: parents of the child's sex who share the child's first name (and middle names).
TWIN_SHARE = 0.01
SIBLING_SHARE = 0.07
PARENT_SHARE = 0.04
SAME_NAME_PARENT_SHARE = 0.2
BAD_VALUES: tuple[tuple[str, str], ...] = (
    ("date_of_birth", "31/02/2009"),
    ("date_of_birth", "00/00/2008"),
    ("phone", "ask for mum"),
    ("phone", "07700 9001234"),
    ("postcode", "NK1"),
    ("postcode", "NK99 ZZZ"),
    ("nhs_number", "99912345"),
    ("email", "no.domain@"),
    ("sex", "Q"),
)


@dataclass(frozen=True)
class ExtractsReport:
    """What :func:`write_extracts` wrote."""

    out_dir: Path
    seed: int
    people: int
    records: int
    by_agency: dict[str, int]
    files: dict[str, Path]
    truth: Path
    expected_quarantine: int
    as_of: date


@dataclass
class SynthPerson:
    key: str
    sex: str
    given: str
    middles: tuple[str, ...]
    family: str
    dob: date
    nhs: str
    addresses: list[tuple[str, str]]
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)

    def age_on(self, day: date) -> int:
        years = day.year - self.dob.year
        return years - ((day.month, day.day) < (self.dob.month, self.dob.day))


class _Weighted:
    """A fast weighted choice over a fixed list (cumulative weights, bisect)."""

    def __init__(self, items: Sequence[str], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> str:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def _zipf(items: Sequence[str], offset: float = 8.0) -> _Weighted:
    return _Weighted(items, [1.0 / (rank + offset) for rank in range(len(items))])


@cache
def _name_lists() -> dict[str, _Weighted]:
    female = list(dict.fromkeys([*RECENT_FEMALE, *GBNames.first_names_female]))
    male = list(dict.fromkeys([*RECENT_MALE, *GBNames.first_names_male]))
    surnames = list(GBNames.last_names)
    weights = [float(w) for w in GBNames.last_names.values()]
    share = sum(weights) * 0.12 / len(OTHER_SURNAMES)
    return {
        "female": _zipf(female),
        "male": _zipf(male),
        "family": _Weighted([*surnames, *OTHER_SURNAMES],
                            [*weights, *([share] * len(OTHER_SURNAMES))]),
    }


@cache
def _nicknamer() -> NickNamer:
    return NickNamer()


@cache
def _variants(given: str) -> tuple[str, ...]:
    """Nicknames and spelling variants of a given name, in a fixed order."""
    options: list[str] = list(SPELLING_VARIANTS.get(given, ()))
    nicknames = sorted(_nicknamer().nicknames_of(given.lower()))
    # Nicknames that start like the name (Becky, Jess) are the ones people use; the rest
    # (Reba, Sherry) are kept, but rarer.
    close = [n for n in nicknames if n[:2] == given.lower()[:2] or n[:1] == given.lower()[:1]]
    options += [n.title() for n in close] * 3 + [n.title() for n in nicknames if n not in close]
    return tuple(o for o in options if o.lower() != given.lower())


#: Letters a name's first letter is misheard or mistyped as (Caitlin/Kaitlyn, Jade/Gade).
_FIRST_LETTER_SLIPS = {
    "c": "ks", "k": "c", "s": "cz", "z": "s", "j": "gy", "g": "j", "y": "ji", "i": "ey",
    "e": "ai", "a": "e", "f": "p", "p": "f", "v": "w", "w": "v", "b": "p", "d": "t", "t": "d",
}  # fmt: skip


def _typo(rng: random.Random, word: str) -> str:
    """One slip in a word. One in five hits the first letter (a name heard, not read: Kaitlyn
    for Caitlin; issue 12, docs/decisions/0012): the initial is then no longer a safe key."""
    if len(word) < 3:
        return word
    if rng.random() < FIRST_LETTER_TYPO:
        first = word[0].lower()
        letter = rng.choice(_FIRST_LETTER_SLIPS.get(first, "aeioustnl".replace(first, "")))
        return (letter.upper() if word[0].isupper() else letter) + word[1:]
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1 :]  # a letter dropped
    if kind == 1:
        return word[:i] + word[i] + word[i:]  # a letter doubled
    if kind == 2 and word[i].isalpha() and word[i + 1].isalpha():
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # two swapped
    letter = rng.choice("aeiourstnl")
    return word[:i] + (letter.upper() if word[i].isupper() else letter) + word[i + 1 :]


class _Permutation:
    """A bijection on range(modulus): distinct counters give distinct, scattered numbers."""

    def __init__(self, rng: random.Random, modulus: int) -> None:
        self.modulus = modulus
        while True:
            self.a = rng.randrange(modulus // 3, modulus) | 1
            if self.a % 5:
                break
        self.b = rng.randrange(modulus)

    def __call__(self, n: int) -> int:
        return (self.a * n + self.b) % self.modulus


class _People:
    """Makes synthetic people one at a time; keeps only a few recent ones (for families)."""

    def __init__(self, rng: random.Random, as_of: date) -> None:
        self.rng = rng
        self.as_of = as_of
        self.names = _name_lists()
        self.nhs_order = _Permutation(rng, 1_000_000)
        self.nhs_counter = 0
        self.recent: list[SynthPerson] = []
        self.count = 0

    def _nhs(self) -> str:
        while True:
            first9 = f"999{self.nhs_order(self.nhs_counter):06d}"
            self.nhs_counter += 1
            if self.nhs_counter > 1_000_000:
                msg = "The 999 test range holds about 900,000 NHS numbers: ask for fewer people"
                raise ValueError(msg)
            check = nhs_check_digit(first9)
            if check is not None:
                return f"{first9}{check}"

    def _address(self) -> tuple[str, str]:
        rng = self.rng
        street, _ = rng.choice(STREET_KINDS)
        line = f"{rng.randint(1, 240)} {rng.choice(STREETS)} {street}"
        if rng.random() < 0.15:
            line = f"Flat {rng.randint(1, 24)}, {line}"
        postcode = (
            f"NK{rng.randint(1, 20)} {rng.randint(1, 9)}"
            f"{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
        )
        return f"{line}, Northwick", postcode

    def phone(self) -> str:
        """A number from a drama range, written nationally with its usual spaces."""
        n = self.rng.randrange(_PHONE_POOL)
        for prefix, count in DRAMA_RANGES:
            if n < count:
                width = 11 - len(prefix.replace(" ", ""))
                number = prefix + f"{n:0{width}d}"
                return number if number.count(" ") else f"{number[:5]} {number[5:]}"
            n -= count
        raise AssertionError  # pragma: no cover

    def email(self, given: str, family: str) -> str:
        rng = self.rng
        local = rng.choice(
            (
                f"{given}.{family}",
                f"{given}{family}{rng.randint(1, 99)}",
                f"{given[0]}{family}",
                f"{given}{rng.randint(90, 99) if rng.random() < 0.3 else rng.randint(1, 30)}",
            )
        )
        clean = "".join(ch for ch in local.lower() if ch.isascii() and (ch.isalnum() or ch == "."))
        return f"{clean}@example.org"

    def _dob(self) -> date:
        rng = self.rng
        roll = rng.random()
        age = rng.randint(10, 17) if roll < 0.55 else rng.randint(18, 25) if roll < 0.9 else (
            rng.randint(26, 45)
        )
        return self.as_of - timedelta(days=age * 365 + rng.randint(0, 364))

    def _given(self, sex: str) -> str:
        if sex == "other":
            sex = self.rng.choice(("female", "male"))
        return self.names[sex].pick(self.rng)

    def make(self) -> SynthPerson:
        rng = self.rng
        self.count += 1
        key = f"P{self.count:07d}"
        roll = rng.random()
        person: SynthPerson | None = None
        if self.recent and roll < TWIN_SHARE:
            person = self._twin(key)
        elif self.recent and roll < TWIN_SHARE + SIBLING_SHARE:
            person = self._sibling(key)
        elif self.recent and roll < TWIN_SHARE + SIBLING_SHARE + PARENT_SHARE:
            person = self._parent(key)
        if person is None:
            person = self._stranger(key, namesake=bool(self.recent) and rng.random() < 0.015)
        self.recent.append(person)
        if len(self.recent) > 500:
            self.recent.pop(0)
        return person

    def _stranger(self, key: str, *, namesake: bool) -> SynthPerson:
        """Someone of no family in the data: perhaps a namesake of someone made recently."""
        rng = self.rng
        sex = "female" if rng.random() < 0.72 else "male" if rng.random() < 0.96 else "other"
        family = self.names["family"].pick(rng)
        if rng.random() < 0.06:
            family = f"{family}-{self.names['family'].pick(rng)}"
        given = self._given(sex)
        dob = self._dob()
        if namesake:
            other = rng.choice(self.recent)
            given, family = other.given, other.family
            if rng.random() < 1 / 3:
                dob = other.dob
        addresses = [self._address() for _ in range(rng.choice((1, 1, 2, 3)))]
        middles = self._middles(sex)
        person = SynthPerson(key, sex, given, middles, family, dob, self._nhs(), addresses)
        self._contacts(person)
        return person

    def _middles(self, sex: str) -> tuple[str, ...]:
        roll = self.rng.random()
        return tuple(self._given(sex) for _ in range(2 if roll < 0.10 else 1 if roll < 0.65 else 0))

    def _contacts(self, person: SynthPerson, household: SynthPerson | None = None) -> None:
        """Own mobiles and e-mail addresses; a household member shares the household's
        first number half the time (a landline, a parent's mobile given for a child)."""
        rng = self.rng
        if household is not None and household.phones and rng.random() < 0.5:
            person.phones.append(household.phones[0])
        if rng.random() < 0.75:
            person.phones.append(self.phone())
            if rng.random() < 0.2:
                person.phones.append(self.phone())
        if rng.random() < 0.4:
            person.emails.append(self.email(person.given, person.family))
            if rng.random() < 0.15:
                person.emails.append(self.email(person.given, person.family))

    def _home_of(self, other: SynthPerson) -> list[tuple[str, str]]:
        """A household member's addresses: the other's current one, perhaps one of their own
        before it (a parent who moved in, a sibling who lived elsewhere)."""
        addresses = [other.addresses[0]]
        if self.rng.random() < 0.3:
            addresses.append(self._address())
        return addresses

    def _sibling(self, key: str) -> SynthPerson:
        """A brother or sister of someone made recently: same surname and home, a different
        first name, born one to eight years apart."""
        rng = self.rng
        other = rng.choice(self.recent)
        sex = "female" if rng.random() < 0.6 else "male"
        given = self._given(sex)
        while given == other.given:
            given = self._given(sex)
        gap = timedelta(days=rng.randint(365, 8 * 365))
        youngest = self.as_of - timedelta(days=10 * 365)
        later = other.dob + gap
        dob = later if rng.random() < 0.5 and later <= youngest else other.dob - gap
        middles = self._middles(sex)
        home = self._home_of(other)
        person = SynthPerson(key, sex, given, middles, other.family, dob, self._nhs(), home)
        self._contacts(person, household=other)
        return person

    def _parent(self, key: str) -> SynthPerson | None:
        """A parent of someone young made recently, living with them: mostly the same
        surname, born 18 to 35 years before; a father or mother and child sometimes share
        a first name (and a middle name) too. None when nobody recent is young enough."""
        rng = self.rng
        child = rng.choice(self.recent)
        if child.age_on(self.as_of) > 25:
            return None
        sex = "female" if rng.random() < 0.65 else "male"
        given = self._given(sex)
        middles = self._middles(sex)
        if sex == child.sex and rng.random() < SAME_NAME_PARENT_SHARE:
            given, middles = child.given, child.middles
        family = child.family if rng.random() < 0.85 else self.names["family"].pick(rng)
        dob = child.dob - timedelta(days=rng.randint(18 * 365, 35 * 365))
        home = self._home_of(child)
        person = SynthPerson(key, sex, given, middles, family, dob, self._nhs(), home)
        self._contacts(person, household=child)
        return person

    def _twin(self, key: str) -> SynthPerson:
        rng = self.rng
        sibling = rng.choice(self.recent)
        sex = sibling.sex if rng.random() < 0.6 else rng.choice(("female", "male"))
        given = self._given(sex)
        while given == sibling.given:
            given = self._given(sex)
        twin = SynthPerson(
            key, sex, given, (), sibling.family, sibling.dob, self._nhs(),
            list(sibling.addresses), list(sibling.phones[:1]) if rng.random() < 0.3 else [],
        )
        if rng.random() < 0.75:
            twin.phones.append(self.phone())
        return twin


class _Recorder:
    """Writes one person's record as an agency's system would hold it."""

    def __init__(self, rng: random.Random, seed: int) -> None:
        self.rng = rng
        self.counters: dict[str, int] = dict.fromkeys(STYLES, 0)
        id_rng = random.Random(seed * 7919 + 17)  # seeded synthetic data, not security  # nosec B311
        self.ids = {
            code: _Permutation(id_rng, 10 ** style.id_digits) for code, style in STYLES.items()
        }
        self.bad = 0

    def record_id(self, style: AgencyStyle) -> str:
        n = self.counters[style.code]
        self.counters[style.code] += 1
        if n >= 10**style.id_digits:
            msg = f"More {style.code} records than its record IDs can number: ask for fewer"
            raise ValueError(msg)
        return f"{style.id_prefix}{self.ids[style.code](n):0{style.id_digits}d}"

    def agencies_for(self, person: SynthPerson, as_of: date) -> list[AgencyStyle]:
        rng = self.rng
        age = person.age_on(as_of)
        eligible = [
            s for s in AGENCY_STYLES
            if s.min_age <= age <= s.max_age
            and not (s.code == "childrens" and age >= 18 and rng.random() > 0.3)
        ]
        wanted = rng.choices((1, 2, 3, 4), weights=_AGENCY_COUNT_WEIGHTS)[0]
        chosen: list[AgencyStyle] = []
        pool = list(eligible)
        while pool and len(chosen) < wanted:
            pick = rng.choices(pool, weights=[s.reach for s in pool])[0]
            chosen.append(pick)
            pool.remove(pick)
        return chosen

    def _names(self, style: AgencyStyle, person: SynthPerson) -> tuple[str, str, str]:
        rng = self.rng
        given = person.given
        if rng.random() < style.nickname:
            options = _variants(given)
            if options:
                given = rng.choice(options)
        family = person.family
        if "-" in family:
            roll = rng.random()
            first, second = family.split("-", 1)
            family = (
                family if roll < 0.5 else f"{first} {second}" if roll < 0.7 else first
                if roll < 0.85 else second
            )
        if rng.random() < CARELESS_RECORD:
            # Keyed carelessly (issue 12): both names mistyped, the first name often twice.
            given = _typo(rng, given)
            if rng.random() < 0.3:
                given = _typo(rng, given)
            family = _typo(rng, family)
        else:
            if rng.random() < style.typo:
                given = _typo(rng, given)
            if rng.random() < style.typo:
                family = _typo(rng, family)
        middles = " ".join(person.middles) if rng.random() < style.middle_kept else ""
        if style.upper_surname:
            family = family.upper()
        if rng.random() < style.swap_names:
            given, family = family, given
        return given, middles, family

    def _dob(self, style: AgencyStyle, dob: date) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < style.dob_missing:
            return ""
        roll -= style.dob_missing
        if roll < style.dob_year_only:
            return str(dob.year)
        roll -= style.dob_year_only
        if roll < style.dob_swap and dob.day <= 12 and dob.day != dob.month:
            dob = dob.replace(month=dob.day, day=dob.month)
        elif roll < style.dob_swap + style.dob_typo:
            if rng.random() < 0.5:
                step = rng.choice((-1, 1))
                dob = dob.replace(year=dob.year + step, day=min(dob.day, 28))
            else:
                dob += timedelta(days=rng.choice((-2, -1, 1, 2)))
        return dob.strftime(style.dob_format)

    def _nhs(self, style: AgencyStyle, nhs: str) -> str:
        rng = self.rng
        if rng.random() >= style.nhs_present:
            return ""
        if rng.random() < style.nhs_typo:
            for _ in range(10):
                digits = list(nhs)
                i = rng.randrange(3, 10)
                if rng.random() < 0.5 and i < 9:
                    digits[i], digits[i + 1] = digits[i + 1], digits[i]
                else:
                    digits[i] = str((int(digits[i]) + rng.randint(1, 9)) % 10)
                typo = "".join(digits)
                if not is_valid_nhs_number(typo):
                    nhs = typo
                    break
        if rng.random() < style.nhs_spaced:
            return f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
        return nhs

    def _place(self, style: AgencyStyle, person: SynthPerson) -> tuple[str, str]:
        rng = self.rng
        line, postcode = person.addresses[0]
        if len(person.addresses) > 1 and rng.random() < style.address_old:
            line, postcode = rng.choice(person.addresses[1:])
        if rng.random() < style.postcode_typo:
            letters = list(postcode)
            letters[-1] = rng.choice(_INWARD_LETTERS.replace(letters[-1], ""))
            postcode = "".join(letters)
        if rng.random() < style.postcode_missing:
            postcode = ""
        else:
            roll = rng.random()
            postcode = (
                postcode.replace(" ", "") if roll < 0.15 else postcode.lower() if roll < 0.2
                else postcode
            )
        roll = rng.random()
        if roll < 0.3:
            for word, short in STREET_KINDS:
                line = line.replace(f" {word},", f" {short},")
        elif roll < 0.45:
            line = line.removesuffix(", Northwick")
        elif roll < 0.5:
            line = line.upper()
        return line, postcode

    def _phone(self, style: AgencyStyle, person: SynthPerson, people: _People) -> str:
        rng = self.rng
        if rng.random() >= style.phone_present:
            return ""
        if person.phones and rng.random() >= 0.2:
            number = rng.choice(person.phones)
        elif person.phones or rng.random() < 0.5:
            number = people.phone()  # an older or different number
        else:
            return ""
        roll = rng.random()
        if roll < 0.4:
            return number
        compact = number.replace(" ", "")
        if roll < 0.6:
            return compact
        if roll < 0.8:
            return f"+44 {number[1:]}"
        return f"+44{compact[1:]}"

    def _email(self, style: AgencyStyle, person: SynthPerson, people: _People) -> str:
        rng = self.rng
        if rng.random() >= style.email_present:
            return ""
        if person.emails and rng.random() >= 0.2:
            address = rng.choice(person.emails)
        elif person.emails or rng.random() < 0.3:
            address = people.email(person.given, person.family)
        else:
            return ""
        return address if rng.random() < 0.9 else address.capitalize()

    def row(self, style: AgencyStyle, person: SynthPerson, people: _People) -> list[str]:
        rng = self.rng
        given, middles, family = self._names(style, person)
        line, postcode = self._place(style, person)
        sex_index = {"female": 0, "male": 1}.get(person.sex, 2)
        sex = "" if rng.random() < style.sex_missing else style.sex_codes[sex_index]
        values = [
            self.record_id(style),
            style.source,
            given,
            middles,
            family,
            self._dob(style, person.dob),
            sex,
            self._nhs(style, person.nhs),
            postcode,
            line,
            self._phone(style, person, people),
            self._email(style, person, people),
        ]
        if rng.random() < style.bad_value:
            name, bad = rng.choice(BAD_VALUES)
            values[STANDARD_COLUMNS.index(name)] = bad
            self.bad += 1
        return values


class _RecordStream:
    """Every record, person after person: ``(agency code, row, person key)``."""

    def __init__(self, seed: int, codes: Sequence[str], as_of: date) -> None:
        self.rng = random.Random(seed)  # seeded synthetic data, not security  # nosec B311
        self.as_of = as_of
        self.people = _People(self.rng, as_of)
        self.recorder = _Recorder(self.rng, seed)
        self.wanted = set(codes)

    @property
    def bad_values(self) -> int:
        """Records given a value no import can read (the import quarantines them)."""
        return self.recorder.bad

    def rows(self, people: int) -> Iterator[tuple[str, list[str], str]]:
        rng = self.rng
        for _ in range(people):
            person = self.people.make()
            for style in self.recorder.agencies_for(person, self.as_of):
                if style.code not in self.wanted:
                    continue
                yield style.code, self.recorder.row(style, person, self.people), person.key
                if rng.random() < style.duplicate:
                    yield style.code, self.recorder.row(style, person, self.people), person.key


class _ShuffledWriter:
    """A CSV writer that shuffles rows within blocks, so files are not in person order."""

    def __init__(self, handle: IO[str], rng: random.Random) -> None:
        self.writer = csv.writer(handle, lineterminator="\n")
        self.writer.writerow(STANDARD_COLUMNS)
        self.rng = rng
        self.block: list[list[str]] = []
        self.count = 0

    def add(self, row: list[str]) -> None:
        self.block.append(row)
        self.count += 1
        if len(self.block) >= SHUFFLE_BLOCK:
            self.flush()

    def flush(self) -> None:
        self.rng.shuffle(self.block)
        self.writer.writerows(self.block)
        self.block = []


def write_extracts(
    out_dir: Path,
    *,
    seed: int,
    people: int,
    agencies: list[str] | None = None,
    as_of: date = AS_OF,
) -> ExtractsReport:
    """Write one standard-layout CSV per agency and ``truth.csv`` into ``out_dir``."""
    codes = list(agencies or AGENCY_CODES)
    unknown = sorted(set(codes) - set(STYLES))
    if unknown:
        msg = f"Unknown agencies: {', '.join(unknown)} (known: {', '.join(AGENCY_CODES)})"
        raise ValueError(msg)
    out_dir.mkdir(parents=True, exist_ok=True)
    shuffle_rng = random.Random(seed * 31 + 7)  # seeded synthetic data, not security  # nosec B311
    files = {code: out_dir / f"{code}.csv" for code in codes}
    handles = {code: path.open("w", encoding="utf-8", newline="") for code, path in files.items()}
    truth_path = out_dir / "truth.csv"
    try:
        writers = {code: _ShuffledWriter(handle, shuffle_rng) for code, handle in handles.items()}
        with truth_path.open("w", encoding="utf-8", newline="") as truth_handle:
            truth = csv.writer(truth_handle, lineterminator="\n")
            truth.writerow(TRUTH_HEADER)
            stream = _RecordStream(seed, codes, as_of)
            for code, row, key in stream.rows(people):
                writers[code].add(row)
                truth.writerow((row[1], row[0], key))
            for writer in writers.values():
                writer.flush()
    finally:
        for handle in handles.values():
            handle.close()
    by_agency = {code: writers[code].count for code in codes}
    return ExtractsReport(
        out_dir=out_dir,
        seed=seed,
        people=people,
        records=sum(by_agency.values()),
        by_agency=by_agency,
        files=files,
        truth=truth_path,
        expected_quarantine=stream.bad_values,
        as_of=as_of,
    )


def write_standard_extract(
    path: Path, *, seed: int, rows: int, as_of: date = AS_OF
) -> dict[str, Any]:
    """One standard-layout CSV of exactly ``rows`` records from every agency (the benchmark).

    People are made until there are enough records; about 2.1 records a person.
    """
    shuffle_rng = random.Random(seed * 31 + 7)  # seeded synthetic data, not security  # nosec B311
    written = 0
    people = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = _ShuffledWriter(handle, shuffle_rng)
        for _, row, key in _RecordStream(seed, AGENCY_CODES, as_of).rows(rows):
            people = int(key[1:])
            writer.add(row)
            written += 1
            if written >= rows:
                break
        writer.flush()
    return {"path": path, "rows": written, "people": people}

"""The agencies' systems, their habits, and how one record of a person is written.

Each system fills some fields and not others, writes dates, telephone numbers, NHS numbers
and sex in its own way, and makes errors at the rates in :data:`RATES` (with its own
overrides). Every error is drawn independently for each record.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from lantern.synth.yardstick import corrupt, names
from lantern.synth.yardstick.population import HISTORY_YEARS, REFERENCE_DATE, Person

COLUMNS = (
    "record_id", "source", "first_name", "middle_names", "last_name", "date_of_birth", "sex",
    "nhs_number", "postcode", "address", "phone", "email",
)

#: Per-record error rates (a share of the records where the error is possible). Sources and
#: reasoning: docs/yardstick.md and the package docstring; agencies override some below.
RATES: dict[str, float] = {
    # names
    "alias": 0.0,  # police, probation and sexual-health clinics only
    "first_name_only": 0.0,  # sexual-health clinics and the voluntary sector only
    "nickname": 0.06,
    "first_name_transliteration": 0.12,
    "last_name_transliteration": 0.10,
    "first_name_respelling": 0.04,
    "last_name_respelling": 0.03,
    "first_name_typo": 0.012,
    "last_name_typo": 0.012,
    "both_names_typo": 0.003,
    "first_last_swap": 0.004,
    "first_last_swap_order_confused": 0.03,
    "diacritics_dropped": 0.6,
    "hyphenated_surname_part": 0.35,
    "surname_change_not_recorded": 0.10,
    "middle_name_missing": 0.25,
    "middle_name_initial": 0.10,
    "middle_name_in_first_name": 0.03,
    # dates of birth
    "dob_day_month_swap": 0.004,
    "dob_off_by_one": 0.006,
    "dob_default_1_january": 0.002,
    "dob_default_15th": 0.001,
    # sex
    "sex_wrong": 0.002,
    # NHS number, when one is recorded
    "nhs_transposition": 0.003,
    "nhs_wrong_digit": 0.002,
    "nhs_two_wrong_passing": 0.001,
    # address, telephone, e-mail
    "address_not_updated": 0.08,
    "postcode_slip": 0.01,
    "no_fixed_abode": 0.01,
    "phone_slip": 0.005,
    "email_case": 0.10,
}


@dataclass(frozen=True)
class Agency:
    source: str
    kind: str
    prefix: str
    years: float  # how far back its records go
    ages: tuple[int, int]  # age on the day of the record
    affinity: tuple[tuple[int, int, float], ...]  # (from age, to age, weight) today
    sex_codes: tuple[str, str, str, str]  # female, male, other, not known
    date_formats: tuple[float, float, float]  # 17/05/2009, 2009-05-17, 17 May 2009
    phone_formats: tuple[float, float, float]  # 07700 900123, +44 7700 900123, 07700900123
    nhs_fill: float
    nhs_style: str  # "plain" 9990001234, "spaced" 999 000 1234, "dashed" 999-000-1234
    middle_fill: float
    phone_fill: float
    email_fill: float
    dob_missing: float
    dob_partial: float
    sex_missing: float
    postcode_missing: float
    blank_word: str = ""
    blank_word_rate: float = 0.0
    duplicate: float = 0.03
    # "own", or "parent": a child's record (under 16; any pupil's at school) carries a parent's
    child_phone: str = "own"
    address_style: str = "full"  # "full", "upper", "short" (abbreviated, no town)
    rates: dict[str, float] = field(default_factory=dict)

    def rate(self, kind: str) -> float:
        return self.rates[kind] if kind in self.rates else RATES[kind]


_INFORMAL = {"nickname": 0.15, "first_name_typo": 0.018, "last_name_typo": 0.018, "both_names_typo": 0.005}
_CAREFUL = {"nickname": 0.02, "dob_day_month_swap": 0.001, "dob_off_by_one": 0.0015, "sex_wrong": 0.0005,
            "dob_default_1_january": 0.0005, "dob_default_15th": 0.0, "address_not_updated": 0.04}
# Health records checked against the NHS spine: sex and date of birth wrong or missing in about
# 0.1-0.2% of records (Harron et al. 2017 found 0.11% in hospital records against PDS).
_HEALTH = {**_CAREFUL, "dob_day_month_swap": 0.0005, "dob_off_by_one": 0.0005, "sex_wrong": 0.0002,
           "dob_default_1_january": 0.0002}

AGENCIES: tuple[Agency, ...] = (
    Agency(
        source="police-athena", kind="police", prefix="ATH", years=6, ages=(0, 120),
        affinity=((0, 9, 0.25), (10, 17, 1.1), (18, 40, 1.2), (41, 64, 0.6), (65, 120, 0.2)),
        sex_codes=("F", "M", "O", "U"), date_formats=(0.85, 0.0, 0.15), phone_formats=(0.7, 0.1, 0.2),
        nhs_fill=0.04, nhs_style="plain", middle_fill=0.9, phone_fill=0.55, email_fill=0.15,
        dob_missing=0.03, dob_partial=0.01, sex_missing=0.01, postcode_missing=0.08,
        blank_word="N/K", blank_word_rate=0.5, duplicate=0.12, address_style="upper",
        rates={**_INFORMAL, "alias": 0.06},
    ),
    Agency(
        source="csc-mosaic", kind="social_care", prefix="MOS", years=6, ages=(0, 17),
        affinity=((0, 17, 1.5), (18, 25, 0.5)),
        sex_codes=("Female", "Male", "Other", "Not known"), date_formats=(0.1, 0.9, 0.0),
        phone_formats=(0.8, 0.05, 0.15), nhs_fill=0.70, nhs_style="spaced", middle_fill=0.8,
        phone_fill=0.6, email_fill=0.2, dob_missing=0.01, dob_partial=0.005, sex_missing=0.005,
        postcode_missing=0.03, duplicate=0.05, child_phone="parent",
    ),
    Agency(
        source="asc-liquidlogic", kind="social_care", prefix="LAS", years=4, ages=(18, 120),
        affinity=((18, 64, 0.35), (65, 120, 1.6)),
        sex_codes=("female", "male", "other", "unknown"), date_formats=(0.9, 0.1, 0.0),
        phone_formats=(0.6, 0.0, 0.4), nhs_fill=0.85, nhs_style="spaced", middle_fill=0.6,
        phone_fill=0.7, email_fill=0.1, dob_missing=0.01, dob_partial=0.005, sex_missing=0.01,
        postcode_missing=0.02, blank_word="Unknown", blank_word_rate=0.3,
    ),
    Agency(
        source="health-systmone", kind="health", prefix="S1", years=3, ages=(0, 120),
        affinity=((0, 120, 0.7),),
        sex_codes=("2", "1", "9", "0"), date_formats=(0.5, 0.5, 0.0), phone_formats=(0.5, 0.2, 0.3),
        nhs_fill=0.98, nhs_style="spaced", middle_fill=0.85, phone_fill=0.8, email_fill=0.3,
        dob_missing=0.0005, dob_partial=0.0, sex_missing=0.0005, postcode_missing=0.01,
        duplicate=0.01, child_phone="parent", rates=_HEALTH,
    ),
    Agency(
        source="sh-clinic", kind="health", prefix="GUM", years=3, ages=(13, 120),
        affinity=((13, 17, 0.8), (18, 35, 1.0), (36, 50, 0.3)),
        sex_codes=("Woman", "Man", "Non-binary", "Not stated"), date_formats=(1.0, 0.0, 0.0),
        phone_formats=(0.6, 0.3, 0.1), nhs_fill=0.0, nhs_style="plain", middle_fill=0.0,
        phone_fill=0.7, email_fill=0.3, dob_missing=0.12, dob_partial=0.04, sex_missing=0.02,
        postcode_missing=0.35, duplicate=0.08,
        rates={**_INFORMAL, "alias": 0.08, "first_name_only": 0.25},
    ),
    Agency(
        source="edu-sims", kind="education", prefix="UPN", years=2, ages=(4, 18),
        affinity=((4, 18, 1.9),),
        sex_codes=("F", "M", "F", ""), date_formats=(0.0, 1.0, 0.0), phone_formats=(0.9, 0.0, 0.1),
        nhs_fill=0.08, nhs_style="plain", middle_fill=0.95, phone_fill=0.9, email_fill=0.6,
        dob_missing=0.001, dob_partial=0.0, sex_missing=0.0, postcode_missing=0.01,
        duplicate=0.02, child_phone="parent", rates=_CAREFUL,
    ),
    Agency(
        source="housing-northgate", kind="housing", prefix="NGH", years=5, ages=(16, 120),
        affinity=((16, 25, 0.8), (26, 120, 0.55)),
        sex_codes=("Female", "Male", "Other", "Unknown"), date_formats=(0.3, 0.0, 0.7),
        phone_formats=(0.5, 0.1, 0.4), nhs_fill=0.03, nhs_style="plain", middle_fill=0.3,
        phone_fill=0.75, email_fill=0.35, dob_missing=0.06, dob_partial=0.02, sex_missing=0.05,
        postcode_missing=0.02, blank_word="Unknown", blank_word_rate=0.4, address_style="short",
        rates={**_INFORMAL},
    ),
    Agency(
        source="probation-ndelius", kind="probation", prefix="X", years=5, ages=(18, 120),
        affinity=((18, 50, 0.35),),
        sex_codes=("F", "M", "O", ""), date_formats=(0.8, 0.2, 0.0), phone_formats=(0.7, 0.1, 0.2),
        nhs_fill=0.10, nhs_style="plain", middle_fill=0.9, phone_fill=0.6, email_fill=0.1,
        dob_missing=0.005, dob_partial=0.0, sex_missing=0.005, postcode_missing=0.1,
        blank_word="N/K", blank_word_rate=0.3, duplicate=0.03, address_style="upper",
        rates={"alias": 0.04},
    ),
    Agency(
        source="vol-charitylog", kind="voluntary", prefix="CL", years=3, ages=(8, 120),
        affinity=((10, 30, 0.7), (31, 120, 0.15)),
        sex_codes=("Woman", "Man", "Non-binary", ""), date_formats=(0.5, 0.2, 0.3),
        phone_formats=(0.5, 0.3, 0.2), nhs_fill=0.02, nhs_style="spaced", middle_fill=0.1,
        phone_fill=0.6, email_fill=0.4, dob_missing=0.20, dob_partial=0.06, sex_missing=0.08,
        postcode_missing=0.25, blank_word="not known", blank_word_rate=0.3, duplicate=0.06,
        address_style="short", rates={**_INFORMAL, "first_name_only": 0.05},
    ),
)
BY_SOURCE = {agency.source: agency for agency in AGENCIES}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")

# How many agencies a person is known to: most 1-3, a few many (the hub's most exploited).
_SPREAD = ((1, 0.52), (2, 0.28), (3, 0.12), (4, 0.05), (5, 0.02), (6, 0.01))


def _affinity(agency: Agency, age: int) -> float:
    for low, high, weight in agency.affinity:
        if low <= age <= high:
            return weight
    return 0.0


def _day_of_record(rng: random.Random, person: Person, agency: Agency) -> date | None:
    """A day in the agency's window when the person was of an age the agency records."""
    window_start = REFERENCE_DATE - timedelta(days=int(365.25 * min(agency.years, HISTORY_YEARS)))
    low, high = agency.ages
    first = max(window_start, _birthday(person.dob, low), person.dob + timedelta(days=7))
    last = min(REFERENCE_DATE, _birthday(person.dob, high + 1) - timedelta(days=1))
    if first > last:
        return None
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _birthday(dob: date, age: int) -> date:
    try:
        return dob.replace(year=dob.year + age)
    except ValueError:
        return date(dob.year + age, 3, 1)


def records_for(rng: random.Random, person: Person) -> list[tuple[Agency, date]]:
    """Which agencies know the person, and the day of each of their records."""
    age = person.age_on(REFERENCE_DATE)
    count = rng.choices([k for k, _ in _SPREAD], weights=[w for _, w in _SPREAD])[0]
    if 12 <= age <= 25 and rng.random() < 0.05:
        count = rng.randint(4, 7)
    candidates = [(a, _affinity(a, age)) for a in AGENCIES]
    chosen: list[tuple[Agency, date]] = []
    while candidates and len(chosen) < count:
        agency = rng.choices([a for a, _ in candidates], weights=[w + 1e-9 for _, w in candidates])[0]
        candidates = [(a, w) for a, w in candidates if a is not agency]
        day = _day_of_record(rng, person, agency) if _affinity(agency, age) > 0 else None
        if day is not None:
            chosen.append((agency, day))
            if rng.random() < agency.duplicate:
                again = _day_of_record(rng, person, agency)
                chosen.append((agency, again or day))
    if not chosen:
        health = BY_SOURCE["health-systmone"]
        chosen.append((health, _day_of_record(rng, person, health) or REFERENCE_DATE))
    return chosen


# ------------------------------------------------------------------------------------------
# Writing one record
# ------------------------------------------------------------------------------------------

class RecordMaker:
    """Writes the records of people for the agencies, with errors, into rows of text."""

    def __init__(self, rng: random.Random, tally: corrupt.Tally) -> None:
        self.rng = rng
        self.tally = tally
        self.ids: dict[str, set[int]] = {a.source: set() for a in AGENCIES}
        self.nhs_invalid = 0

    def record_id(self, agency: Agency) -> str:
        used = self.ids[agency.source]
        while True:
            number = self.rng.randrange(10_000_000, 100_000_000)
            if number not in used:
                used.add(number)
                return f"{agency.prefix}{number}"

    def row(self, person: Person, agency: Agency, day: date) -> list[str]:
        first, middles, last = self.names(person, agency, day)
        values = {
            "record_id": self.record_id(agency),
            "source": agency.source,
            "first_name": first,
            "middle_names": middles,
            "last_name": last,
            "date_of_birth": self.dob(person, agency, day),
            "sex": self.sex(person, agency),
            "nhs_number": self.nhs(person, agency),
        }
        values["postcode"], values["address"] = self.address(person, agency, day)
        values["phone"] = self.phone(person, agency, day)
        values["email"] = self.email(person, agency, day)
        self.blanks(values, agency)
        return [values[column] for column in COLUMNS]

    # ---- names ----------------------------------------------------------------------------
    def names(self, person: Person, agency: Agency, day: date) -> tuple[str, str, str]:
        t, rng = self.tally, self.rng
        first, last = person.first, self.surname(person, agency, day)
        if "alias" in agency.rates and person.age_on(day) >= 13 and t.chance("alias", agency.rate("alias")):
            first, last = self.alias(person, last)
        elif "first_name_only" in agency.rates and t.chance("first_name_only", agency.rate("first_name_only")):
            last = ""
        first = self.first_variant(first, agency)
        first, last = self.typos(first, last, agency)
        middles = self.middles(person, agency)
        if middles and t.chance("middle_name_in_first_name", agency.rate("middle_name_in_first_name")):
            first, middles = f"{first} {middles.split(' ')[0]}", " ".join(middles.split(" ")[1:])
        swap = "first_last_swap_order_confused" if person.group in names.ORDER_CONFUSED else "first_last_swap"
        if last and t.chance(swap, agency.rate(swap)):
            first, last = last, first
        if not (first + middles + last).isascii() and t.chance("diacritics_dropped", agency.rate("diacritics_dropped")):
            first, middles, last = (v.translate(names.DIACRITIC_FOLDS) for v in (first, middles, last))
        if agency.address_style == "upper" and rng.random() < 0.5:
            last = last.upper()
        return first, middles, last

    def surname(self, person: Person, agency: Agency, day: date) -> str:
        t = self.tally
        last = person.last_on(day)
        if last != person.last:
            t.note("surname_before_change")
        elif person.prev_last and t.chance("surname_change_not_recorded", agency.rate("surname_change_not_recorded")):
            last = person.prev_last
        if person.hyphenated and "-" in last and t.chance("hyphenated_surname_part", agency.rate("hyphenated_surname_part")):
            parts = last.split("-")
            last = self.rng.choice((parts[0], parts[-1], " ".join(parts)))
        variants = names.TRANSLITERATION_OF.get(last)
        if variants and t.chance("last_name_transliteration", agency.rate("last_name_transliteration")):
            last = self.rng.choice(variants)
        variants = names.RESPELLING_OF.get(last)
        if variants and t.chance("last_name_respelling", agency.rate("last_name_respelling")):
            last = self.rng.choice(variants)
        return last

    def alias(self, person: Person, last: str) -> tuple[str, str]:
        """A name the person is known by: another first name, sometimes another surname."""
        rng = self.rng
        female, male = names.FORENAMES.get(person.group, names.FORENAMES["white_british_young"])
        pool = female if person.sex == "F" else male
        first = rng.choice([n for n in pool if n != person.first] or list(pool))
        if rng.random() < 0.35:
            last = rng.choice(names.SURNAMES[person.group])
        return first, last

    def first_variant(self, first: str, agency: Agency) -> str:
        t, rng = self.tally, self.rng
        nick = names.NICKNAMES.get(first)
        if nick and t.chance("nickname", agency.rate("nickname")):
            return rng.choice(nick)
        variants = names.TRANSLITERATION_OF.get(first)
        if variants and t.chance("first_name_transliteration", agency.rate("first_name_transliteration")):
            return rng.choice(variants)
        variants = names.RESPELLING_OF.get(first)
        if variants and t.chance("first_name_respelling", agency.rate("first_name_respelling")):
            return rng.choice(variants)
        return first

    def typos(self, first: str, last: str, agency: Agency) -> tuple[str, str]:
        kinds = ("first_name_typo", "last_name_typo", "both_names_typo") if last else ("first_name_typo",)
        picked = self.tally.one_of({k: agency.rate(k) for k in kinds})
        if picked in {"first_name_typo", "both_names_typo"}:
            first = corrupt.typo(self.rng, first)
        if picked in {"last_name_typo", "both_names_typo"}:
            last = corrupt.typo(self.rng, last)
        return first, last

    def middles(self, person: Person, agency: Agency) -> str:
        if not person.middles or self.rng.random() >= agency.middle_fill:
            return ""
        picked = self.tally.one_of(
            {k: agency.rate(k) for k in ("middle_name_missing", "middle_name_initial")}
        )
        if picked == "middle_name_missing":
            return ""
        if picked == "middle_name_initial":
            return " ".join(m[0] for m in person.middles)
        return " ".join(person.middles)

    # ---- date of birth, sex, NHS number ---------------------------------------------------
    def dob(self, person: Person, agency: Agency, day: date) -> str:
        t, rng = self.tally, self.rng
        if t.chance("dob_missing", agency.dob_missing):
            return ""
        dob = person.dob
        swappable = dob.day <= 12 and dob.day != dob.month
        picked = t.one_of({
            "dob_day_month_swap": agency.rate("dob_day_month_swap") if swappable else 0.0,
            "dob_off_by_one": agency.rate("dob_off_by_one"),
            "dob_default_1_january": agency.rate("dob_default_1_january") if (dob.month, dob.day) != (1, 1) else 0.0,
            "dob_default_15th": agency.rate("dob_default_15th") if dob.day != 15 else 0.0,
        })
        if picked == "dob_day_month_swap":
            dob = dob.replace(month=dob.day, day=dob.month)
        elif picked == "dob_off_by_one":
            dob = corrupt.shift_date(rng, dob, rng.choice(("day", "month", "year")), day)
        elif picked == "dob_default_1_january":
            dob = date(dob.year, 1, 1)
        elif picked == "dob_default_15th":
            dob = dob.replace(day=15)
        dob = min(dob, day)
        if t.chance("dob_partial", agency.dob_partial):
            month = rng.choice((f"{dob.month:02d}/{dob.year}", f"{_MONTHS[dob.month - 1]} {dob.year}"))
            return str(dob.year) if rng.random() < 0.5 else month
        style = rng.choices((0, 1, 2), weights=agency.date_formats)[0]
        if style == 0:
            return f"{dob.day:02d}/{dob.month:02d}/{dob.year}"
        if style == 1:
            return dob.isoformat()
        return f"{dob.day} {_MONTHS[dob.month - 1]} {dob.year}"

    def sex(self, person: Person, agency: Agency) -> str:
        t, rng = self.tally, self.rng
        female, male, other, unknown = agency.sex_codes
        if t.chance("sex_missing", agency.sex_missing):
            return unknown if rng.random() < 0.5 else ""
        sex = person.sex
        if sex == "X" and other in {female, male}:
            t.note("sex_other_recorded_as_binary")
            sex = rng.choice("FM")
        if sex != "X" and t.chance("sex_wrong", agency.rate("sex_wrong")):
            sex = "M" if sex == "F" else "F"
        return {"F": female, "M": male, "X": other}[sex]

    def nhs(self, person: Person, agency: Agency) -> str:
        t, rng = self.tally, self.rng
        if not t.chance("nhs_recorded", agency.nhs_fill):
            return ""
        number = person.nhs
        picked = t.one_of({k: agency.rate(k) for k in ("nhs_transposition", "nhs_wrong_digit", "nhs_two_wrong_passing")})
        if picked == "nhs_transposition":
            number = corrupt.nhs_transpose(rng, number)
        elif picked == "nhs_wrong_digit":
            number = corrupt.nhs_wrong_digit(rng, number)
        elif picked == "nhs_two_wrong_passing":
            number = corrupt.nhs_two_wrong_passing(rng, number)
        if agency.nhs_style == "spaced" or (agency.nhs_style == "plain" and rng.random() < 0.1):
            return f"{number[:3]} {number[3:6]} {number[6:]}"
        return number

    # ---- address, telephone, e-mail -------------------------------------------------------
    def address(self, person: Person, agency: Agency, day: date) -> tuple[str, str]:
        t, rng = self.tally, self.rng
        where = person.address_on(day)
        earlier = [a for start, a in person.addresses if start < day and a is not where]
        if earlier and t.chance("address_not_updated", agency.rate("address_not_updated")):
            where = earlier[-1]
        if where is not person.addresses[-1][1]:
            t.note("address_from_history")
        if agency.kind in {"police", "housing"} and person.age_on(day) >= 16 and t.chance("no_fixed_abode", agency.rate("no_fixed_abode")):
            return rng.choice(("NFA", "ZZ99 3VZ", "No fixed abode")), ""
        postcode = where.postcode
        if t.chance("postcode_slip", agency.rate("postcode_slip")):
            postcode = corrupt.postcode_slip(rng, postcode)
        if t.chance("postcode_missing", agency.postcode_missing):
            postcode = ""
        elif rng.random() < 0.05:
            postcode = postcode.replace(" ", "") if rng.random() < 0.5 else postcode.lower()
        street = where.street
        if agency.address_style == "short":
            return postcode, f"{where.line} {street.short}"
        text = f"{where.line} {street.name}, {street.town}"
        return postcode, text.upper() if agency.address_style == "upper" else text

    def phone(self, person: Person, agency: Agency, day: date) -> str:
        t, rng = self.tally, self.rng
        own = person.phone_on(day)
        number = own
        child = person.age_on(day) < 16 or agency.kind == "education"
        if (agency.child_phone == "parent" and child) or not own:
            number = person.household_phone
            if number:
                t.note("household_phone")
        if not number or rng.random() >= agency.phone_fill:
            return ""
        if own and number == own and own != person.phone_on(REFERENCE_DATE):
            t.note("phone_from_history")
        if t.chance("phone_slip", agency.rate("phone_slip")):
            number = corrupt.phone_slip(rng, number)
        return format_phone(number, rng.choices((0, 1, 2), weights=agency.phone_formats)[0])

    def email(self, person: Person, agency: Agency, day: date) -> str:
        t, rng = self.tally, self.rng
        address = person.email_on(day)
        if not address and agency.child_phone == "parent" and person.age_on(day) < 16:
            address = person.household_email
        if not address or rng.random() >= agency.email_fill:
            return ""
        if address != person.email_on(REFERENCE_DATE) and address != person.household_email:
            t.note("email_from_history")
        if t.chance("email_case", agency.rate("email_case")):
            local, _, domain = address.partition("@")
            address = f"{'.'.join(p.capitalize() for p in local.split('.'))}@{domain}"
        return address

    def blanks(self, values: dict[str, str], agency: Agency) -> None:
        """Write the agency's token for "not known" into some empty fields."""
        if not agency.blank_word:
            return
        for column in ("date_of_birth", "nhs_number", "postcode", "phone", "email"):
            if not values[column] and self.rng.random() < agency.blank_word_rate:
                values[column] = agency.blank_word
                self.tally.note("null_token")


def format_phone(national: str, style: int) -> str:
    """A UK number in one of three ways: 07700 900123 / (0191) 498 0123, +44 ..., or compact."""
    if style == 2:
        return national
    if national.startswith(("07", "04")):
        head, tail = national[1:5], national[5:]
    elif national.startswith("02"):
        head, tail = national[1:3], f"{national[3:7]} {national[7:]}"
    elif national.startswith("011") or national[3] == "1":
        head, tail = national[1:4], f"{national[4:7]} {national[7:]}"
    else:
        head, tail = national[1:5], national[5:]
    if style == 1:
        return f"+44 {head} {tail}"
    return f"(0{head}) {tail}" if not national.startswith("07") and len(head) == 3 else f"0{head} {tail}"

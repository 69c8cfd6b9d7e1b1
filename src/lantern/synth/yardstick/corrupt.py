"""How a true value becomes what one record says: typing slips, respellings, date slips,
digit errors in NHS numbers and postcodes; and a tally of each error actually made.

The typing slips are the four single-edit errors (substitution by a key next to the intended
one on a QWERTY keyboard, deletion, insertion, transposition of neighbours) that Damerau
(1964) found behind about 80% of misspellings, and that the Febrl and GeCo generators
(Christen and Pudjijono, 2009) inject in the same way.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_ADJACENT: dict[str, str] = {}
for _r, _row in enumerate(_ROWS):
    for _c, _ch in enumerate(_row):
        near = [_row[i] for i in (_c - 1, _c + 1) if 0 <= i < len(_row)]
        for _other in (_r - 1, _r + 1):
            if 0 <= _other < len(_ROWS):
                near.extend(_ROWS[_other][i] for i in (_c - 1, _c, _c + 1) if 0 <= i < len(_ROWS[_other]))
        _ADJACENT[_ch] = "".join(near)


@dataclass
class Tally:
    """Counts each error kind made, the chances it had, and the count its rates predict.

    ``chance(kind, rate)`` is one opportunity: it returns whether the error is made and keeps
    the books, so that a test can hold the count made to the count the declared rates expect.
    """

    rng: random.Random
    made: Counter[str] = field(default_factory=Counter)
    chances: Counter[str] = field(default_factory=Counter)
    expected: dict[str, float] = field(default_factory=dict)

    def chance(self, kind: str, rate: float) -> bool:
        self.chances[kind] += 1
        self.expected[kind] = self.expected.get(kind, 0.0) + rate
        if self.rng.random() < rate:
            self.made[kind] += 1
            return True
        return False

    def one_of(self, rates: dict[str, float]) -> str:
        """At most one of several exclusive errors, each at its own rate; "" for none."""
        roll = self.rng.random()
        picked = ""
        for kind, rate in rates.items():
            self.chances[kind] += 1
            self.expected[kind] = self.expected.get(kind, 0.0) + rate
            if not picked and roll < rate:
                picked = kind
            roll -= rate
        if picked:
            self.made[picked] += 1
        return picked

    def note(self, kind: str) -> None:
        """An error (or a habit) that follows from a person's history, not from a rate."""
        self.made[kind] += 1


def _case_like(template: str, char: str) -> str:
    return char.upper() if template.isupper() else char


def typo(rng: random.Random, text: str) -> str:
    """One typing slip that changes the text (the text is returned as is if it is empty)."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if not letters:
        return text
    kind = rng.choice(("substitute", "delete", "insert", "transpose")) if len(letters) > 2 else "substitute"
    if kind == "transpose":
        pairs = [i for i in range(len(text) - 1) if text[i].isalpha() and text[i + 1].isalpha() and text[i].lower() != text[i + 1].lower()]
        if pairs:
            i = rng.choice(pairs)
            swapped = _case_like(text[i], text[i + 1].lower()) + _case_like(text[i + 1], text[i].lower())
            return text[:i] + swapped + text[i + 2 :]
        kind = "substitute"
    i = rng.choice(letters)
    near = _ADJACENT.get(text[i].lower(), "aeiou")
    if kind == "delete":
        return text[:i] + text[i + 1 :]
    if kind == "insert":
        extra = text[i].lower() if rng.random() < 0.5 else rng.choice(near)
        return text[: i + 1] + extra + text[i + 1 :]
    options = [ch for ch in near if ch != text[i].lower()] or ["e"]
    return text[:i] + _case_like(text[i], rng.choice(options)) + text[i + 1 :]


def shift_date(rng: random.Random, day: date, part: str, latest: date) -> date:
    """The date with its day, month or year one out, never after ``latest``."""
    for step in rng.sample((-1, 1), 2):
        candidate = _shift(day, part, step)
        if candidate is not None and candidate <= latest:
            return candidate
    return day - timedelta(days=1)


def _shift(day: date, part: str, step: int) -> date | None:
    try:
        if part == "day":
            return day + timedelta(days=step)
        if part == "month":
            month = day.month + step
            year = day.year + (month - 1) // 12
            return day.replace(year=year, month=(month - 1) % 12 + 1)
        return day.replace(year=day.year + step)
    except ValueError:
        return None


def nhs_transpose(rng: random.Random, number: str) -> str:
    """Two neighbouring, different digits swapped: the check digit always catches it."""
    spots = [i for i in range(9) if number[i] != number[i + 1]]
    i = rng.choice(spots)
    return number[:i] + number[i + 1] + number[i] + number[i + 2 :]


def nhs_wrong_digit(rng: random.Random, number: str) -> str:
    """One digit wrong: the check digit always catches a single wrong digit."""
    i = rng.randrange(3, 10)
    digit = rng.choice([d for d in "0123456789" if d != number[i]])
    return number[:i] + digit + number[i + 1 :]


def nhs_two_wrong_passing(rng: random.Random, number: str, valid: set[str] | None = None) -> str:
    """Two digits wrong in a way the check digit does not catch (about 1 in 11 double slips)."""
    weights = range(10, 0, -1)
    while True:
        i, j = sorted(rng.sample(range(3, 9), 2))
        a = rng.choice([d for d in "0123456789" if d != number[i]])
        delta = (int(a) - int(number[i])) * weights[i]
        # find b for position j so the weighted sum is unchanged modulo 11
        for b in "0123456789":
            if b != number[j] and (delta + (int(b) - int(number[j])) * weights[j]) % 11 == 0:
                candidate = number[:i] + a + number[i + 1 : j] + b + number[j + 1 :]
                if valid is None or candidate not in valid:
                    return candidate


_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def postcode_slip(rng: random.Random, postcode: str) -> str:
    """One slip in a postcode that still reads as a postcode: an inward letter or digit wrong,
    the two inward letters swapped, or the district number one out."""
    outward, inward = postcode.split(" ")
    choice = rng.randrange(4)
    if choice == 0 and inward[1] != inward[2]:
        return f"{outward} {inward[0]}{inward[2]}{inward[1]}"
    if choice == 1:
        return f"{outward} {rng.choice([d for d in '0123456789' if d != inward[0]])}{inward[1:]}"
    if choice == 2:
        area = outward.rstrip("0123456789")
        district = int(outward[len(area):])
        district = district + 1 if district < 9 else district - 1
        return f"{area}{district} {inward}"
    letter = rng.choice([ch for ch in _POSTCODE_LETTERS if ch != inward[2]])
    return f"{outward} {inward[:2]}{letter}"


def phone_slip(rng: random.Random, number: str) -> str:
    """One of the last three digits wrong, or two of them swapped (staying in the range)."""
    i = rng.randrange(len(number) - 3, len(number))
    if i > len(number) - 3 and rng.random() < 0.5 and number[i - 1] != number[i]:
        return number[: i - 1] + number[i] + number[i - 1] + number[i + 1 :]
    digit = rng.choice([d for d in "0123456789" if d != number[i]])
    return number[:i] + digit + number[i + 1 :]

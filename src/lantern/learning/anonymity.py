"""k-anonymity of the perpetrator learning set: pure functions, no database.

One row per person of concern leaves the hub only when every combination of the
**quasi-identifiers** (what someone outside the hub could know or guess about a person:
when the concern arose, age band at first concern, sex, role in a group) is shared by at
least ``k`` rows (``k`` = 5). The export tries each level of a documented **generalisation
ladder** in turn, coarsest last, and uses the first level at which the whole set is
k-anonymous; if even the last level is not, it **refuses** (:class:`KAnonymityError`), and
nothing is written. No row is dropped or altered to make the set fit.

=====  ==================  =========================================  ================
level  first concern       age band at first concern                  role
=====  ==================  =========================================  ================
0      month (2026-07)     5 years (20–24)                            role
1      quarter (2026Q3)    10 years (20–29)                           role
2      year (2026)         10 years                                   broader role
3      year                under 18, 18–24, 25–39, 40 and over        broader role
4      any                 under 18, 18–24, 25–39, 40 and over        broader role
=====  ==================  =========================================  ================

Sex is never generalised (boys and men are counted, not assumed away); a set that cannot be
k-anonymous with sex kept is refused. Everything else in a row (pathways, place types,
disruption and what followed) is generalised to codes and bands and is treated as the
sensitive part of the row, not as a quasi-identifier (``docs/learning.md`` says why).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

K = 5
QUASI_IDENTIFIERS = ("first_concern", "age_band", "sex", "role")
NOT_KNOWN = "not_known"


class KAnonymityError(ValueError):
    """The set cannot be made k-anonymous by the ladder: nothing is exported."""

    def __init__(self, rows: int, k: int, smallest: int) -> None:
        if rows < k:
            why = f"there are {rows} persons of concern, fewer than {k}"
        else:
            why = (
                f"even at the coarsest level some combination of {', '.join(QUASI_IDENTIFIERS)} "
                f"is shared by only {smallest} (fewer than {k})"
            )
        super().__init__(
            f"The learning set cannot be released: it must be {k}-anonymous and {why}. "
            "Nothing was exported."
        )
        self.rows = rows
        self.k = k
        self.smallest = smallest


@dataclass(frozen=True)
class Facts:
    """What the learning set knows about one person of concern: no name, no identifier,
    no free text, no exact date (``first_concern`` is generalised before it leaves)."""

    first_concern: date
    age: int | None
    sex: str
    role: str
    role_group: str
    pathways: tuple[str, ...] = ()
    place_types: tuple[str, ...] = ()
    vehicle_used: bool = False
    victims: int = 0
    earlier_contacts: tuple[str, ...] = ()
    #: (disruption type, outcome: new_links | no_new_links | too_soon), oldest first.
    disruptions: tuple[tuple[str, str], ...] = ()


# --- generalisations ------------------------------------------------------------------


def month(d: date) -> str:
    return f"{d.year}-{d.month:02d}"


def quarter(d: date) -> str:
    return f"{d.year}Q{(d.month - 1) // 3 + 1}"


def year(d: date) -> str:
    return str(d.year)


def any_period(d: date) -> str:
    return "any"


def band(width: int) -> Callable[[int | None], str]:
    def banded(age: int | None) -> str:
        if age is None:
            return NOT_KNOWN
        low = (age // width) * width
        return f"{low}-{low + width - 1}"

    return banded


def broad_band(age: int | None) -> str:
    if age is None:
        return NOT_KNOWN
    if age < 18:
        return "under_18"
    if age < 25:
        return "18-24"
    if age < 40:
        return "25-39"
    return "40_and_over"


def exact_role(f: Facts) -> str:
    return f.role or NOT_KNOWN


def role_group(f: Facts) -> str:
    return f.role_group or NOT_KNOWN


@dataclass(frozen=True)
class Level:
    number: int
    period: Callable[[date], str]
    age: Callable[[int | None], str]
    role: Callable[[Facts], str]
    description: str

    def key(self, f: Facts) -> tuple[str, str, str, str]:
        """The quasi-identifiers of one person at this level."""
        return (self.period(f.first_concern), self.age(f.age), f.sex or NOT_KNOWN, self.role(f))


LADDER: tuple[Level, ...] = (
    Level(0, month, band(5), exact_role, "month, 5-year age band, role"),
    Level(1, quarter, band(10), exact_role, "quarter, 10-year age band, role"),
    Level(2, year, band(10), role_group, "year, 10-year age band, broader role"),
    Level(3, year, broad_band, role_group, "year, broad age band, broader role"),
    Level(4, any_period, broad_band, role_group, "no period, broad age band, broader role"),
)


def smallest_class(facts: Sequence[Facts], level: Level) -> int:
    """The size of the rarest quasi-identifier combination at ``level`` (0 for no rows)."""
    counts = Counter(level.key(f) for f in facts)
    return min(counts.values()) if counts else 0


def choose_level(facts: Sequence[Facts], k: int = K) -> Level:
    """The finest level of the ladder at which ``facts`` is k-anonymous; refuses otherwise.

    An empty set is refused too: there is nothing to learn from, and "no persons of
    concern" is itself a count that must not leave unsuppressed.
    """
    if len(facts) < k:
        raise KAnonymityError(len(facts), k, len(facts))
    for level in LADDER:
        if smallest_class(facts, level) >= k:
            return level
    raise KAnonymityError(len(facts), k, smallest_class(facts, LADDER[-1]))


# --- rows -------------------------------------------------------------------------------


def count_band(n: int) -> str:
    if n == 0:
        return "0"
    if n == 1:
        return "1"
    if n <= 4:
        return "2-4"
    return "5_or_more"


def recurrence(disruptions: Sequence[tuple[str, str]]) -> str:
    """Whether new links followed this person's disruptions (closed windows only)."""
    closed = [outcome for _, outcome in disruptions if outcome != "too_soon"]
    if not disruptions:
        return "no_disruption"
    if not closed:
        return "too_soon"
    followed = sum(1 for outcome in closed if outcome == "new_links")
    if followed == len(closed):
        return "after_every"
    return "after_some" if followed else "after_none"


COLUMNS = (
    "first_concern",
    "age_band",
    "sex",
    "role",
    "pathways",
    "place_types",
    "vehicle_used",
    "persons_at_risk_linked",
    "earlier_contacts",
    "disruptions",
    "disruption_types",
    "new_links_after_disruption",
    "generalisation_level",
)


def row(f: Facts, level: Level) -> dict[str, str]:
    period, age, sex, role = level.key(f)
    return {
        "first_concern": period,
        "age_band": age,
        "sex": sex,
        "role": role,
        "pathways": ";".join(sorted(set(f.pathways))) or NOT_KNOWN,
        "place_types": ";".join(sorted(set(f.place_types))),
        "vehicle_used": "yes" if f.vehicle_used else "no",
        "persons_at_risk_linked": count_band(f.victims),
        "earlier_contacts": ";".join(sorted(set(f.earlier_contacts))),
        "disruptions": count_band(len(f.disruptions)),
        "disruption_types": ";".join(sorted({kind for kind, _ in f.disruptions})),
        "new_links_after_disruption": recurrence(f.disruptions),
        "generalisation_level": str(level.number),
    }


@dataclass(frozen=True)
class LearningSet:
    level: Level
    k: int
    rows: list[dict[str, str]]

    def quasi_identifier_counts(self) -> Counter[tuple[str, ...]]:
        return Counter(tuple(r[q] for q in QUASI_IDENTIFIERS) for r in self.rows)


def anonymise(facts: Sequence[Facts], k: int = K) -> LearningSet:
    """The learning set's rows at the finest k-anonymous level, shuffled out of any order
    that could follow the record (sorted by their own values). Raises
    :class:`KAnonymityError` when the ladder cannot make it k-anonymous."""
    level = choose_level(facts, k)
    rows = sorted((row(f, level) for f in facts), key=lambda r: tuple(r[c] for c in COLUMNS))
    found = LearningSet(level=level, k=k, rows=rows)
    # The export checks its own output, not only the plan (a belt to the braces above).
    smallest = min(found.quasi_identifier_counts().values())
    if smallest < k:  # pragma: no cover  (choose_level guarantees it)
        raise KAnonymityError(len(facts), k, smallest)
    return found

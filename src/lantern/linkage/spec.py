"""The linkage model's design: what is compared, at which levels, and which pairs are looked at.

Two configurations share the prepared columns of :mod:`lantern.linkage.features`:

- **lantern**, the hub's model for UK person records: nicknames and common variants, phonetic
  and edit-distance levels and term-frequency adjustment for names; dates of birth with
  day/month transposition and partial (year or month only) dates; NHS number exact, and a
  near miss only when a check digit fails; postcode at unit, sector and district; address,
  phone and e-mail.
- **plain**, the yardstick the benchmark compares it with: exact NHS number, postcode and phone,
  Splink's default name and date-of-birth comparisons, no nicknames, no term frequencies.

SQL conditions are written for DuckDB and marked as such, so Splink translates them when the
same model runs on Spark. Fuzzy functions come from Splink's own level classes, which know each
backend's spelling.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import jellyfish
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.dialects import SplinkDialect

ModelKind = Literal["lantern", "plain"]
DUCKDB = "duckdb"
Record = Mapping[str, Any]
Test = Callable[[Record, Record], bool]


@dataclass(frozen=True)
class Level:
    """One comparison level: its label, how Splink computes it, and the same test in Python
    (for the real-time scorer, which must agree with Splink to the last decimal)."""

    label: str
    splink: Callable[[], Any]
    test: Test
    is_null: bool = False
    tf_column: str | None = None
    #: A match weight set by design, never trained (m and u fixed): see :func:`family`.
    fixed_weight: float | None = None

    def creator(self, *, term_frequencies: bool = True) -> Any:
        level = self.splink().configure(label_for_charts=self.label)
        if self.tf_column and term_frequencies:
            level.configure(tf_adjustment_column=self.tf_column, tf_adjustment_weight=1.0)
        if self.fixed_weight is not None:
            u = FIXED_U
            level.configure(
                m_probability=u * 2.0**self.fixed_weight,
                u_probability=u,
                fix_m_probability=True,
                fix_u_probability=True,
            )
        return level


@dataclass(frozen=True)
class Comparison:
    name: str
    description: str
    levels: tuple[Level, ...]

    def without_fixed(self) -> Comparison:
        """The comparison without its levels of fixed weight."""
        levels = tuple(level for level in self.levels if level.fixed_weight is None)
        return Comparison(self.name, self.description, levels)

    def creator(self, *, term_frequencies: bool = True) -> Any:
        return cl.CustomComparison(
            output_column_name=self.name,
            comparison_description=self.description,
            comparison_levels=[
                level.creator(term_frequencies=term_frequencies) for level in self.levels
            ],
        )


# --- building blocks: SQL for Splink, and the same thing in Python ------------------------


def _both(left: Any, right: Any) -> bool:
    return left is not None and right is not None


def _eq(a: Any, b: Any) -> bool:
    return _both(a, b) and bool(a == b)


def _custom(sql: str) -> Callable[[], Any]:
    return lambda: cll.CustomLevel(sql, base_dialect_str=DUCKDB)


def null(column: str, label: str) -> Level:
    return Level(
        label,
        lambda: cll.NullLevel(column),
        lambda a, b: a[column] is None or b[column] is None,
        is_null=True,
    )


def exact(column: str, label: str, *, tf: bool = False) -> Level:
    return Level(
        label,
        lambda: cll.ExactMatchLevel(column),
        lambda a, b: _eq(a[column], b[column]),
        tf_column=column if tf else None,
    )


def custom(label: str, condition: tuple[str, Test]) -> Level:
    """A level from a SQL condition and the same condition in Python."""
    sql, test = condition
    return Level(label, _custom(sql), test)


class GuardedLevel(ComparisonLevelCreator):
    """``CASE WHEN guard THEN level ELSE FALSE END``: the level only where the guard holds.

    Not ``guard AND level`` (Splink's ``And``): DuckDB reorders the terms of an AND as it
    learns their cost, and then and there computes the edit distance of pairs the guard would
    have turned away. A CASE keeps the order.
    """

    def __init__(self, guard_sql: str, level: ComparisonLevelCreator) -> None:
        self.guard = cll.CustomLevel(guard_sql, base_dialect_str=DUCKDB)
        self.level = level

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        guard = self.guard.create_sql(sql_dialect)
        return f"CASE WHEN {guard} THEN {self.level.create_sql(sql_dialect)} ELSE FALSE END"

    def create_label_for_charts(self) -> str:
        return f"{self.level.create_label_for_charts()} (guarded)"


def guarded(guard_sql: str, guard: Test, level: Level, label: str) -> Level:
    """A costly level (edit distance, Jaro-Winkler) evaluated only where a cheap condition
    already holds: most compared pairs fail the guard, and the database skips the rest."""
    return Level(
        label,
        lambda: GuardedLevel(guard_sql, level.splink()),
        lambda a, b: guard(a, b) and level.test(a, b),
    )


def typo(column: str) -> Level:
    """One edit apart (Damerau-Levenshtein <= 1: a slip, a missing letter, two swapped)."""
    return Level(
        "",
        lambda: cll.DamerauLevenshteinLevel(column, 1),
        lambda a, b: (
            _both(a[column], b[column])
            and jellyfish.damerau_levenshtein_distance(a[column], b[column]) <= 1
        ),
    )


def similar(column: str, threshold: float) -> Level:
    return Level(
        "",
        lambda: cll.JaroWinklerLevel(column, threshold),
        lambda a, b: (
            _both(a[column], b[column])
            and jellyfish.jaro_winkler_similarity(a[column], b[column]) >= threshold
        ),
    )


class ArraysOverlapLevel(ComparisonLevelCreator):
    """Two lists have an element in common.

    Splink's ``ArrayIntersectLevel(col, 1)`` builds the intersection and measures it; asking
    whether the lists overlap at all is about three times faster in DuckDB (``list_has_any``)
    and has its own function in Spark (``arrays_overlap``). Other dialects get Splink's level.
    """

    def __init__(self, column: str) -> None:
        self.column = column

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        left, right = f"{self.column}_l", f"{self.column}_r"  # plain identifiers
        name = sql_dialect.sql_dialect_str
        if name == "duckdb":
            return f"list_has_any({left}, {right})"
        if name == "spark":
            return f"arrays_overlap({left}, {right})"
        sql: str = cll.ArrayIntersectLevel(self.column, 1).create_sql(sql_dialect)
        return sql

    def create_label_for_charts(self) -> str:
        return f"{self.column} lists overlap"


def overlap(column: str) -> Level:
    return Level(
        "",
        lambda: ArraysOverlapLevel(column),
        lambda a, b: _both(a[column], b[column]) and bool(set(a[column]) & set(b[column])),
    )


def otherwise(label: str) -> Level:
    return Level(label, cll.ElseLevel, lambda _a, _b: True)


def _one_edit_possible(column: str) -> tuple[str, Test]:
    """What must hold for two names to be one edit apart, cheap to check first.

    The lengths differ by at most one, and the first two letters meet somewhere: an edit
    that leaves the first letter alone keeps it; one that changes it keeps the second letter
    (a slip), shifts it by one (a letter missed or added) or swaps the two. A necessary
    condition only: the edit distance itself still decides, on far fewer pairs.
    """
    a0, a1 = f"substr({column}_l, 1, 1)", f"substr({column}_l, 2, 1)"
    b0, b1 = f"substr({column}_r, 1, 1)", f"substr({column}_r, 2, 1)"
    return (
        f"abs(length({column}_l) - length({column}_r)) <= 1 "
        f"AND ({a0} = {b0} OR {a1} = {b1} OR {a0} = {b1} OR {a1} = {b0})",
        lambda a, b: (
            _both(a[column], b[column])
            and abs(len(a[column]) - len(b[column])) <= 1
            and bool({a[column][:1], a[column][1:2]} & {b[column][:1], b[column][1:2]})
        ),
    )


def _double_barrelled(column: str) -> tuple[str, Test]:
    """Either name has more than one part (otherwise their parts meet only if they are equal,
    which an earlier level has already taken)."""
    return (
        f"({column}_l LIKE '% %' OR {column}_r LIKE '% %')",
        lambda a, b: _both(a[column], b[column]) and (" " in a[column] or " " in b[column]),
    )


def _same_initial(column: str) -> tuple[str, Test]:
    return (
        f"substr({column}_l, 1, 1) = substr({column}_r, 1, 1)",
        lambda a, b: _both(a[column], b[column]) and a[column][:1] == b[column][:1],
    )


def _initial_only(column: str) -> tuple[str, Test]:
    return (
        f"(length({column}_l) = 1 OR length({column}_r) = 1) "
        f"AND substr({column}_l, 1, 1) = substr({column}_r, 1, 1)",
        lambda a, b: (
            _both(a[column], b[column])
            and (len(a[column]) == 1 or len(b[column]) == 1)
            and a[column][:1] == b[column][:1]
        ),
    )


def _crossed(one: str, other: str) -> tuple[str, Test]:
    return (
        f"{one}_l = {other}_r OR {other}_l = {one}_r",
        lambda a, b: _eq(a[one], b[other]) or _eq(a[other], b[one]),
    )


# --- family likeness: what the independence assumption gets wrong -----------------------
#
# Unsupervised training estimates u (chance agreement) from random pairs, which almost never
# share a date of birth or a full name; so a pair that shares a family's facts (surname,
# address, phone, and the date of birth of twins or the full name of a parent and child) has
# them counted as evidence once in each comparison. Levels take it back where name and date
# of birth meet: the first-name comparison's "different" level is split by the date of birth
# (twins) and by surname, home and a gap of years (brothers, sisters and parents at one home),
# and the date-of-birth comparison's by the names (parent and child of one name). Their
# weights are fixed by design, not trained (docs/decisions/0007-blocking-recall.md and
# 0011-families-in-the-model.md), and
# never apply where the NHS numbers agree or are one slip apart: each member of a family has
# their own. As the last levels before "different", they cost nothing on other pairs.

#: Match weight (log2 Bayes factor) of twins' first names: born the same day or a slip apart,
#: first names different (no level of the first-name comparison agrees) with different
#: initials.
TWINS_WEIGHT = -25.0
#: The same with the same initial: as often a nickname mistyped past recognition (Sadny for
#: Sandra) as two names, so less.
TWINS_SAME_INITIAL_WEIGHT = -11.0
#: Match weight of a parent and child's dates of birth: the same first and last name, years
#: of birth at least GENERATION_YEARS apart, not the same birthday (a mistyped year keeps
#: the day and month).
GENERATION_WEIGHT = -40.0
GENERATION_YEARS = 12
#: Match weight of the dates of birth of a brother, sister or parent at one home (issue
#: 12, docs/decisions/0011-families-in-the-model.md), in place of "Date of birth different":
#: the same last name, the same postcode or phone, and born at least HOUSEHOLD_MONTHS apart
#: by month and year of birth (two years by year where a month is unknown), not on the same
#: birthday and not the day and month transposed (no slip of one person's date). A family
#: shares surname, home and phone, which the independence assumption would count as three
#: agreements; and a first name may look like a short form of another (Lee, Shirley). Here
#: a date of birth no slip explains weighs what the home and surname would otherwise outvote.
HOUSEHOLD_WEIGHT = -20.0
HOUSEHOLD_MONTHS = 9
#: Match weight of the first names of two records at one home (the same last name, the same
#: postcode or phone) where one record has no date of birth, the first names are different
#: (no level of the first-name comparison agrees) and so are their initials: a brother or
#: sister, not one person (docs/decisions/0012-blocking-and-households-again.md). Without a
#: date the household level above cannot speak, and surname, home and phone outvoted the
#: first names: the undated record joined the family member, then bridged to the rest.
UNDATED_HOUSEHOLD_WEIGHT = -20.0
#: The twins' levels take first names at least this many edits apart (Damerau-Levenshtein).
#: A first name mistyped twice, or a short form with a slip (Gane for Jane, then Jean; a
#: first letter misheard: Kieran, Ciaran) is two edits from the other record's: on the
#: tuning set (0012) every pair of one born-the-same-day with different initials and names
#: two edits apart was one person (39 of 39); three or more edits apart, 562 of 596 were two.
NAMES_APART = 3
#: The u probability given to a level of fixed weight (its m follows from the weight): about
#: the chance that two random records are born the same day.
FIXED_U = 1e-4


class UnlessNhsLevel(ComparisonLevelCreator):
    """``condition`` (DuckDB SQL), unless the NHS numbers agree or are one slip apart.

    A CASE, so the edit distance runs only where the condition holds."""

    def __init__(self, condition_sql: str, label: str, *, names_apart: bool = False) -> None:
        self.condition = cll.CustomLevel(condition_sql, base_dialect_str=DUCKDB)
        self.label = label
        self.names_apart = names_apart

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        near = cll.DamerauLevenshteinLevel("nhs", 1).create_sql(sql_dialect)
        unless = f"NOT coalesce(({near}), false)"
        if self.names_apart:
            close = cll.DamerauLevenshteinLevel("first_name", NAMES_APART - 1)
            unless += f" AND NOT coalesce(({close.create_sql(sql_dialect)}), false)"
        return f"CASE WHEN {self.condition.create_sql(sql_dialect)} THEN {unless} ELSE FALSE END"

    def create_label_for_charts(self) -> str:
        return self.label


def _nhs_near(a: Record, b: Record) -> bool:
    return (
        _both(a["nhs"], b["nhs"])
        and jellyfish.damerau_levenshtein_distance(a["nhs"], b["nhs"]) <= 1
    )


def _first_names_apart(a: Record, b: Record) -> bool:
    return (
        _both(a["first_name"], b["first_name"])
        and jellyfish.damerau_levenshtein_distance(a["first_name"], b["first_name"]) >= NAMES_APART
    )


def unless_nhs(
    label: str, condition: tuple[str, Test], weight: float, *, names_apart: bool = False
) -> Level:
    """A level of fixed weight: ``condition``, unless the NHS numbers agree or are one slip
    apart; with ``names_apart``, only where the first names are NAMES_APART or more edits
    apart (two slips, or a slip in a short form, make a name look like another's)."""
    sql, test = condition
    return Level(
        label,
        lambda: UnlessNhsLevel(sql, label, names_apart=names_apart),
        lambda a, b: (
            test(a, b) and not _nhs_near(a, b) and (not names_apart or _first_names_apart(a, b))
        ),
        fixed_weight=weight,
    )


#: Born the same day, or a slip apart (two of year, month and day agree, or the day and
#: month transposed): twins, one of whose dates was mistyped in one record.
_SAME_DAY_OR_SLIP_SQL = (
    "(dob_l = dob_r "
    "OR CAST(dob_year_l = dob_year_r AS INTEGER) + CAST(dob_month_l = dob_month_r AS INTEGER) "
    "+ CAST(dob_day_l = dob_day_r AS INTEGER) = 2 "
    "OR (dob_precision_l = 'day' AND dob_precision_r = 'day' AND dob_year_l = dob_year_r "
    "AND dob_month_l = dob_day_r AND dob_day_l = dob_month_r))"
)


def _same_day_or_slip(a: Record, b: Record) -> bool:
    return _eq(a["dob"], b["dob"]) or _two_parts_agree(a, b) or _transposed(a, b)


def _twins(*, same_initial: bool) -> tuple[str, Test]:
    """First names different, one initial or two. With two initials (the stronger sign of
    two people) the dates may be a slip apart; with one, only the same day counts (a first
    name mistyped past recognition, with a date mistyped too, would otherwise be taken for
    a twin)."""
    initials = "=" if same_initial else "<>"
    dates = "dob_l = dob_r" if same_initial else _SAME_DAY_OR_SLIP_SQL
    born = (lambda a, b: _eq(a["dob"], b["dob"])) if same_initial else _same_day_or_slip

    def test(a: Record, b: Record) -> bool:
        return (
            born(a, b)
            and _both(a["first_name"], b["first_name"])
            and (a["first_name"][:1] == b["first_name"][:1]) == same_initial
        )

    return (
        f"{dates} AND substr(first_name_l, 1, 1) {initials} substr(first_name_r, 1, 1)",
        test,
    )


def _generation_apart(a: Record, b: Record) -> bool:
    return (
        _eq(a["first_name"], b["first_name"])
        and _eq(a["last_name"], b["last_name"])
        and _both(a["dob_year"], b["dob_year"])
        and abs(a["dob_year"] - b["dob_year"]) >= GENERATION_YEARS
        and not (_eq(a["dob_month"], b["dob_month"]) and _eq(a["dob_day"], b["dob_day"]))
    )


_GENERATION_SQL = (
    "first_name_l = first_name_r AND last_name_l = last_name_r "
    f"AND abs(dob_year_l - dob_year_r) >= {GENERATION_YEARS} "
    "AND NOT coalesce(dob_month_l = dob_month_r AND dob_day_l = dob_day_r, false)"
)


def _born_apart(a: Record, b: Record) -> bool:
    """Born at least HOUSEHOLD_MONTHS apart, as no slip of one person's date makes them."""
    if not _both(a["dob_year"], b["dob_year"]):
        return False
    if _eq(a["dob_month"], b["dob_month"]) and _eq(a["dob_day"], b["dob_day"]):
        return False  # a year mistyped keeps the birthday
    if not _both(a["dob_month"], b["dob_month"]):
        return bool(abs(a["dob_year"] - b["dob_year"]) >= 2)
    if _eq(a["dob_month"], b["dob_day"]) and _eq(a["dob_day"], b["dob_month"]):
        return False  # day and month transposed
    months = (a["dob_year"] * 12 + a["dob_month"]) - (b["dob_year"] * 12 + b["dob_month"])
    return bool(abs(months) >= HOUSEHOLD_MONTHS)


def _household(a: Record, b: Record) -> bool:
    return (
        _eq(a["last_name"], b["last_name"])
        and (_eq(a["pc_unit"], b["pc_unit"]) or _eq(a["phone"], b["phone"]))
        and _born_apart(a, b)
    )


_HOUSEHOLD_SQL = (
    "last_name_l = last_name_r AND (pc_unit_l = pc_unit_r OR phone_l = phone_r) "
    "AND NOT coalesce(dob_month_l = dob_month_r AND dob_day_l = dob_day_r, false) "
    "AND CASE WHEN dob_month_l IS NULL OR dob_month_r IS NULL "
    "THEN abs(dob_year_l - dob_year_r) >= 2 "
    "ELSE NOT coalesce(dob_month_l = dob_day_r AND dob_day_l = dob_month_r, false) "
    "AND abs((dob_year_l * 12 + dob_month_l) - (dob_year_r * 12 + dob_month_r)) "
    f">= {HOUSEHOLD_MONTHS} END"
)


def _undated_household(a: Record, b: Record) -> bool:
    return (
        (a["dob_year"] is None or b["dob_year"] is None)
        and _both(a["first_name"], b["first_name"])
        and a["first_name"][:1] != b["first_name"][:1]
        and _eq(a["last_name"], b["last_name"])
        and (_eq(a["pc_unit"], b["pc_unit"]) or _eq(a["phone"], b["phone"]))
    )


_UNDATED_HOUSEHOLD_SQL = (
    "(dob_year_l IS NULL OR dob_year_r IS NULL) "
    "AND substr(first_name_l, 1, 1) <> substr(first_name_r, 1, 1) "
    "AND last_name_l = last_name_r AND (pc_unit_l = pc_unit_r OR phone_l = phone_r)"
)


# --- the Lantern model ---------------------------------------------------------------------


def first_name() -> Comparison:
    return Comparison(
        "first_name",
        "First name",
        (
            null("first_name", "First name missing"),
            exact("first_name", "Same first name", tf=True),
            Level(
                "Nickname or short form (Kate, Katherine)",
                overlap("first_group").splink,
                overlap("first_group").test,
            ),
            guarded(
                *_one_edit_possible("first_name"), typo("first_name"), "First name one slip apart"
            ),
            exact("first_key", "First name sounds the same"),
            guarded(
                *_same_initial("first_name"), similar("first_name", 0.9), "First name very similar"
            ),
            custom("Known by a middle name", _crossed("first_name", "middle_name")),
            custom("First and last name swapped", _crossed("first_name", "last_name")),
            custom("Initial agrees", _initial_only("first_name")),
            unless_nhs(
                "First name different, same date of birth and initial",
                _twins(same_initial=True),
                TWINS_SAME_INITIAL_WEIGHT,
                names_apart=True,
            ),
            unless_nhs(
                "First name different, born the same day or a slip apart (twins)",
                _twins(same_initial=False),
                TWINS_WEIGHT,
                names_apart=True,
            ),
            unless_nhs(
                "First name different, another initial, same surname and home, a date of "
                "birth missing (a brother or sister)",
                (_UNDATED_HOUSEHOLD_SQL, _undated_household),
                UNDATED_HOUSEHOLD_WEIGHT,
            ),
            otherwise("First name different"),
        ),
    )


def middle_name() -> Comparison:
    return Comparison(
        "middle_name",
        "Middle name",
        (
            null("middle_name", "Middle name missing"),
            exact("middle_name", "Same middle name"),
            custom("Middle initial agrees", _initial_only("middle_name")),
            guarded(
                *_one_edit_possible("middle_name"),
                typo("middle_name"),
                "Middle name one slip apart",
            ),
            otherwise("Middle name different"),
        ),
    )


def last_name() -> Comparison:
    return Comparison(
        "last_name",
        "Last name",
        (
            null("last_name", "Last name missing"),
            exact("last_name", "Same last name", tf=True),
            guarded(
                *_one_edit_possible("last_name"), typo("last_name"), "Last name one slip apart"
            ),
            exact("last_key", "Last name sounds the same"),
            guarded(
                *_same_initial("last_name"), similar("last_name", 0.9), "Last name very similar"
            ),
            guarded(
                *_double_barrelled("last_name"),
                overlap("last_tokens"),
                "One part of a double-barrelled name agrees",
            ),
            custom("First and last name swapped", _crossed("last_name", "first_name")),
            otherwise("Last name different"),
        ),
    )


def _partial_dates_agree(a: Record, b: Record) -> bool:
    if not _both(a["dob_year"], b["dob_year"]):
        return False
    either_partial = a["dob_precision"] != "day" or b["dob_precision"] != "day"
    months_agree = (
        a["dob_month"] is None or b["dob_month"] is None or a["dob_month"] == b["dob_month"]
    )
    return either_partial and a["dob_year"] == b["dob_year"] and months_agree


def _transposed(a: Record, b: Record) -> bool:
    return (
        a["dob_precision"] == "day"
        and b["dob_precision"] == "day"
        and a["dob_year"] == b["dob_year"]
        and _eq(a["dob_month"], b["dob_day"])
        and _eq(a["dob_day"], b["dob_month"])
    )


def _two_parts_agree(a: Record, b: Record) -> bool:
    parts = ("dob_year", "dob_month", "dob_day")
    if not all(_both(a[p], b[p]) for p in parts):
        return False
    return sum(1 for p in parts if a[p] == b[p]) == 2


def _birthday(a: Record, b: Record) -> bool:
    return (
        _eq(a["dob_month"], b["dob_month"])
        and _eq(a["dob_day"], b["dob_day"])
        and abs(a["dob_year"] - b["dob_year"]) <= 10
    )


def date_of_birth() -> Comparison:
    return Comparison(
        "date_of_birth",
        "Date of birth",
        (
            null("dob_year", "Date of birth missing"),
            exact("dob", "Same date of birth"),
            custom(
                "Partial date of birth agrees (year or month only)",
                (
                    "(dob_precision_l <> 'day' OR dob_precision_r <> 'day') "
                    "AND dob_year_l = dob_year_r "
                    "AND (dob_month_l IS NULL OR dob_month_r IS NULL OR dob_month_l = dob_month_r)",
                    _partial_dates_agree,
                ),
            ),
            custom(
                "Day and month transposed",
                (
                    "dob_precision_l = 'day' AND dob_precision_r = 'day' "
                    "AND dob_year_l = dob_year_r AND dob_month_l = dob_day_r "
                    "AND dob_day_l = dob_month_r",
                    _transposed,
                ),
            ),
            guarded(
                "CAST(dob_year_l = dob_year_r AS INTEGER) "
                "+ CAST(dob_month_l = dob_month_r AS INTEGER) "
                "+ CAST(dob_day_l = dob_day_r AS INTEGER) = 2",
                _two_parts_agree,
                typo("dob"),
                "Date of birth one digit apart",
            ),
            custom(
                "Same month and year of birth",
                (
                    "dob_year_l = dob_year_r AND dob_month_l = dob_month_r",
                    lambda a, b: (
                        _eq(a["dob_year"], b["dob_year"]) and _eq(a["dob_month"], b["dob_month"])
                    ),
                ),
            ),
            custom(
                "Same birthday, year differs",
                (
                    "dob_month_l = dob_month_r AND dob_day_l = dob_day_r "
                    "AND abs(dob_year_l - dob_year_r) <= 10",
                    _birthday,
                ),
            ),
            unless_nhs(
                "Born a generation apart, same names (parent and child)",
                (_GENERATION_SQL, _generation_apart),
                GENERATION_WEIGHT,
            ),
            unless_nhs(
                "Born months or years apart, same surname and home (a household)",
                (_HOUSEHOLD_SQL, _household),
                HOUSEHOLD_WEIGHT,
            ),
            otherwise("Date of birth different"),
        ),
    )


def sex() -> Comparison:
    return Comparison(
        "sex",
        "Sex",
        (
            null("sex", "Sex not recorded"),
            exact("sex", "Same sex"),
            otherwise("Sex different"),
        ),
    )


def nhs_number() -> Comparison:
    return Comparison(
        "nhs_number",
        "NHS number",
        (
            null("nhs", "NHS number missing"),
            exact("nhs", "Same NHS number"),
            guarded(
                "NOT (nhs_valid_l AND nhs_valid_r)",
                lambda a, b: not (a["nhs_valid"] and b["nhs_valid"]),
                typo("nhs"),
                "NHS number near miss (a check digit fails)",
            ),
            otherwise("NHS number different"),
        ),
    )


def home() -> Comparison:
    """Where the person lives: postcode at unit, sector and district, and the house.

    One comparison, not two: the address and its postcode say the same thing, and counting
    both would make every household look like one person (siblings, twins).
    """
    return Comparison(
        "home",
        "Home (postcode and address)",
        (
            null("pc_unit", "Postcode missing"),
            custom(
                "Same postcode and house number",
                (
                    "pc_unit_l = pc_unit_r AND house_l = house_r",
                    lambda a, b: _eq(a["pc_unit"], b["pc_unit"]) and _eq(a["house"], b["house"]),
                ),
            ),
            exact("pc_unit", "Same postcode", tf=True),
            exact("pc_sector", "Same postcode sector"),
            exact("pc_district", "Same postcode district"),
            otherwise("Postcode different"),
        ),
    )


def phone() -> Comparison:
    return Comparison(
        "phone",
        "Phone",
        (
            null("phone", "Phone missing"),
            exact("phone", "Same phone number", tf=True),
            # The same length and dialling prefix; and, as one wrong or swapped digit after
            # the prefix cannot touch both the 5th-6th digits and the 8th onwards, one of
            # those agrees (a cheap test first: most numbers share a prefix like 077).
            guarded(
                "length(phone_l) = length(phone_r) "
                "AND substr(phone_l, 1, 4) = substr(phone_r, 1, 4) "
                "AND (substr(phone_l, 5, 2) = substr(phone_r, 5, 2) "
                "OR substr(phone_l, 8) = substr(phone_r, 8))",
                lambda a, b: (
                    len(a["phone"]) == len(b["phone"])
                    and a["phone"][:4] == b["phone"][:4]
                    and (a["phone"][4:6] == b["phone"][4:6] or a["phone"][7:] == b["phone"][7:])
                ),
                typo("phone"),
                "Phone number one digit apart",
            ),
            otherwise("Phone different"),
        ),
    )


def email() -> Comparison:
    return Comparison(
        "email",
        "E-mail",
        (
            null("email", "E-mail missing"),
            exact("email", "Same e-mail address", tf=True),
            custom(
                "Same e-mail user name",
                (
                    "split_part(email_l, '@', 1) = split_part(email_r, '@', 1)",
                    lambda a, b: a["email"].split("@")[0] == b["email"].split("@")[0],
                ),
            ),
            guarded(*_same_initial("email"), similar("email", 0.88), "E-mail very similar"),
            otherwise("E-mail different"),
        ),
    )


LANTERN_COMPARISONS: tuple[Callable[[], Comparison], ...] = (
    first_name,
    middle_name,
    last_name,
    date_of_birth,
    sex,
    nhs_number,
    home,
    phone,
    email,
)


def lantern_model() -> list[Comparison]:
    return [make() for make in LANTERN_COMPARISONS]


def lantern_comparisons(*, term_frequencies: bool = True, fixed: bool = True) -> list[Any]:
    """The comparisons for Splink; without ``fixed``, without the levels of fixed weight
    (the design training runs on: Splink's EM leaves a comparison unestimated when some of
    its levels have a fixed m, so they are added to the trained model afterwards)."""
    return [
        comparison.without_fixed().creator(term_frequencies=term_frequencies)
        if not fixed
        else comparison.creator(term_frequencies=term_frequencies)
        for comparison in lantern_model()
    ]


def plain_comparisons() -> list[Any]:
    return [
        cl.NameComparison("first_name").configure(term_frequency_adjustments=False),
        cl.NameComparison("last_name").configure(term_frequency_adjustments=False),
        cl.DateOfBirthComparison("dob", input_is_string=True),
        cl.ExactMatch("nhs"),
        cl.ExactMatch("pc_unit"),
        cl.ExactMatch("phone"),
    ]


#: Which pairs are scored at all, in order. Each is an equality on prepared columns, so the
#: database joins on them; together they keep the comparison count close to linear in the
#: number of records. Each is there for a kind of error records make (a name typed wrong, a
#: day and month transposed, a year wrong, a date known only to the year, names swapped, a
#: move), and each has to find true matches no other rule finds: a rule is a join over every
#: record, and every pair it makes is scored. Why there is no "same names, born within a
#: year" rule, with the figures: docs/decisions/0006-blocking-rules-follow-the-errors.md.
#: Order matters for speed, not for which pairs are scored: each rule leaves out the pairs of
#: the rules before it by testing their conditions on every candidate it joins, so the swapped
#: names (many candidates from a join that cannot use the others' keys) come early.
BLOCKING_RULES: list[tuple[str, tuple[str, ...]]] = [
    ("Same NHS number", ("nhs",)),
    (
        "First and last name swapped, born within a year",
        ("first_name=last_name", "last_name=first_name", "~dob_year"),
    ),
    (
        "Same names and year of birth; month agrees or is transposed with the day",
        ("first_name", "last_name", "dob_year", "~dob_month"),
    ),
    ("Same last name and date of birth", ("last_name", "dob")),
    ("Same first name and date of birth", ("first_name", "dob")),
    ("Same last name and postcode", ("last_name", "pc_unit")),
    ("Same first name and postcode", ("first_name", "pc_unit")),
    ("Same date of birth and postcode", ("dob", "pc_unit")),
    ("Same phone number and last name", ("phone", "last_name")),
    (
        "Same names and birthday, year of birth differs",
        ("first_name", "last_name", "dob_month", "dob_day"),
    ),
    # Issue 12 (docs/decisions/0007-blocking-recall.md): the errors the rules above miss.
    # Split by which record of the pair has no date: each join then probes only the records
    # without one (DuckDB pushes a condition on one side down to its scan), not every pair
    # of namesakes in the file.
    (
        "Same names, date of birth missing on one side (the first)",
        ("first_name", "last_name", "~dob_missing_l"),
    ),
    (
        "Same names, date of birth missing on one side (the second)",
        ("first_name", "last_name", "~dob_missing_r"),
    ),
    (
        "Same date of birth and initials (both names mistyped)",
        ("dob", "first_name:1", "last_name:1"),
    ),
    (
        "Same date of birth, initials crossed (names swapped and mistyped)",
        ("dob", "first_name:1=last_name:1", "last_name:1=first_name:1"),
    ),
    ("Same phone number and first name", ("phone", "first_name")),
    # docs/decisions/0011-families-in-the-model.md: both names mistyped (or one a nickname)
    # and the date of birth a slip out, at one address; the postcode keeps it selective.
    (
        "Same year of birth, initials and postcode",
        ("dob_year", "first_name:1", "last_name:1", "pc_unit"),
    ),
    # docs/decisions/0012-blocking-and-households-again.md: a slip at a name's first letter
    # (Kaitlyn, Caitlin), both names mistyped, day and month transposed with a name mistyped.
    # Six more chosen at 20,000 people made under 5 true pairs per thousand at a million
    # (2 million pairs for 4,000 true; the dedupe 3.7 times plain's time): left out, with
    # their figures in the decision.
    ("Same date of birth, last names sound alike", ("dob", "last_key")),
    ("Same date of birth and phone number", ("dob", "phone")),
    (
        "Day and month of birth transposed, same initials",
        ("dob_year", "dob_month=dob_day", "dob_day=dob_month", "first_name:1", "last_name:1"),
    ),
    (
        "Names swapped and sound alike, same date of birth",
        ("first_key=last_key", "last_key=first_key", "dob"),
    ),
]

#: The plain configuration blocks on the plain columns only.
PLAIN_BLOCKING_RULES: list[tuple[str, tuple[str, ...]]] = [
    ("Same NHS number", ("nhs",)),
    ("Same first and last name, born within a year", ("first_name", "last_name", "~dob_year")),
    ("Same last name and date of birth", ("last_name", "dob")),
    ("Same first name and date of birth", ("first_name", "dob")),
    ("Same date of birth and postcode", ("dob", "pc_unit")),
    ("Same phone number and last name", ("phone", "last_name")),
]

#: Rules for expectation maximisation, tried in order until every comparison has been learnt
#: in at least one session (a rule that finds no pairs in this data is skipped).
EM_RULES: list[tuple[str, ...]] = [
    ("nhs",),
    ("first_name", "last_name", "dob_year"),
    ("dob", "pc_sector"),
    ("dob", "pc_unit"),
    ("phone", "last_name"),
    ("email",),
]
PLAIN_EM_RULES: list[tuple[str, ...]] = [
    ("nhs",),
    ("first_name", "last_name", "dob_year"),
    ("dob", "pc_unit"),
]

#: Rules that almost only ever join the same person, to estimate how many pairs match.
DETERMINISTIC_RULES: list[tuple[str, ...]] = [
    ("nhs", "dob"),
    ("first_name", "last_name", "dob"),
]
PLAIN_DETERMINISTIC_RULES: list[tuple[str, ...]] = [
    ("nhs", "dob"),
    ("first_name", "last_name", "dob"),
]


def rule_pairs(columns: tuple[str, ...]) -> list[tuple[str, str]]:
    """The equalities of a rule: ``("a", "b=c")`` is ``l.a = r.a AND l.b = r.c``; a key
    ``"a:1"`` is the first letter of ``a`` (an initial)."""
    pairs = []
    for column in columns:
        if column.startswith("~"):
            continue
        left, _, right = column.partition("=")
        pairs.append((left, right or left))
    return pairs


def _key_sql(side: str, key: str) -> str:
    name, _, length = key.partition(":")
    return f"substr({side}.{name}, 1, {int(length)})" if length else f"{side}.{name}"


def key_value(record: Record, key: str) -> Any:
    """The value a rule's key takes for one prepared record (Python, for the tests)."""
    name, _, length = key.partition(":")
    value = record[name]
    return value[: int(length)] if length and value is not None else value


#: Conditions a rule may add to its equalities, each true where either side is unknown.
RULE_FILTERS: dict[str, str] = {
    # Born within a year of each other.
    "~dob_year": "(l.dob_year IS NULL OR r.dob_year IS NULL OR abs(l.dob_year - r.dob_year) <= 1)",
    # The month of birth agrees, or is the other's day (day and month transposed).
    "~dob_month": (
        "(l.dob_month IS NULL OR r.dob_month IS NULL OR l.dob_month = r.dob_month "
        "OR (l.dob_month = r.dob_day AND l.dob_day = r.dob_month))"
    ),
    # One of the two has no date of birth at all: the first, or the second.
    "~dob_missing_l": "l.dob_year IS NULL",
    "~dob_missing_r": "r.dob_year IS NULL",
}


def rule_filters(columns: tuple[str, ...]) -> list[str]:
    return [RULE_FILTERS[column] for column in columns if column.startswith("~")]


def rule_sql(columns: tuple[str, ...]) -> str:
    parts = [
        f"{_key_sql('l', left)} = {_key_sql('r', right)}" for left, right in rule_pairs(columns)
    ]
    return " AND ".join(parts + rule_filters(columns))


def blocking_rules(kind: ModelKind) -> list[tuple[str, tuple[str, ...]]]:
    return BLOCKING_RULES if kind == "lantern" else PLAIN_BLOCKING_RULES


def settings(
    kind: ModelKind = "lantern",
    *,
    retain_columns: bool = True,
    term_frequencies: bool = True,
    fixed: bool = True,
) -> SettingsCreator:
    """The model's design for Splink. Without ``term_frequencies`` the levels carry no term
    frequency adjustment: training never uses one (u by random sampling, m by EM without
    them), and Splink then has no frequency tables to build and join while it trains.
    Without ``fixed``, no levels of fixed weight (the design training runs on)."""
    comparisons = (
        lantern_comparisons(term_frequencies=term_frequencies, fixed=fixed)
        if kind == "lantern"
        else plain_comparisons()
    )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[
            rule_sql(columns)  # type: ignore[misc]  # Splink takes SQL strings too
            for _, columns in blocking_rules(kind)
        ],
        retain_matching_columns=retain_columns,
        retain_intermediate_calculation_columns=retain_columns,
        max_iterations=20,
        em_convergence=0.001,
    )

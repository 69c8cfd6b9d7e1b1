"""Every comparison level means the same in Splink's SQL as in the real-time scorer's Python.

The batch run and the real-time scorer must put a pair in the same level. The scorer's test
compares them on blocked pairs (alike by construction); here every level is checked on its
own, over pairs of records drawn at random and pairs made one slip apart, where the cheap
guards in front of the costly levels do their work.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import duckdb
import jellyfish
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.linkage import features, spec
from lantern.linkage.datasets import read_extracts


def _slip(rng: random.Random, text: str) -> str:
    """One edit: a letter changed, dropped, added, or two swapped."""
    if len(text) < 2:
        return text + "a"
    i = rng.randrange(len(text) - 1)
    kind = rng.choice(("change", "drop", "add", "swap"))
    if kind == "change":
        return text[:i] + "x" + text[i + 1 :]
    if kind == "drop":
        return text[:i] + text[i + 1 :]
    if kind == "add":
        return text[:i] + "e" + text[i:]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def _pairs(synthetic_extracts: Path) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    records, _ = read_extracts(synthetic_extracts)
    rows = features.prepare(records.sample(n=400, random_state=7)).to_pylist()
    rng = random.Random(7)
    pairs = [(rng.choice(rows), rng.choice(rows)) for _ in range(3000)]
    for row in rows:  # near misses of the same record
        twin = dict(row)
        for column in ("first_name", "last_name", "middle_name", "phone", "nhs", "email"):
            if twin[column] and rng.random() < 0.5:
                twin[column] = _slip(rng, twin[column])
        pairs.append((row, twin))
    return pairs


def test_each_level_selects_the_same_pairs_in_sql_and_in_python(
    synthetic_extracts: Path,
) -> None:
    pairs = _pairs(synthetic_extracts)
    columns = list(features.FEATURE_COLUMNS)
    table = pa.Table.from_pylist(
        [
            {**{f"{c}_l": a[c] for c in columns}, **{f"{c}_r": b[c] for c in columns}, "i": i}
            for i, (a, b) in enumerate(pairs)
        ]
    )
    connection = duckdb.connect()
    connection.register("pairs", table)
    checked = 0
    for comparison in spec.lantern_model():
        for level in comparison.levels:
            if level.is_null or level.label.endswith("different"):
                continue
            sql = level.creator().get_comparison_level("duckdb").sql_condition
            if sql == "ELSE":
                continue
            chosen = {
                i
                for (i,) in connection.execute(f"SELECT i FROM pairs WHERE {sql}").fetchall()  # noqa: S608
            }
            expected = {
                i
                for i, (a, b) in enumerate(pairs)
                if not any(a[c] is None or b[c] is None for c in _null_columns(comparison))
                and level.test(a, b)
            }
            assert chosen == expected, f"{comparison.name}: {level.label}"
            checked += 1
    assert checked > 30


def _null_columns(comparison: spec.Comparison) -> list[str]:
    """The column whose absence is the comparison's null level (tests assume it present)."""
    null = next((level for level in comparison.levels if level.is_null), None)
    if null is None:
        return []
    sql = null.creator().get_comparison_level("duckdb").sql_condition
    return [c for c in features.FEATURE_COLUMNS if f'"{c}_l"' in sql]


NAMES = st.text(alphabet="abcde", max_size=7)


@settings(max_examples=500, deadline=None, database=None)
@given(NAMES, NAMES)
def test_the_cheap_test_before_the_edit_distance_never_turns_away_one_slip(a: str, b: str) -> None:
    _, possible = spec._one_edit_possible("first_name")
    one_slip = jellyfish.damerau_levenshtein_distance(a, b) <= 1
    if a and b and one_slip:
        assert possible({"first_name": a}, {"first_name": b})


DIGITS = st.text(alphabet="0123", min_size=7, max_size=12)


@settings(max_examples=500, deadline=None, database=None)
@given(DIGITS, st.data())
def test_the_phone_guard_keeps_every_number_one_digit_apart(number: str, data: Any) -> None:
    i = data.draw(st.integers(4, len(number) - 1))
    changed = number[:i] + data.draw(st.sampled_from("0123")) + number[i + 1 :]
    j = data.draw(st.integers(4, len(number) - 2))
    swapped = number[:j] + number[j + 1] + number[j] + number[j + 2 :]
    level = next(lv for lv in spec.phone().levels if lv.label == "Phone number one digit apart")
    for other in (changed, swapped):
        assert level.test({"phone": number}, {"phone": other})


def test_a_memory_limit_that_is_not_a_size_is_refused_before_it_reaches_duckdb() -> None:
    import pytest

    from lantern.linkage import engine

    with pytest.raises(ValueError, match="LANTERN_LINKAGE_MEMORY"):
        engine.duckdb_api(memory_limit="1GB'; INSTALL httpfs; --")
    assert engine.MEMORY_LIMIT.fullmatch("512MiB")

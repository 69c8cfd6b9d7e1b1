"""k-anonymity of the perpetrator learning set, as pure functions: every quasi-identifier
combination the export writes is shared by at least five rows, or the export refuses."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.learning.anonymity import (
    COLUMNS,
    LADDER,
    QUASI_IDENTIFIERS,
    Facts,
    K,
    KAnonymityError,
    anonymise,
    choose_level,
    smallest_class,
)

ROLES = {"organiser": "leading", "recruiter": "leading", "abuser": "taking_part", "lone": "alone"}


@st.composite
def person(draw: st.DrawFn) -> Facts:
    role = draw(st.sampled_from(sorted(ROLES)))
    return Facts(
        first_concern=draw(st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31))),
        age=draw(st.one_of(st.none(), st.integers(min_value=13, max_value=75))),
        sex=draw(st.sampled_from(["male", "female", "not_known"])),
        role=role,
        role_group=ROLES[role],
        pathways=tuple(draw(st.sets(st.sampled_from(["online", "in_person"]), max_size=2))),
        disruptions=tuple(
            draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(["cawn", "arrest"]),
                        st.sampled_from(["new_links", "no_new_links", "too_soon"]),
                    ),
                    max_size=3,
                )
            )
        ),
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(person(), max_size=80))
def test_every_exported_quasi_identifier_combination_occurs_at_least_k_times(
    people: list[Facts],
) -> None:
    try:
        found = anonymise(people)
    except KAnonymityError:
        # Refused: then not even the coarsest level of the ladder is k-anonymous.
        assert len(people) < K or smallest_class(people, LADDER[-1]) < K
        return
    assert len(found.rows) == len(people)
    counts = Counter(tuple(r[q] for q in QUASI_IDENTIFIERS) for r in found.rows)
    assert min(counts.values()) >= K
    # The finest level that works is used: the one before it would not have been k-anonymous.
    if found.level.number > 0:
        assert smallest_class(people, LADDER[found.level.number - 1]) < K
    for r in found.rows:
        assert set(r) == set(COLUMNS)


def _same(n: int, **kw: object) -> list[Facts]:
    base = {
        "first_concern": date(2026, 7, 14),
        "age": 31,
        "sex": "male",
        "role": "organiser",
        "role_group": "leading",
    }
    return [Facts(**{**base, **kw}) for _ in range(n)]  # type: ignore[arg-type]


def test_five_alike_are_released_at_the_finest_level() -> None:
    found = anonymise(_same(5))
    assert found.level.number == 0
    assert {r["first_concern"] for r in found.rows} == {"2026-07"}
    assert {r["age_band"] for r in found.rows} == {"30-34"}


def test_the_ladder_generalises_before_it_refuses() -> None:
    # Five men, same role, concerns in different months of one quarter: level 1 (quarter).
    people = [
        Facts(date(2026, 7 + i % 3, 2), 30 + i, "male", "organiser", "leading") for i in range(5)
    ]
    assert choose_level(people).number == 1
    rows = anonymise(people).rows
    assert {r["first_concern"] for r in rows} == {"2026Q3"}
    assert {r["age_band"] for r in rows} == {"30-39"}


def test_the_export_refuses_fewer_than_k() -> None:
    with pytest.raises(KAnonymityError, match="fewer than 5"):
        anonymise(_same(4))


def test_the_export_refuses_a_set_it_cannot_make_k_anonymous() -> None:
    # Nine people, but one woman: sex is never generalised, so no level hides her.
    people = _same(8) + _same(1, sex="female")
    with pytest.raises(KAnonymityError, match="shared by only 1"):
        anonymise(people)

"""Small-number suppression: nothing hidden can be worked out from what is published.

The attacker here is written separately from the module's own audit: it takes only the
published text of every table in a report, knows that counts are whole and not negative,
that rows and columns add up to their totals, that tables with a shared margin publish the
same totals, and what each policy's marks mean; for every hidden value it asks a linear
programme (exact here: row-and-column constraints are totally unimodular) for the least and
greatest value it could be. A mark (``c`` or ``*``) tells it only that the count is hidden:
under both policies a mark may be a small count or one hidden to protect another.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from lantern.reporting.suppression import (
    EDUCATION_MARK,
    HEALTH_MARK,
    Policy,
    PublishedTable,
    Table,
    publish,
    round_to_5,
)


def _bounds(text: str, policy: Policy) -> tuple[float, float | None]:
    """A mark says only "hidden" (a small count, or one hidden to protect another)."""
    if text in (EDUCATION_MARK, HEALTH_MARK):
        return (0, None)
    value = int(text)
    if policy is Policy.EDUCATION or value == 0:
        return (value, value)
    return (max(0, value - 2), value + 2)


def _grid_text(t: PublishedTable) -> list[list[str]]:
    rows = [[*cells, total] for cells, total in zip(t.cells, t.row_totals, strict=True)]
    return [*rows, [*t.col_totals, t.total]]


def attack(  # noqa: C901, PLR0912 - one attacker, written out plainly
    tables: list[Table], published: list[PublishedTable]
) -> dict[tuple[int, int, int], tuple[float, float]]:
    """For every hidden entry (table, row, column): the least and greatest value possible."""
    variables: dict[tuple[int, int, int], int] = {}
    bounds: list[tuple[float, float | None]] = []
    for t_index, pub in enumerate(published):
        for r, row in enumerate(_grid_text(pub)):
            for c, text in enumerate(row):
                variables[(t_index, r, c)] = len(bounds)
                bounds.append(_bounds(text, pub.policy))
    equations: list[np.ndarray] = []
    for t_index, pub in enumerate(published):
        grid = _grid_text(pub)
        rows, cols = len(grid), len(grid[0])
        for r in range(rows):
            eq = np.zeros(len(bounds))
            for c in range(cols - 1):
                eq[variables[(t_index, r, c)]] += 1
            eq[variables[(t_index, r, cols - 1)]] -= 1
            equations.append(eq)
        for c in range(cols):
            eq = np.zeros(len(bounds))
            for r in range(rows - 1):
                eq[variables[(t_index, r, c)]] += 1
            eq[variables[(t_index, rows - 1, c)]] -= 1
            equations.append(eq)
    # Shared margins: the same totals in every table that shows them.
    for a in range(len(tables)):
        for b in range(a + 1, len(tables)):
            ta, tb = tables[a], tables[b]
            if ta.row_margin and ta.row_margin == tb.row_margin and ta.row_labels == tb.row_labels:
                ca, cb = len(ta.col_labels), len(tb.col_labels)
                for r in range(len(ta.row_labels) + 1):
                    eq = np.zeros(len(bounds))
                    eq[variables[(a, r, ca)]] = 1
                    eq[variables[(b, r, cb)]] = -1
                    equations.append(eq)
    a_eq, b_eq = np.array(equations), np.zeros(len(equations))
    found = {}
    marked = {
        (t, r, c)
        for t, pub in enumerate(published)
        for r, row in enumerate(_grid_text(pub))
        for c, text in enumerate(row)
        if text in (EDUCATION_MARK, HEALTH_MARK)
    }
    for key, i in variables.items():
        if key not in marked:  # a rounded count may be narrowed; only hidden ones matter
            continue
        objective = np.zeros(len(bounds))
        objective[i] = 1
        least = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        most = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        assert least.status == 0, "the true table is always a solution"
        found[key] = (least.fun, -most.fun if most.status == 0 else float("inf"))
    return found


SMALLISH = st.one_of(st.integers(0, 6), st.integers(0, 40))


@st.composite
def tables(draw: st.DrawFn, *, shared: bool = False) -> list[Table]:
    rows = draw(st.integers(1, 5))
    labels = tuple(f"r{i}" for i in range(rows))
    made = []
    for n in range(2 if shared else 1):
        cols = draw(st.integers(1, 5))
        counts = tuple(tuple(draw(SMALLISH) for _ in range(cols)) for _ in range(rows))
        made.append(
            Table(
                name=f"t{n}",
                row_labels=labels,
                col_labels=tuple(f"c{i}" for i in range(cols)),
                counts=counts,
                row_margin="agency" if shared else "",
            )
        )
    if shared:  # the same row totals in both: the second table splits them differently
        first = np.array(made[0].counts)
        totals = first.sum(axis=1)
        cols = len(made[1].col_labels)
        rng = np.random.default_rng(draw(st.integers(0, 2**16)))
        split = [rng.multinomial(int(total), [1 / cols] * cols) for total in totals]
        made[1] = Table(
            name="t1",
            row_labels=labels,
            col_labels=made[1].col_labels,
            counts=tuple(tuple(int(v) for v in row) for row in split),
            row_margin="agency",
        )
    return made


def _check(report: list[Table], policy: Policy) -> None:
    published = publish(report, policy)
    for (t, r, c), (least, most) in attack(report, published).items():
        assert most - least >= 1 - 1e-6, (
            f"{published[t].name} ({r}, {c}) can be worked out: it must be {least:g}"
        )
    for table, pub in zip(report, published, strict=True):
        grid = table.grid()
        text = _grid_text(pub)
        for r in range(grid.shape[0]):
            for c in range(grid.shape[1]):
                value = int(grid[r, c])
                if policy is Policy.EDUCATION:
                    if 1 <= value <= 5:
                        assert text[r][c] == EDUCATION_MARK  # every small count is hidden
                    elif text[r][c] != EDUCATION_MARK:
                        assert int(text[r][c]) == value  # and what is shown is true
                elif 1 <= value <= 4:
                    assert text[r][c] == HEALTH_MARK
                elif text[r][c] != HEALTH_MARK:
                    assert int(text[r][c]) == round_to_5(value)
                    assert int(text[r][c]) % 5 == 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_education_style_hides_small_counts_and_everything_that_would_give_them_away(
    report: list[Table],
) -> None:
    _check(report, Policy.EDUCATION)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(shared=True))
def test_two_tables_with_the_same_totals_do_not_give_each_other_away(
    report: list[Table],
) -> None:
    _check(report, Policy.EDUCATION)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(shared=True))
def test_health_style_rounds_so_nothing_hidden_is_exact(report: list[Table]) -> None:
    _check(report, Policy.HEALTH)


def test_a_single_small_cell_in_a_row_takes_a_partner_with_it() -> None:
    table = Table(
        name="referrals by agency and month",
        row_labels=("Police", "School"),
        col_labels=("Jan", "Feb", "Mar"),
        counts=((12, 3, 20), (15, 9, 30)),
    )
    (out,) = publish([table], Policy.EDUCATION)
    assert out.cells[0][1] == "c"
    hidden_in_row = [c for c in out.cells[0] if c == "c"]
    assert len(hidden_in_row) == 2  # 3 and a partner: the row total is published
    assert out.cells[1][1] == "c"  # and Feb's column then needs a second hidden cell too
    assert out.row_totals == ("35", "54")


def test_health_style_by_example() -> None:
    (out,) = publish(
        [Table(name="t", row_labels=("a",), col_labels=("x", "y", "z"), counts=((0, 3, 12),))],
        "health",
    )
    assert out.cells == (("0", "*", "10"),)
    assert out.total == "15"


def test_a_malformed_table_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        Table(name="t", row_labels=("a",), col_labels=("x",), counts=((-1,),))

"""Small-number suppression: the one module every output that leaves the hub goes through.

A partnership chooses one policy (``LANTERN_SUPPRESSION``):

- **health** (NHS Digital's style): counts of 1 to 4 are shown as ``*``; every other count,
  totals included, is rounded to the nearest 5 (0 stays 0). Rounding blurs every published
  count by up to 2, which nearly always protects the hidden ones; where the audit below
  still finds one that the rounded figures pin down, another count on its lines is shown as
  ``*`` too.
- **education** (the Department for Education's style): counts of 1 to 5 are shown as ``c``
  (primary suppression); totals are published exactly; and **secondary suppression** hides
  further cells so that no suppressed value can be worked out from the row and column totals,
  nor from another table of the same report that publishes the same totals.

Secondary suppression works on each table with its margins as one grid: every row and every
column (totals included) is a line whose entries add up. A line with exactly one hidden
entry gives it away, so another entry of that line is hidden too: the smallest non-zero one,
preferring a cell whose crossing line already has something hidden (so as not to start a new
chain), and cells before totals. That repeats until no line has exactly one hidden entry.
The result is then **audited** (both policies): for every hidden entry, a linear programme
finds the least and the greatest value it could take given everything published (counts are
whole and not negative; a rounded count is within 2 of what is shown; a mark says only that
the count is hidden, since it may be a small count or one hidden to protect another). If
any hidden entry could take only one value, more is hidden on its lines and the audit runs
again. Tables of one report that share a margin (the same totals by agency, say)
share its suppression: a total hidden in one is hidden in all, and the report is settled
together.

Why our own code rather than a library: the statistical-disclosure packages (sdcTable,
tau-Argus) are R and Java programs; nothing maintained on PyPI does cell suppression with an
audit. The audit uses SciPy's ``linprog``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

Cell = tuple[int, int]  # (row, column) in the grid with margins: the last row and column


class Policy(enum.StrEnum):
    HEALTH = "health"
    EDUCATION = "education"


HEALTH_MARK = "*"
EDUCATION_MARK = "c"
HEALTH_SMALL = range(1, 5)  # 1–4
EDUCATION_SMALL = range(1, 6)  # 1–5


@dataclass(frozen=True)
class Table:
    """Counts by row and column, before anything leaves the hub.

    ``row_margin`` / ``col_margin`` name the totals a table shares with others of the same
    report (e.g. ``"agency"`` for referrals by agency); tables with the same margin name
    and the same labels publish the same totals and share their suppression.
    """

    name: str
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    row_margin: str = ""
    col_margin: str = ""

    def __post_init__(self) -> None:
        if len(self.counts) != len(self.row_labels):
            raise ValueError(f"{self.name}: {len(self.counts)} rows for {len(self.row_labels)}")
        for row in self.counts:
            if len(row) != len(self.col_labels):
                raise ValueError(
                    f"{self.name}: a row has {len(row)} cells, not {len(self.col_labels)}"
                )
            if any(value < 0 for value in row):
                raise ValueError(f"{self.name}: counts cannot be negative")

    def grid(self) -> np.ndarray:
        """The counts with a total column, a total row and the grand total."""
        inner = np.array(self.counts, dtype=np.int64).reshape(
            len(self.row_labels), len(self.col_labels)
        )
        out = np.zeros((inner.shape[0] + 1, inner.shape[1] + 1), dtype=np.int64)
        out[:-1, :-1] = inner
        out[:-1, -1] = inner.sum(axis=1)
        out[-1, :-1] = inner.sum(axis=0)
        out[-1, -1] = inner.sum()
        return out


@dataclass(frozen=True)
class PublishedTable:
    """A table as it leaves the hub: text per cell, totals included, and what was hidden."""

    name: str
    policy: Policy
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...]
    row_totals: tuple[str, ...]
    col_totals: tuple[str, ...]
    total: str
    hidden: frozenset[Cell] = field(default_factory=frozenset)

    def rows(self, *, total_label: str = "Total") -> list[list[str]]:
        """Header, rows and the totals row, as a CSV or a spreadsheet writes them."""
        head = ["", *self.col_labels, total_label]
        body = [
            [label, *cells, row_total]
            for label, cells, row_total in zip(
                self.row_labels, self.cells, self.row_totals, strict=True
            )
        ]
        return [head, *body, [total_label, *self.col_totals, self.total]]


def round_to_5(value: int) -> int:
    """Nearest multiple of 5, halves up (2.5 is never reached by whole numbers)."""
    return int(5 * ((value + 2) // 5))


def health_text(value: int) -> str:
    if value == 0:
        return "0"
    if value in HEALTH_SMALL:
        return HEALTH_MARK
    return str(round_to_5(value))


# --- education style: primary and secondary suppression --------------------------------


def _lines(shape: tuple[int, int]) -> list[list[Cell]]:
    rows, cols = shape
    return [[(r, c) for c in range(cols)] for r in range(rows)] + [
        [(r, c) for r in range(rows)] for c in range(cols)
    ]


def _is_total(cell: Cell, shape: tuple[int, int]) -> bool:
    return cell[0] == shape[0] - 1 or cell[1] == shape[1] - 1


def _complement(
    line: list[Cell],
    hidden: set[Cell],
    grid: np.ndarray,
    lines_through: dict[Cell, list[int]],
    all_lines: list[list[Cell]],
) -> Cell | None:
    """The entry of ``line`` to hide next to protect the one hidden there."""
    shape = (grid.shape[0], grid.shape[1])
    candidates = [cell for cell in line if cell not in hidden]
    if not candidates:
        return None

    def crossing_has_hidden(cell: Cell) -> bool:
        return any(
            any(other in hidden for other in all_lines[i])
            for i in lines_through[cell]
            if all_lines[i] is not line
        )

    def key(cell: Cell) -> tuple[int, int, int, int, Cell]:
        value = int(grid[cell])
        return (
            0 if value > 0 else 1,  # a non-zero value protects; a zero may not
            0 if crossing_has_hidden(cell) else 1,
            1 if _is_total(cell, shape) else 0,
            value,
            cell,
        )

    return min(candidates, key=key)


def _secondary(grid: np.ndarray, hidden: set[Cell]) -> set[Cell]:
    """Hide more until no line (row or column, totals included) has exactly one hidden."""
    all_lines = _lines((grid.shape[0], grid.shape[1]))
    lines_through: dict[Cell, list[int]] = {}
    for i, line in enumerate(all_lines):
        for cell in line:
            lines_through.setdefault(cell, []).append(i)
    hidden = set(hidden)
    changed = True
    while changed:
        changed = False
        for line in all_lines:
            if sum(cell in hidden for cell in line) == 1:
                extra = _complement(line, hidden, grid, lines_through, all_lines)
                if extra is not None:
                    hidden.add(extra)
                    changed = True
    return hidden


def _published_bounds(value: int, hidden: bool, policy: Policy) -> tuple[float, float | None]:
    """What a reader knows of one entry from its published text."""
    if hidden:
        return (0, None)  # a mark: a small count, or one hidden to protect another
    if policy is Policy.HEALTH and value != 0:
        shown = round_to_5(value)
        return (max(0, shown - 2), shown + 2)
    return (value, value)


def _shared_margins(tables: Sequence[Table]) -> list[tuple[int, int, str]]:
    """Pairs of tables that publish the same totals, and along which axis."""
    pairs = []
    for a, ta in enumerate(tables):
        for b in range(a + 1, len(tables)):
            tb = tables[b]
            for axis in ("row", "col"):
                key_a, key_b = _margin_key(ta, axis), _margin_key(tb, axis)
                if key_a is not None and key_a == key_b:
                    pairs.append((a, b, axis))
    return pairs


def exposed(  # noqa: C901, PLR0912 - builds one linear programme, step by step
    tables: Sequence[Table],
    grids: Sequence[np.ndarray],
    hidden: Sequence[set[Cell]],
    policy: Policy,
) -> list[dict[Cell, int]]:
    """The hidden entries anyone could work out from everything the report publishes.

    Every entry is bounded by its published text (exact, rounded, or only "not negative"
    where hidden); each row and column adds up to its total; tables with a shared margin
    publish the same totals. For each hidden entry, a linear programme finds the least and
    the greatest value it could take (exact: these constraints are totally unimodular, so the
    optimum is a whole number); where they meet, the value is given away.
    """
    index: dict[tuple[int, int, int], int] = {}
    bounds: list[tuple[float, float | None]] = []
    for t, grid in enumerate(grids):
        for r in range(grid.shape[0]):
            for c in range(grid.shape[1]):
                index[(t, r, c)] = len(bounds)
                bounds.append(_published_bounds(int(grid[r, c]), (r, c) in hidden[t], policy))
    rows_of_eq: list[np.ndarray] = []
    for t, grid in enumerate(grids):
        for line in _lines((grid.shape[0], grid.shape[1])):
            eq = np.zeros(len(bounds))
            for cell in line[:-1]:
                eq[index[(t, *cell)]] += 1
            eq[index[(t, *line[-1])]] -= 1
            rows_of_eq.append(eq)
    for a, b, axis in _shared_margins(tables):
        ga, gb = grids[a], grids[b]
        if axis == "row":
            pairs = [((r, ga.shape[1] - 1), (r, gb.shape[1] - 1)) for r in range(ga.shape[0])]
        else:
            pairs = [((ga.shape[0] - 1, c), (gb.shape[0] - 1, c)) for c in range(ga.shape[1])]
        for cell_a, cell_b in pairs:
            eq = np.zeros(len(bounds))
            eq[index[(a, *cell_a)]] = 1
            eq[index[(b, *cell_b)]] = -1
            rows_of_eq.append(eq)
    a_eq = np.array(rows_of_eq)
    b_eq = np.zeros(len(rows_of_eq))
    found: list[dict[Cell, int]] = [{} for _ in grids]
    for t, cells in enumerate(hidden):
        for cell in sorted(cells):
            objective = np.zeros(len(bounds))
            objective[index[(t, *cell)]] = 1.0
            low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            if low.status == 0 and high.status == 0 and -high.fun - low.fun < 0.5:
                found[t][cell] = round(low.fun)
    return found


def _hide_more(grid: np.ndarray, hidden: set[Cell], cell: Cell) -> None:
    """Hide the smallest non-zero visible entry on a line through ``cell``."""
    on_lines = [
        other
        for line in _lines((grid.shape[0], grid.shape[1]))
        if cell in line
        for other in line
        if other not in hidden
    ]
    positive = [c for c in on_lines if grid[c] > 0] or on_lines
    if positive:
        hidden.add(min(positive, key=lambda c: (int(grid[c]), c)))


def _margin_key(table: Table, axis: str) -> tuple[str, tuple[str, ...]] | None:
    if axis == "row" and table.row_margin:
        return ("row:" + table.row_margin, table.row_labels)
    if axis == "col" and table.col_margin:
        return ("col:" + table.col_margin, table.col_labels)
    return None


def _share_hidden_totals(
    tables: Sequence[Table], grids: Sequence[np.ndarray], hidden: list[set[Cell]]
) -> bool:
    """A total hidden in one table is hidden in every table that publishes it."""
    changed = False
    for a, b, axis in _shared_margins(tables):
        for src, dst in ((a, b), (b, a)):
            gs, gd = grids[src], grids[dst]
            for r, c in list(hidden[src]):
                if axis == "row" and c == gs.shape[1] - 1:
                    target = (r, gd.shape[1] - 1)
                elif axis == "col" and r == gs.shape[0] - 1:
                    target = (gd.shape[0] - 1, c)
                else:
                    continue
                if target not in hidden[dst]:
                    hidden[dst].add(target)
                    changed = True
    return changed


def _suppress(tables: Sequence[Table], policy: Policy) -> list[set[Cell]]:
    grids = [table.grid() for table in tables]
    small = HEALTH_SMALL if policy is Policy.HEALTH else EDUCATION_SMALL
    hidden = [
        {
            (int(r), int(c))
            for r, c in zip(*np.nonzero((g >= small[0]) & (g <= small[-1])), strict=True)
        }
        for g in grids
    ]
    for _ in range(sum(grid.size for grid in grids) + 1):
        if policy is Policy.EDUCATION:
            hidden = [_secondary(grid, cells) for grid, cells in zip(grids, hidden, strict=True)]
        if _share_hidden_totals(tables, grids, hidden):
            continue
        given_away = exposed(tables, grids, hidden, policy)
        if not any(given_away):
            return hidden
        for grid, cells, found in zip(grids, hidden, given_away, strict=True):
            for cell in sorted(found):
                _hide_more(grid, cells, cell)
    return hidden


def publish(tables: Iterable[Table], policy: Policy | str) -> list[PublishedTable]:
    """Every table of one report, as it may leave the hub under ``policy``."""
    tables = list(tables)
    policy = Policy(policy)
    hidden_sets = _suppress(tables, policy)
    published = []
    for table, hidden in zip(tables, hidden_sets, strict=True):
        grid = table.grid()

        def text(cell: Cell, grid: np.ndarray = grid, hidden: set[Cell] = hidden) -> str:
            if policy is Policy.HEALTH:
                return HEALTH_MARK if cell in hidden else health_text(int(grid[cell]))
            return EDUCATION_MARK if cell in hidden else str(int(grid[cell]))

        rows, cols = grid.shape
        published.append(
            PublishedTable(
                name=table.name,
                policy=policy,
                row_labels=table.row_labels,
                col_labels=table.col_labels,
                cells=tuple(tuple(text((r, c)) for c in range(cols - 1)) for r in range(rows - 1)),
                row_totals=tuple(text((r, cols - 1)) for r in range(rows - 1)),
                col_totals=tuple(text((rows - 1, c)) for c in range(cols - 1)),
                total=text((rows - 1, cols - 1)),
                hidden=frozenset(hidden),
            )
        )
    return published

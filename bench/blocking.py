#!/usr/bin/env python
"""Blocking rules measured against the truth: what each rule, in order, adds.

    .venv/bin/python bench/blocking.py                    # 20,000 people (about 43,000 records)
    .venv/bin/python bench/blocking.py --people 462000    # about a million records
    .venv/bin/python bench/blocking.py --each             # each candidate after the kept rules

On the generator's extracts (the TUNING set: ``lantern.synth.extracts``, never the report
set), prepared as ``lantern link dedupe`` prepares them, each rule of
``lantern.linkage.spec.BLOCKING_RULES`` in order and then each candidate rule below: the
pairs it adds that no earlier rule made (as Splink counts them), how many are true (the same
person) and false, and true pairs per thousand pairs; then the blocking recall (the share of
true pairs some rule puts forward). The figures of docs/decisions/0007-blocking-recall.md.
Joins run in DuckDB on the prepared columns; no model, no scoring.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent

NO_DOB = "(l.dob_year IS NULL OR r.dob_year IS NULL)"
#: Rules tried and not kept (docs/decisions/0007-blocking-recall.md, 0011, 0012; those kept
#: since are in spec.BLOCKING_RULES), measured after the
#: kept ones. SQL on the prepared columns of two records ``l`` and ``r``.
CANDIDATES: list[tuple[str, str]] = [
    ("Same date of birth and postcode district", "l.dob = r.dob AND l.pc_district = r.pc_district"),
    (
        "Names sound alike, same postcode district",
        "l.first_key = r.first_key AND l.last_key = r.last_key AND l.pc_district = r.pc_district",
    ),
    (
        "Same last name and first initial, no date of birth on one side",
        f"l.last_name = r.last_name AND l.fi = r.fi AND {NO_DOB}",
    ),
    (
        "Same last name and first initial, born within a year",
        "l.last_name = r.last_name AND l.fi = r.fi AND abs(l.dob_year - r.dob_year) <= 1",
    ),
    ("Same e-mail address", "l.email = r.email"),
    ("Same phone number and first initial", "l.phone = r.phone AND l.fi = r.fi"),
    ("Same date of birth (alone)", "l.dob = r.dob"),
    # Issue 12, after households (0011): a first name a nickname or mistyped, or a last name
    # mistyped, with a date of birth a slip out.
    (
        "Same last name, first initial, year and month of birth",
        "l.last_name = r.last_name AND l.fi = r.fi AND l.dob_year = r.dob_year "
        "AND l.dob_month = r.dob_month",
    ),
    (
        "Same last name, first initial and birthday (year differs)",
        "l.last_name = r.last_name AND l.fi = r.fi AND l.birthday = r.birthday",
    ),
    (
        "Same first name, last initial, year and month of birth",
        "l.first_name = r.first_name AND l.li = r.li AND l.dob_year = r.dob_year "
        "AND l.dob_month = r.dob_month",
    ),
    (
        "Same first name, last initial and birthday (year differs)",
        "l.first_name = r.first_name AND l.li = r.li AND l.birthday = r.birthday",
    ),
    (
        "Same first name and last name sounds alike, no date of birth on one side",
        f"l.first_name = r.first_name AND l.last_key = r.last_key AND {NO_DOB}",
    ),
    (
        "Same last name and first name sounds alike, no date of birth on one side",
        f"l.last_name = r.last_name AND l.first_key = r.first_key AND {NO_DOB}",
    ),
    (
        "Same last name and year of birth, first names variants (a nickname)",
        "l.last_name = r.last_name AND l.dob_year = r.dob_year "
        "AND list_has_any(l.first_group, r.first_group)",
    ),
    (
        "Same last name, born within a year, first names variants (a nickname)",
        "l.last_name = r.last_name AND abs(l.dob_year - r.dob_year) <= 1 "
        "AND list_has_any(l.first_group, r.first_group)",
    ),
    (
        "Same last name, first names variants (a nickname), no date of birth on one side",
        f"l.last_name = r.last_name AND {NO_DOB} AND list_has_any(l.first_group, r.first_group)",
    ),
    # Issue 12 again (0012): both names mistyped (one a slip at the initial), with a move.
    ("Same date of birth and first initial", "l.dob = r.dob AND l.fi = r.fi"),
    ("Same date of birth and last initial", "l.dob = r.dob AND l.li = r.li"),
    ("Same date of birth and sex", "l.dob = r.dob AND l.sex = r.sex"),
    ("Same date of birth and postcode sector", "l.dob = r.dob AND l.pc_sector = r.pc_sector"),
    (
        "Same date of birth transposed, same first name",
        "l.dob = r.dob_swapped AND l.first_name = r.first_name",
    ),
    (
        "Names swapped (exact), any date",
        "l.first_name = r.last_name AND l.last_name = r.first_name",
    ),
    (
        "First name and middle name, same date of birth",
        "l.middle_name = r.first_name AND l.dob = r.dob",
    ),
    (
        "First name sounds alike, same birthday, same postcode district",
        "l.first_key = r.first_key AND l.birthday = r.birthday AND l.pc_district = r.pc_district",
    ),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--no-candidates", action="store_true", help="only the kept rules")
    parser.add_argument(
        "--each",
        action="store_true",
        help="each candidate after the kept rules alone (not after the candidates before it)",
    )
    args = parser.parse_args(argv)
    sys.path[:0] = [str(PROJECT_DIR / "src")]
    import duckdb
    import pyarrow as pa

    from lantern.linkage import features, spec
    from lantern.linkage.datasets import read_extracts
    from lantern.synth.extracts import write_extracts

    with tempfile.TemporaryDirectory(prefix="lantern-blocking-") as folder:
        report = write_extracts(Path(folder), seed=args.seed, people=args.people)
        records, truth = read_extracts(report.out_dir)
    prepared = features.prepare(records).append_column(
        "person", pa.array(truth.astype(str).to_numpy())
    )
    connection = duckdb.connect()
    connection.register("prepared", prepared)
    connection.execute(
        "CREATE TABLE t AS SELECT *, substr(first_name, 1, 1) AS fi, "
        "substr(last_name, 1, 1) AS li, "
        "CASE WHEN dob_precision = 'day' AND dob_day <= 12 "
        "THEN printf('%04d-%02d-%02d', dob_year, dob_day, dob_month) END AS dob_swapped, "
        "dob_month * 100 + dob_day AS birthday FROM prepared"
    )
    (true_pairs,) = connection.execute(
        "SELECT sum(n * (n - 1) / 2) FROM (SELECT count(*) AS n FROM t GROUP BY person)"
    ).fetchone()  # type: ignore[misc]
    print(
        f"Tuning set (generator, seed {args.seed}): {len(records):,} records of "
        f"{args.people:,} people, {int(true_pairs):,} true pairs"
    )
    rules = [(label, spec.rule_sql(columns)) for label, columns in spec.BLOCKING_RULES]
    kept = len(rules)
    if not args.no_candidates:
        rules += CANDIDATES
    earlier: list[str] = []
    found = pairs = 0
    for number, (label, sql) in enumerate(rules):
        if number == kept:
            print(
                f"{pairs:>10,} pairs {found:>9,} true  blocking recall "
                f"{found / true_pairs:.4f} (the rules in use)\nCandidates, each after all above:"
            )
        started = time.perf_counter()
        before = " AND ".join(f"NOT coalesce(({rule}), false)" for rule in earlier) or "TRUE"
        query = (
            "SELECT count(*), coalesce(sum(CAST(l.person = r.person AS INTEGER)), 0) "  # noqa: S608
            f"FROM t AS l JOIN t AS r ON {sql} AND l.unique_id < r.unique_id WHERE {before}"
        )
        n, true = connection.execute(query).fetchone()  # type: ignore[misc]
        per_k = 1000 * true / n if n else 0.0
        print(
            f"{n:>10,} pairs {true:>9,} true {n - true:>10,} false {per_k:7.1f}/k "
            f"({time.perf_counter() - started:4.1f} s)  {label}"
        )
        if args.each and number >= kept:
            continue
        earlier.append(sql)
        found, pairs = found + true, pairs + n
    if not args.each:
        recall = found / true_pairs
        print(f"{pairs:>10,} pairs {found:>9,} true  blocking recall {recall:.4f} (all)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

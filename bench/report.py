"""Targets, statistics, verdicts and the printed table (no Django here)."""

from __future__ import annotations

import math
from typing import Any

# The requirement's targets (milliseconds; seconds for generation).
TARGETS = {
    "search_p95_ms": 50.0,
    "case_ms": 300.0,
    "referral_p95_ms": 100.0,
    "generate_s": 180.0,
}
#: Upper bound on queries for any one measured page (a regression guard, not a target).
QUERY_CEILING = 30


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation): p95 of 200 samples is the 190th."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def summarise(samples_s: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples_s]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "max_ms": round(max(ms), 2),
        "mean_ms": round(sum(ms) / len(ms), 2),
    }


def verdicts(r: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def add(name: str, value: float, target: float, unit: str, note: str = "") -> None:
        rows.append(
            {
                "measure": name,
                "value": value,
                "target": target,
                "unit": unit,
                "pass": value < target,
                "note": note,
            }
        )

    s = r["search"]
    add(
        "person search p95",
        s["p95_ms"],
        TARGETS["search_p95_ms"],
        "ms",
        f"p50 {s['p50_ms']} ms, max {s['max_ms']} ms, n={s['n']}",
    )
    for name in ("case page 1", "case filtered", "case page 2"):
        c = r["case"][name]
        add(
            f"{name} p95",
            c["p95_ms"],
            TARGETS["case_ms"],
            "ms",
            f"p50 {c['p50_ms']} ms, max {c['max_ms']} ms, n={c['n']}",
        )
    f = r["referral"]
    add(
        "referral submit p95",
        f["p95_ms"],
        TARGETS["referral_p95_ms"],
        "ms",
        f"p50 {f['p50_ms']} ms, max {f['max_ms']} ms, n={f['n']}",
    )
    gen = r["generate"]
    after = r.get("after_load", {})
    note = f"{gen['people']:,} people, {gen['events']:,} events"
    if after.get("step", "none") != "none":
        note += f"; then {after['step']} {after['wall_s']} s"
    add("generate city", gen["wall_s"], TARGETS["generate_s"], "s", note)
    q = r["queries"]
    case_same = q["case page (heavy)"] == q["case page (light)"]
    person_same = q["person page (most facts)"] == q["person page (fewest facts)"]
    rows.append(
        {
            "measure": "case page queries",
            "value": q["case page (heavy)"],
            "target": QUERY_CEILING,
            "unit": "queries",
            "pass": case_same and q["case page (heavy)"] <= QUERY_CEILING,
            "note": f"same as a light case ({q['case page (light)']}); page 2 "
            f"{q['case page 2 (heavy)']}, filtered {q['case filtered (heavy)']}",
        }
    )
    rows.append(
        {
            "measure": "person page queries",
            "value": q["person page (most facts)"],
            "target": QUERY_CEILING,
            "unit": "queries",
            "pass": person_same and q["person page (most facts)"] <= QUERY_CEILING,
            "note": f"same as fewest facts ({q['person page (fewest facts)']}); "
            f"search page {q['search page']}",
        }
    )
    return rows


def print_table(all_results: list[dict[str, Any]]) -> None:
    for r in all_results:
        head = (
            f"{r['database']} {r['database_version']}: {r['people']:,} people, "
            f"{r['events']:,} events, heavy case {r['case']['entries']:,} entries "
            f"(run took {r['total_s']} s; 1-min load average "
            f"{r['load_average_at_start'][0]} at start, {r['load_average_at_end'][0]} at end)"
        )
        print()
        print(head)
        print("-" * len(head))
        print(f"{'measure':<22} {'value':>10}  {'target':>10}  {'':4}  detail")
        for v in r["verdicts"]:
            unit = {"ms": "ms", "s": "s", "queries": "q"}[v["unit"]]
            cmp = "<=" if v["unit"] == "queries" else "<"
            value = f"{v['value']} {unit}"
            target = f"{cmp} {v['target']:g} {unit}"
            print(
                f"{v['measure']:<22} {value:>10}  {target:>10}  "
                f"{'PASS' if v['pass'] else 'FAIL'}  {v['note']}"
            )
        kinds = r["search"]["by_kind"]
        print(
            "search p50/p95 by kind: "
            + "; ".join(f"{k} {v['p50_ms']}/{v['p95_ms']} ms" for k, v in kinds.items())
            + f"; {r['search']['with_results']}/{r['search']['n']} found someone"
        )
        print("queries per request: " + ", ".join(f"{k} {v}" for k, v in r["queries"].items()))

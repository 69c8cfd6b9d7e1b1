"""An attacker's view of the source: raw SQL and HTML marked safe, each reviewed.

A new raw SQL statement, or a new place that marks text as safe HTML, fails these tests until
it has been reviewed and listed here with the reason it is safe (see SECURITY.md).
``tests/imports/test_upload_checks.py`` imports SQL as text. ``src/lantern/linkage/`` is
reviewed separately (SECURITY.md lists what was found there).
"""

from __future__ import annotations

import re
from pathlib import Path

from django.template.loader import render_to_string

from lantern.screening.chart import Point, level_chart

SRC = Path(__file__).resolve().parents[2] / "src" / "lantern"

RAW_SQL = re.compile(
    r"\.execute(many)?\(|\.raw\(|RawSQL\(|\.extra\(|cursor\.copy\(|\.sql\(|query_sql\("
)
#: Raw SQL outside linkage: where it is, how many calls, and why each is safe.
REVIEWED_SQL = {
    # INSERT … ON CONFLICT built from quote_name()d column names of the model's own
    # metadata; every value is a bound parameter (%s) passed to executemany. And one
    # constant PRAGMA.
    "imports/bulk.py": 2,
    # Bulk loading (the synthetic city): INSERT/COPY from the model's metadata (quote_name),
    # values bound or streamed by COPY.
    "core/bulkload.py": 2,
    # Django's own sequence-reset statements after the synthetic city is loaded.
    "synth/generator.py": 1,
    # The same, after support's synthetic histories are loaded with explicit keys.
    "support/synth.py": 1,
    # Sealing the audit chain: the table name from the model's metadata (quote_name); the
    # sequence, hashes and ids are bound parameters; only rows not yet sealed are touched.
    "core/audit.py": 1,
    # The analysis graph's links read past Django's per-value converters: the SQL is the
    # ORM's own (``query.sql_with_params()`` of a values_list queryset), its values bound.
    "intelligence/graphstore.py": 1,
}

SAFE_HTML = re.compile(r"mark_safe\(|SafeString\(|\|\s*safe\b|\|\s*safeseq\b|autoescape\s+off")
#: Where text is marked safe, how often, and why no one's data can reach it unescaped.
REVIEWED_SAFE_HTML = {
    # The TOTP QR code: SVG drawn by qrcode from the provisioning URL (its text becomes
    # the image's modules, never markup).
    "accounts/views.py": 1,
}


def _count(pattern: re.Pattern[str], suffixes: tuple[str, ...]) -> dict[str, int]:
    found: dict[str, int] = {}
    for path in sorted(SRC.rglob("*")):
        relative = path.relative_to(SRC).as_posix()
        if path.suffix not in suffixes or relative.startswith("linkage/"):
            continue
        if "/migrations/" in f"/{relative}":
            continue
        hits = len(pattern.findall(path.read_text(encoding="utf-8")))
        if hits:
            found[relative] = hits
    return found


def test_every_raw_sql_statement_outside_linkage_has_been_reviewed() -> None:
    assert _count(RAW_SQL, (".py",)) == REVIEWED_SQL


def test_every_place_that_marks_html_safe_has_been_reviewed() -> None:
    assert _count(SAFE_HTML, (".py", ".html", ".txt")) == REVIEWED_SAFE_HTML


def test_the_chart_escapes_what_people_and_instruments_wrote() -> None:
    from datetime import date

    markup = '<script>alert("x")</script>'
    chart = level_chart(
        [Point(on=date(2026, 11, 1), rank=1, label=markup, computed_rank=1, reference=markup)],
        ["None", markup],
        today=date(2026, 12, 1),
    )
    svg = render_to_string("screening/_level_chart.html", {"chart": chart})

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg

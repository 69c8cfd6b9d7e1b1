from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from lantern.intelligence.engine.files import ALERT_COLUMNS, LayoutError, evaluate_files, read_graph

ENTITIES = """entity_id,kind,label,subtype,date_of_birth,postcode
sam,person,=HYPERLINK("x"),,2009-04-01,nk1 4ab
jordan,person,Jordan S.,,14/02/2008,
ali,person,Ali C.,,,
car,vehicle,AB12 CDE,Audi,,
flat,location,"Flat 3, Mill House",flat,,NK2 1AB
ph,phone,Mobile 1,,,
bad,spaceship,Nope,,,
sam,person,Sam again,,,
park,location,Mill Park,playground,,
odd,location,Odd Place,other,,ZZZ
"""
LINKS = """link_id,from_id,to_id,link_type,date,source_agency,source_eval,intel_assessment,handling
l1,sam,car,seen_in,2026-03-03,police,2,B,P
l2,jordan,car,seen_in,2026-02-20,police,1,A,P
l3,ali,car,driver_of,2026-01-05,police,1,B,P
l4,sam,flat,taken_to,2026-03-05,police,2,B,P
l5,ali,flat,lives_at,2025-11-01,housing,1,A,P
l6,sam,nobody,seen_with,2026-03-01,police,2,B,P
l7,sam,jordan,teleported,2026-03-01,police,2,B,P
l8,sam,car,lives_at,2026-03-01,police,2,B,P
l9,sam,ph,contacted_by,2026-03-01,police,4,B,P
l10,sam,ph,contacted_by,2026-03-01,police,2,B,X
l1,sam,ph,contacted_by,2026-03-01,police,2,B,P
l11,sam,ph,contacted_by,yesterday,police,2,B,P
"""
KNOWN = """entity_id,status,risk_level
jordan,person_at_risk,serious
ali,person_of_concern,
car,person_at_risk,
ghost,person_at_risk,
sam,victim,
"""


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path, Path]:
    paths = tmp_path / "entities.csv", tmp_path / "links.csv", tmp_path / "known.csv"
    for path, text in zip(paths, (ENTITIES, LINKS, KNOWN), strict=True):
        path.write_text(text, encoding="utf-8")
    return paths


def test_bad_rows_are_quarantined_with_their_row_and_reason(
    layout: tuple[Path, Path, Path],
) -> None:
    graph, problems = read_graph(*layout)

    said = {(p.file, p.row): p.message for p in problems}
    assert said[("entities.csv", 8)].startswith("kind 'spaceship' is not one of")
    assert said[("entities.csv", 9)] == "entity_id 'sam' is given twice"
    assert said[("entities.csv", 10)] == "'playground' is not a location type"
    assert "'ZZZ' is not a UK postcode" in said[("entities.csv", 11)]
    assert "'nobody' is not in the entities file" in said[("links.csv", 7)]
    assert said[("links.csv", 8)] == "'teleported' is not a link type"
    assert "joins a person and a location, not a person and a vehicle" in said[("links.csv", 9)]
    assert "source_eval '4'" in said[("links.csv", 10)]
    assert "handling 'X'" in said[("links.csv", 11)]
    assert said[("links.csv", 12)] == "link_id 'l1' is given twice"
    assert "'yesterday' is not a date" in said[("links.csv", 13)]
    assert said[("known.csv", 4)] == "entity 'car' is not a person"
    assert "'ghost' is not in the entities file" in said[("known.csv", 5)]
    assert "status 'victim'" in said[("known.csv", 6)]
    # good rows are loaded, with what the hub knows
    assert len(graph) == 7
    assert graph.link_count == 5
    assert graph.entity("sam").postcode == "NK1 4AB"
    assert graph.entity("sam").date_of_birth == date(2009, 4, 1)
    assert graph.entity("jordan").date_of_birth == date(2008, 2, 14)
    assert (graph.entity("jordan").status, graph.entity("jordan").risk_level) == (
        "person_at_risk",
        "serious",
    )
    assert graph.entity("odd").postcode == ""


def test_evaluate_files_writes_one_explained_row_per_alert(
    layout: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "alerts.csv"

    result = evaluate_files(*layout, out, today=date(2026, 3, 10))

    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == ALERT_COLUMNS
    body = rows[1:]
    assert len(body) == len(result.alerts) >= 1
    assert len({row[0] for row in body}) == len(body)
    assert all(row[5].strip() for row in body)
    sam = next(row for row in body if row[2] == "sam")
    assert sam[1] == "shared_entity"
    assert sam[3] == "person"
    assert 0 < float(sam[4]) <= 1
    # a label that a spreadsheet would run as a formula is written as text
    assert sam[5].startswith("'=HYPERLINK")


def test_today_defaults_to_the_latest_link_date(
    layout: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    result = evaluate_files(*layout, tmp_path / "alerts.csv")
    assert result.today == date(2026, 3, 5)


def test_spreadsheets_are_read_like_csv(layout: tuple[Path, Path, Path], tmp_path: Path) -> None:
    xlsx = []
    for path in layout:
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                sheet.append(row)
        target = path.with_suffix(".xlsx")
        book.save(target)
        xlsx.append(target)

    from_csv, csv_problems = read_graph(*layout)
    from_xlsx, xlsx_problems = read_graph(*xlsx)

    assert len(from_xlsx) == len(from_csv)
    assert from_xlsx.link_count == from_csv.link_count
    assert [(p.row, p.message) for p in xlsx_problems] == [(p.row, p.message) for p in csv_problems]


def test_a_file_missing_a_column_is_refused_whole(tmp_path: Path) -> None:
    entities = tmp_path / "e.csv"
    entities.write_text("entity_id,label\na,A\n", encoding="utf-8")
    links = tmp_path / "l.csv"
    links.write_text("link_id,from_id,to_id,link_type\n", encoding="utf-8")
    with pytest.raises(LayoutError, match="missing column"):
        read_graph(entities, links)

"""A small file in the standard layout with known duplicates, for ``lantern link dedupe``.

The synthetic generator's agency extracts (a few hundred people, each recorded by one to
four agencies with realistic errors) are joined into one file, and a handful of people
written by hand are added: three records of one girl (a nickname, a transposed date of
birth, a postcode typed without its space), two of one boy (a typo in his first name), and
twins who share everything but their first names and NHS numbers, and must stay apart.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lantern.core.normalisers import is_valid_nhs_number
from lantern.imports.layout import STANDARD_COLUMNS
from lantern.synth.extracts import write_extracts

BLANK = dict.fromkeys(STANDARD_COLUMNS, "")


def valid_nhs_numbers(start: int, count: int) -> list[str]:
    """The first ``count`` NHS numbers from ``start`` whose check digit holds."""
    found = []
    for number in itertools.count(start):
        if is_valid_nhs_number(str(number)):
            found.append(str(number))
            if len(found) == count:
                return found
    raise AssertionError  # pragma: no cover - itertools.count never ends


def _planted() -> tuple[list[dict[str, str]], list[set[str]], tuple[str, str]]:
    tamsin_nhs, ada_nhs, ava_nhs = valid_nhs_numbers(4_857_300_000, 3)
    tamsin = {
        **BLANK,
        "first_name": "Tamsin",
        "middle_names": "Jo",
        "last_name": "Quennell",
        "date_of_birth": "09/03/2011",
        "sex": "F",
        "nhs_number": tamsin_nhs,
        "postcode": "NK1 4AB",
        "address": "12 Mill Lane, Northwick",
        "phone": "07700 900123",
    }
    kyle = {
        **BLANK,
        "first_name": "Kyle",
        "last_name": "Dunsworth",
        "date_of_birth": "02/02/2008",
        "sex": "M",
        "postcode": "NK9 9ZZ",
        "address": "4 Ferry Road, Northwick",
        "phone": "07700 900456",
    }
    twin = {
        **BLANK,
        "last_name": "Okonkwo-Hale",
        "date_of_birth": "17/05/2009",
        "sex": "F",
        "postcode": "NK3 2QT",
        "address": "88 Orchard Way, Northwick",
        "phone": "07700 900789",
    }
    rows = [
        {**tamsin, "record_id": "PX-T1", "source": "police-niche"},
        {
            **tamsin,
            "record_id": "SX-T2",
            "source": "school-mis",
            "first_name": "Tammy",
            "middle_names": "",
            "nhs_number": "",
        },
        {
            **tamsin,
            "record_id": "HX-T3",
            "source": "health-pas",
            "date_of_birth": "03/09/2011",
            "postcode": "nk14ab",
            "phone": "",
        },
        {**kyle, "record_id": "PX-K1", "source": "police-niche"},
        {**kyle, "record_id": "HX-K2", "source": "housing-hms", "first_name": "Kyel"},
        {**twin, "record_id": "HX-A1", "source": "health-pas", "first_name": "Ada"},
        {**twin, "record_id": "HX-A2", "source": "health-pas", "first_name": "Ava"},
    ]
    rows[5]["nhs_number"], rows[6]["nhs_number"] = ada_nhs, ava_nhs
    return rows, [{"PX-T1", "SX-T2", "HX-T3"}, {"PX-K1", "HX-K2"}], ("HX-A1", "HX-A2")


@dataclass(frozen=True)
class StandardInput:
    path: Path
    #: Each record's true person (record ids are unique across the file).
    person: dict[str, str]
    #: People written by hand whose records must end up together, and nothing else with them.
    duplicates: list[set[str]]
    #: Twins: everything alike but the first name and a valid NHS number each.
    twins: tuple[str, str]

    def true_pairs(self) -> set[frozenset[str]]:
        return pairs_within(_groups(self.person))


def _groups(labels: dict[str, str]) -> list[set[str]]:
    groups: dict[str, set[str]] = {}
    for record, label in labels.items():
        groups.setdefault(label, set()).add(record)
    return list(groups.values())


def pairs_within(groups: Iterable[Iterable[str]]) -> set[frozenset[str]]:
    return {
        frozenset(pair) for group in groups for pair in itertools.combinations(sorted(group), 2)
    }


def write_standard_input(folder: Path, *, people: int = 300, seed: int = 20260415) -> StandardInput:
    """Write ``records.csv`` (the generator's people and the hand-written ones) in ``folder``."""
    report = write_extracts(folder / "extracts", seed=seed, people=people)
    person: dict[str, str] = {}
    with report.truth.open(encoding="utf-8") as handle:
        truth = {
            (row["source"], row["record_id"]): row["person_key"] for row in csv.DictReader(handle)
        }
    path = folder / "records.csv"
    planted, duplicates, twins = _planted()
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=STANDARD_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for extract in report.files.values():
            with extract.open(encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    assert row["record_id"] not in person, "record ids must be unique"
                    person[row["record_id"]] = truth[(row["source"], row["record_id"])]
                    writer.writerow(row)
        for number, group in enumerate([*duplicates, *({twin} for twin in twins)]):
            for record in group:
                person[record] = f"hand-written-{number}"
        writer.writerows(planted)
    return StandardInput(path=path, person=person, duplicates=duplicates, twins=twins)


def read_clusters(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The header and rows of a clusters file written by ``lantern link dedupe``."""
    with path.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def partition(rows: Iterable[dict[str, str]]) -> set[frozenset[str]]:
    """The clusters as sets of record ids (cluster ids themselves are arbitrary)."""
    clusters: dict[str, set[str]] = {}
    for row in rows:
        clusters.setdefault(row["cluster_id"], set()).add(row["record_id"])
    return {frozenset(members) for members in clusters.values()}

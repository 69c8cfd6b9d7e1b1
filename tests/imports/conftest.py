"""Helpers for the import tests: write a small extract, import it as an analyst would.

Every value is synthetic: 999-range NHS numbers, Ofcom drama phone numbers, example.org
addresses and the fictional postcode area NK.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from lantern.agencies.models import Agency
from lantern.core.access import Actor
from lantern.imports import services
from lantern.imports.layout import STANDARD_COLUMNS
from lantern.imports.models import Extract, MappingProfile
from tests.conftest import Partnership
from tests.imports.linker import StandInLinker, without_linkage

AGREEMENT = "Northwick MASH information-sharing agreement v3"
HEADER = list(STANDARD_COLUMNS)


def standard_row(record_id: str, **values: str) -> dict[str, str]:
    """A good standard-layout row; override any column."""
    row = {
        "record_id": record_id,
        "source": "police-niche",
        "first_name": "Jade",
        "middle_names": "Louise",
        "last_name": "Hollis",
        "date_of_birth": "14/02/2011",
        "sex": "F",
        "nhs_number": "999 000 0018",
        "postcode": "nk1 4ab",
        "address": "12 Marlow Road, Northwick",
        "phone": "07700 900123",
        "email": "Jade.Hollis@Example.org",
    }
    row.update(values)
    return row


def write_csv(path: Path, rows: Sequence[dict[str, str]], header: Sequence[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(header), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


ImportFile = Callable[..., Extract]


@pytest.fixture(autouse=True)
def stand_in_linker(monkeypatch: pytest.MonkeyPatch) -> StandInLinker:
    """Import tests run with a stand-in for linkage, which records what it was told."""
    return without_linkage(monkeypatch)


@pytest.fixture
def settings_imports(settings: Any, tmp_path: Path) -> Any:
    settings.LANTERN_IMPORT_DIR = str(tmp_path / "uploads")
    return settings


@pytest.fixture
def import_file(partnership: Partnership, settings_imports: Any) -> ImportFile:
    """Upload and import a file in the foreground (the task does the same in the worker)."""

    def run(
        path: Path,
        *,
        actor: Actor | None = None,
        agency: Agency | None = None,
        profile: MappingProfile | None = None,
        source: str = "",
        batch_size: int = services.BATCH_SIZE,
    ) -> Extract:
        who = actor or partnership.analyst
        with path.open("rb") as upload:
            extract = services.extract_create(
                actor=who,
                upload=upload,
                file_name=path.name,
                agency=agency or partnership.police,
                source=source,
                profile=profile,
                sharing_agreement=AGREEMENT,
            )
        return services.extract_run(extract_id=extract.pk, batch_size=batch_size)

    return run

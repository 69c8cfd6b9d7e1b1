"""A stand-in for linkage in tests that are about imports, not linkage."""

from __future__ import annotations

import pytest

from lantern.imports import linking
from lantern.imports.models import SourceRecord


class StandInLinker:
    """Records what the import told linkage; links nobody, and a withdrawn record is nobody's."""

    def __init__(self) -> None:
        self.imported: list[tuple[int, list[int]]] = []
        self.withdrawn: list[list[int]] = []

    def records_imported(self, *, extract_id: int, record_ids: list[int]) -> None:
        self.imported.append((extract_id, sorted(record_ids)))

    def records_withdrawn(self, *, record_ids: list[int]) -> None:
        self.withdrawn.append(sorted(record_ids))
        SourceRecord.objects.filter(pk__in=record_ids).update(person=None)


def without_linkage(monkeypatch: pytest.MonkeyPatch) -> StandInLinker:
    """Put a :class:`StandInLinker` in linkage's place for this test."""
    stand_in = StandInLinker()
    monkeypatch.setattr(linking, "_linker", stand_in)
    return stand_in

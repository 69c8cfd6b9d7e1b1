"""The synthetic city loads people's tables through people's own services."""

from __future__ import annotations

import pytest

from lantern.cases.models import Case
from lantern.people import services as people_services


def test_only_peoples_tables_are_loaded_through_people() -> None:
    with pytest.raises(ValueError, match="not one of people's tables"):
        people_services.people_bulk_insert(Case, [])

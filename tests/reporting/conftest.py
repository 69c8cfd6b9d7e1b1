"""A partnership with a few referrals this quarter: small numbers, which every output must hide."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from lantern.core.normalisers import parse_date_of_birth
from lantern.referrals import services as referral_services
from lantern.reporting import services
from lantern.reporting.models import Snapshot
from lantern.reporting.periods import quarter_of
from tests.conftest import Partnership
from tests.factories import new_person, open_case


@dataclass
class Figures:
    p: Partnership
    period: str
    snapshot: Snapshot


def build_referrals(p: Partnership) -> None:
    """Three referrals from the school (a small number) and seven from the police."""
    for i in range(3):
        open_case(
            p,
            given_name=["Amy", "Chloe", "Dana"][i],
            family_name=["Ashworth", "Brennan", "Castillo"][i],
            date_of_birth=parse_date_of_birth(f"0{i + 1}/0{i + 2}/2011"),
        )
    for i in range(7):
        referral_services.referral_submit(
            actor=p.police_officer,
            new_person=new_person(
                given_name=["Ben", "Carl", "Dev", "Eli", "Finn", "Gus", "Hal"][i],
                family_name=[
                    "Dunmore",
                    "Ellery",
                    "Fairbank",
                    "Gosling",
                    "Harker",
                    "Ingram",
                    "Jessop",
                ][i],
                sex="male",
                date_of_birth=parse_date_of_birth(f"1{i}/0{i + 1}/2001"),
            ),
            concern_categories=["coercion_control"],
            what_was_seen="Seen with older men at a hotel.",
            urgency="standard",
            confirm_new=True,
        )


@pytest.fixture
def figures(partnership: Partnership) -> Figures:
    build_referrals(partnership)
    snapshot = services.snapshot_refresh(actor=partnership.analyst)
    from django.utils import timezone

    return Figures(p=partnership, period=quarter_of(timezone.localdate()).key, snapshot=snapshot)

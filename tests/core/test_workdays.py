"""Working days come from the holidays library, for the nation the deployment chooses."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from lantern.core.workdays import add_working_days, bank_holidays_in, is_working_day

LONDON = ZoneInfo("Europe/London")


def test_christmas_and_the_substitute_boxing_day_are_not_working_days() -> None:
    assert not is_working_day(date(2026, 12, 25))
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day falls on a Saturday
    assert is_working_day(date(2026, 12, 29))
    christmas_eve = datetime(2026, 12, 24, 10, 0, tzinfo=LONDON)
    assert add_working_days(christmas_eve, 1) == datetime(2026, 12, 29, 10, 0, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("nation", "day", "working"),
    [
        ("ENG", date(2026, 11, 30), True),
        ("SCT", date(2026, 11, 30), False),  # St Andrew's Day
        ("ENG", date(2026, 1, 2), True),
        ("SCT", date(2026, 1, 2), False),
        ("NIR", date(2026, 3, 17), False),  # St Patrick's Day
        ("WLS", date(2026, 3, 17), True),
        ("NIR", date(2026, 7, 13), False),  # Battle of the Boyne, observed on the Monday
    ],
)
def test_each_nation_has_its_own_bank_holidays(
    settings: Any, nation: str, day: date, working: bool
) -> None:
    settings.LANTERN_BANK_HOLIDAYS = nation
    assert is_working_day(day) is working


def test_a_deadline_over_a_scottish_bank_holiday_moves_on(settings: Any) -> None:
    friday = datetime(2026, 11, 27, 17, 30, tzinfo=LONDON)
    assert add_working_days(friday, 1).date() == date(2026, 11, 30)
    settings.LANTERN_BANK_HOLIDAYS = "SCT"
    assert add_working_days(friday, 1).date() == date(2026, 12, 1)
    assert "Andrew" in bank_holidays_in(2026)[date(2026, 11, 30)]
    assert date(2026, 11, 30) not in bank_holidays_in(2026, "ENG")


def test_an_unknown_nation_is_a_clear_error(settings: Any) -> None:
    settings.LANTERN_BANK_HOLIDAYS = "XX"
    with pytest.raises(ValueError, match="ENG, WLS, SCT, NIR"):
        is_working_day(date(2026, 1, 5))

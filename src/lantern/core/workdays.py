"""Working days for every deadline in Lantern (triage, actions, reviews), from the
``holidays`` library's UK bank holidays rather than a hand-kept list.

The nation is a deployment setting, ``LANTERN_BANK_HOLIDAYS``: ``ENG`` (England, the
default), ``WLS`` (Wales), ``SCT`` (Scotland) or ``NIR`` (Northern Ireland), whose bank
holidays differ (St Andrew's Day, 2 January, St Patrick's Day, the Battle of the Boyne…).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache

import holidays
from django.conf import settings

SATURDAY = 5
NATIONS = ("ENG", "WLS", "SCT", "NIR")


def nation() -> str:
    chosen = str(getattr(settings, "LANTERN_BANK_HOLIDAYS", "ENG") or "ENG").upper()
    if chosen not in NATIONS:
        raise ValueError(
            f"LANTERN_BANK_HOLIDAYS must be one of {', '.join(NATIONS)} (got {chosen!r})"
        )
    return chosen


@cache
def _calendar(subdivision: str) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv=subdivision)


def bank_holidays_in(year: int, subdivision: str | None = None) -> dict[date, str]:
    """The bank holidays of one year, with their names (substitute days included)."""
    calendar = holidays.country_holidays("GB", subdiv=subdivision or nation(), years=year)
    return {day: str(name) for day, name in sorted(calendar.items())}


def is_bank_holiday(day: date) -> bool:
    return day in _calendar(nation())


def is_working_day(day: date) -> bool:
    return day.weekday() < SATURDAY and not is_bank_holiday(day)


def add_working_days(moment: datetime, days: int) -> datetime:
    """The same time of day ``days`` working days later.

    A submission at a weekend or on a bank holiday counts from 09:00 on the next working day.
    """
    current = moment
    while not is_working_day(current.date()):
        current = (current + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current.date()):
            remaining -= 1
    return current

"""Working days (England and Wales) for timeliness targets."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import yaml

SATURDAY = 5


@cache
def bank_holidays() -> frozenset[date]:
    path = Path(__file__).resolve().parent / "data" / "bank_holidays.yaml"
    return frozenset(yaml.safe_load(path.read_text(encoding="utf-8")))


def is_working_day(day: date) -> bool:
    return day.weekday() < SATURDAY and day not in bank_holidays()


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

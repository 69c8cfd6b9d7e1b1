"""Reporting periods: calendar quarters, named like ``2026Q3``."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from lantern.core.errors import InvalidError
from lantern.core.figures import Period

QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: How many quarters the dashboard offers (the snapshot holds each).
QUARTERS_SHOWN = 8


def quarter(key: str) -> Period:
    """The period ``2026Q3`` names (1 July to 30 September 2026); InvalidError otherwise."""
    match = QUARTER.match(key.strip().upper())
    if not match:
        raise InvalidError({"period": ["Give a quarter like 2026Q3."]})
    year, q = int(match.group(1)), int(match.group(2))
    start = date(year, 3 * q - 2, 1)
    end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    label = f"{MONTHS[start.month - 1]} to {MONTHS[3 * q - 1]} {year}"
    return Period(key=f"{year}Q{q}", label=label, start=start, end=end)


def quarter_of(day: date) -> Period:
    return quarter(f"{day.year}Q{(day.month - 1) // 3 + 1}")


def recent_quarters(today: date | None = None, count: int = QUARTERS_SHOWN) -> list[Period]:
    """The current quarter and the ones before it, newest first."""
    current = quarter_of(today or timezone.localdate())
    periods = [current]
    while len(periods) < count:
        start = periods[-1].start
        previous = (
            date(start.year - 1, 10, 1)
            if start.month == 1
            else date(start.year, start.month - 3, 1)
        )
        periods.append(quarter_of(previous))
    return periods


def months_of(period: Period) -> list[date]:
    """The first day of every month in ``period``."""
    months = []
    day = period.start
    while day < period.end:
        months.append(day)
        day = date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)
    return months


def month_label(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def moment(day: date) -> datetime:
    """Midnight at the start of ``day``, local time (period boundaries for timestamps)."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))

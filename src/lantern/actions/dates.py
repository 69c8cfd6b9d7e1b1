"""When an action is due and when it is overdue, in working days (``core.workdays``).

An action is overdue once a working day has begun after its due date: one due on a Friday
is not overdue on the Saturday, the Sunday or a bank holiday Monday, and is overdue on the
Tuesday. So the test is one comparison a database can make: ``due_on`` is before the latest
working day on or before today.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from lantern.core.workdays import add_working_days, is_working_day


def latest_working_day(today: date) -> date:
    """Today if it is a working day, else the working day before it."""
    day = today
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def overdue_cutoff(today: date) -> date:
    """Live actions due before this day are overdue."""
    return latest_working_day(today)


def is_overdue(due_on: date, today: date) -> bool:
    return due_on < overdue_cutoff(today)


def working_days_overdue(due_on: date, today: date) -> int:
    """How many working days have begun since the due date (0 when not overdue)."""
    if not is_overdue(due_on, today):
        return 0
    count = 0
    day = due_on + timedelta(days=1)
    while day <= today:
        if is_working_day(day):
            count += 1
        day += timedelta(days=1)
    return count


def due_in_working_days(start: datetime, days: int) -> date:
    """The date ``days`` working days after ``start`` (a weekend start counts from Monday)."""
    return add_working_days(start, days).date()

"""Working-day arithmetic for posting and re-check periods (weekends excluded, holidays as data).

A day is a working day when it is a weekday that is not a public holiday, or a Saturday or Sunday that
the government declared a working day (làm bù: usually swapped with a weekday off to bridge a holiday,
e.g. Saturday 22/8/2026 worked for Monday 31/8/2026).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta


def is_working_day(day: date, holidays: Collection[date] = (), workdays: Collection[date] = ()) -> bool:
    """``holidays`` are the days off, ``workdays`` the weekend days declared working days."""
    if day in holidays:
        return False
    return day.weekday() < 5 or day in workdays


def period_end(start: date, working_days: int, holidays: Collection[date] = (), workdays: Collection[date] = ()) -> date:
    """Last day of a period of ``working_days`` working days that begins on ``start``.

    The start day counts when it is a working day (a list posted on Monday for 5 working days is
    posted until Friday); a start on a weekend begins on the next working day.
    """
    if working_days < 1:
        raise ValueError("a period has at least one working day")
    day, counted = start, 0
    while True:
        if is_working_day(day, holidays, workdays):
            counted += 1
            if counted == working_days:
                return day
        day += timedelta(days=1)


def add_working_days(start: date, working_days: int, holidays: Collection[date] = (), workdays: Collection[date] = ()) -> date:
    """The day ``working_days`` working days after ``start`` (the start day itself does not count):
    a complaint received on Friday with 3 working days to re-check is due on Wednesday."""
    if working_days < 0:
        raise ValueError("working_days must not be negative")
    day, counted = start, 0
    while counted < working_days:
        day += timedelta(days=1)
        if is_working_day(day, holidays, workdays):
            counted += 1
    return day


def working_days_between(start: date, end: date, holidays: Collection[date] = (), workdays: Collection[date] = ()) -> int:
    """How many working days after ``start`` up to and including ``end`` (0 when ``end`` is not after it):
    the inverse of ``add_working_days``, so a complaint resolved on its due date took the re-check's days."""
    day, counted = start, 0
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, holidays, workdays):
            counted += 1
    return counted

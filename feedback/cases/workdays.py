"""Working-day arithmetic for answer deadlines.

A working day is Monday to Friday and not a public holiday of the town's federal state
(the town profile's `federal_state`, e.g. NW: Fronleichnam and Allerheiligen count there, the
Reformationstag does not; each calculation reads it once). Holidays come from the `holidays` package; the calendars of a year
are built once per process. Nothing here reads the clock: callers pass the dates.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays

from strategy.town import town_profile


@lru_cache(maxsize=64)
def _holidays(subdivision: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DE", subdiv=subdivision, years=year))


def _subdivision() -> str:
    return town_profile().federal_state or "NW"


def is_working_day(day: date, subdivision: str | None = None) -> bool:
    """Monday to Friday and no public holiday of the town's federal state."""
    subdivision = subdivision or _subdivision()
    return day.weekday() < 5 and day not in _holidays(subdivision, day.year)


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (`start` itself does not count).

    Zero days is `start` itself, moved to the next working day if it is none.
    """
    day = start
    subdivision = _subdivision()
    if days <= 0:
        while not is_working_day(day, subdivision):
            day += timedelta(days=1)
        return day
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, subdivision):
            counted += 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; 0 when `end` is not later."""
    count = 0
    day = start
    subdivision = _subdivision()
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, subdivision):
            count += 1
    return count


def add_months(start: date, months: int) -> date:
    """The same day `months` calendar months later (the 31st becomes the month's last day);
    a deadline that falls on a weekend or holiday moves to the next working day."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return add_working_days(date(year, month + 1, day), 0)

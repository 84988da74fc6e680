"""Working days in England and Wales: Monday to Friday, less the bank holidays."""

from datetime import date, timedelta
from functools import cache

import holidays


@cache
def _bank_holidays(year: int) -> holidays.HolidayBase:
    # England and Wales share one list of bank holidays; the ENG subdivision is that list.
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def bank_holiday_name(day: date) -> str | None:
    return _bank_holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and bank_holiday_name(day) is None


def why_not_working_day(day: date) -> str | None:
    if day.weekday() >= 5:
        return day.strftime("%A")
    return bank_holiday_name(day)


def add_working_days(day: date, n: int) -> date:
    """The n-th working day after `day` (n > 0) or before it (n < 0); `day` itself never counts."""
    if n == 0:
        return day
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    current = day
    while remaining:
        current += step
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_from(start: date, count: int) -> list[date]:
    """The first `count` working days starting at `start` (included if it is a working day)."""
    days: list[date] = []
    current = start
    while len(days) < count:
        if is_working_day(current):
            days.append(current)
        current += timedelta(days=1)
    return days

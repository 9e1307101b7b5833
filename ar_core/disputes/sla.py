"""When a case is due: its opened date plus the SLA days of its reason, counted in calendar days or
in working days (Monday to Friday without the public holidays of the team's country).

Pure: the day-count kind and the country come from the settings (``dispute_sla``).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

CALENDAR, WORKING = "calendar", "working"
DAY_KINDS = (CALENDAR, WORKING)


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date]:
    import holidays  # imported where used: loading every country's calendar costs start-up time

    return frozenset(holidays.country_holidays(country, years=year))


def is_working_day(day: date, country: str) -> bool:
    return day.weekday() < 5 and day not in _holidays(country, day.year)


def due_date(opened: date, days: int, kind: str = CALENDAR, country: str = "DE") -> date:
    """``opened`` + ``days``: calendar days, or working days (the opening day itself never counts).

    Zero days is due the day it opened. A working-day SLA that would fall on a weekend or holiday
    cannot: it counts on to the next working day by construction.
    """
    if kind not in DAY_KINDS:
        from ar_core.errors import InvalidInput

        raise InvalidInput("kind", f"SLA days count as calendar or working days, not {kind!r}")
    if kind == CALENDAR or days <= 0:
        return opened + timedelta(days=max(days, 0))
    day, left = opened, days
    while left:
        day += timedelta(days=1)
        if is_working_day(day, country):
            left -= 1
    return day

"""Dutch working-day calendar: weekends and the general holidays of the Algemene termijnenwet.

Which days count as holidays is a decision, taken once here. We follow article 3 of
the Algemene termijnenwet, the law that says how Dutch legal deadlines in days are
counted: Nieuwjaarsdag, tweede Paasdag, Hemelvaartsdag, tweede Pinksterdag, the
King's birthday as celebrated (Koningsdag, 27 April, 26 April when the 27th is a
Sunday), the fifth of May (Bevrijdingsdag, every year, not only in lustrum years)
and both Christmas days. Goede Vrijdag is not in that list and is a working day
here (it is a day off only under some collective agreements). Eerste Paasdag and
eerste Pinksterdag are Sundays and thus already weekend days.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache


def add_months(month: date, count: int) -> date:
    """The first day of the calendar month `count` months after (or before, when negative) `month`'s."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Meeus/Jones/Butcher algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday_shift = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday_shift) // 451
    month, day = divmod(h + weekday_shift - 7 * m + 114, 31)
    return date(year, month, day + 1)


def kings_day(year: int) -> date:
    """Koningsdag: 27 April, moved to 26 April when the 27th is a Sunday."""
    day = date(year, 4, 27)
    return day - timedelta(days=1) if day.weekday() == 6 else day


@lru_cache(maxsize=64)
def holidays(year: int) -> dict[date, str]:
    """The general holidays of one year, with their Dutch names (weekend days included)."""
    easter = easter_sunday(year)
    days = {
        date(year, 1, 1): "Nieuwjaarsdag",
        easter: "Eerste Paasdag",
        easter + timedelta(days=1): "Tweede Paasdag",
        kings_day(year): "Koningsdag",
        date(year, 5, 5): "Bevrijdingsdag",
        easter + timedelta(days=39): "Hemelvaartsdag",
        easter + timedelta(days=49): "Eerste Pinksterdag",
        easter + timedelta(days=50): "Tweede Pinksterdag",
        date(year, 12, 25): "Eerste Kerstdag",
        date(year, 12, 26): "Tweede Kerstdag",
    }
    return dict(sorted(days.items()))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def _weekdays_after(start: date, end: date) -> int:
    """Monday-to-Friday days in (start, end], for start <= end: whole weeks, then the rest of a week."""
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    first = start.weekday() + 1  # weekday of the first day counted, Monday 0 (may pass 6: wraps below)
    return weeks * 5 + sum(1 for offset in range(rest) if (first + offset) % 7 < 5)


def _weekday_holidays_after(start: date, end: date) -> int:
    """General holidays on Monday to Friday in (start, end]: a handful per year, looked up per year."""
    return sum(1 for year in range(start.year, end.year + 1) for day in holidays(year)
               if start < day <= end and day.weekday() < 5)


def add_working_days(start: date, count: int) -> date:
    """The date `count` working days after `start` (the start day itself is not counted).

    Five working days after a Friday allocation start is the next Friday (no holidays). Whole weeks
    are added at once; each holiday on a weekday in the span then moves the end one working day on.
    """
    if count < 0:
        raise ValueError("count must be zero or positive")
    if count == 0:
        return start
    weeks, rest = divmod(count - 1, 5)
    day = start + timedelta(weeks=weeks)
    rest += 1
    while rest:  # at most five steps past the whole weeks
        day += timedelta(days=1)
        if day.weekday() < 5:
            rest -= 1
    while (short := count - working_days_between(start, day)) > 0:  # holidays in the span
        for _ in range(short):
            day = _next_working_day(day)
    return day


def _next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]: how many working days have passed since `start` by `end`.

    Negative when `end` lies before `start`, so an age can be read directly from it. Counted, not
    walked: weekdays by whole weeks, minus the weekday holidays of the years in between.
    """
    if end < start:
        return -working_days_between(end, start)
    return _weekdays_after(start, end) - _weekday_holidays_after(start, end)

"""The Dutch working-day calendar: holidays 2025-2027, Koningsdag on a Sunday, working-day arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from handlers.insight.calendar import (
    add_working_days,
    easter_sunday,
    holidays,
    is_working_day,
    kings_day,
    working_days_between,
)

EXPECTED = {
    2025: ["2025-01-01", "2025-04-20", "2025-04-21", "2025-04-26", "2025-05-05", "2025-05-29",
           "2025-06-08", "2025-06-09", "2025-12-25", "2025-12-26"],
    2026: ["2026-01-01", "2026-04-05", "2026-04-06", "2026-04-27", "2026-05-05", "2026-05-14",
           "2026-05-24", "2026-05-25", "2026-12-25", "2026-12-26"],
    2027: ["2027-01-01", "2027-03-28", "2027-03-29", "2027-04-27", "2027-05-05", "2027-05-06",
           "2027-05-16", "2027-05-17", "2027-12-25", "2027-12-26"],
}


@pytest.mark.parametrize("year", sorted(EXPECTED))
def test_holidays_of_the_year(year: int) -> None:
    assert [d.isoformat() for d in holidays(year)] == EXPECTED[year]


@pytest.mark.parametrize(("year", "easter"), [
    (2024, "2024-03-31"), (2025, "2025-04-20"), (2038, "2038-04-25"), (2285, "2285-03-22")])
def test_easter_including_the_extremes(year: int, easter: str) -> None:
    assert easter_sunday(year).isoformat() == easter


def test_kings_day_moves_to_saturday_when_the_27th_is_a_sunday() -> None:
    assert kings_day(2025) == date(2025, 4, 26)
    assert kings_day(2031) == date(2031, 4, 26)
    assert kings_day(2026) == date(2026, 4, 27)


def test_goede_vrijdag_is_a_working_day_and_bevrijdingsdag_is_not_in_any_year() -> None:
    assert is_working_day(date(2025, 4, 18))  # Goede Vrijdag 2025
    assert not is_working_day(date(2026, 5, 5))  # Tuesday, not a lustrum year
    assert not is_working_day(date(2025, 5, 5))


def test_weekends_are_not_working_days() -> None:
    assert not is_working_day(date(2025, 3, 8))
    assert not is_working_day(date(2025, 3, 9))
    assert is_working_day(date(2025, 3, 10))


def test_add_working_days_skips_weekends() -> None:
    assert add_working_days(date(2025, 3, 7), 5) == date(2025, 3, 14)  # Friday → next Friday
    assert add_working_days(date(2025, 3, 8), 1) == date(2025, 3, 10)  # Saturday → Monday
    assert add_working_days(date(2025, 3, 7), 0) == date(2025, 3, 7)


def test_add_working_days_skips_easter_and_kings_day_and_liberation_day() -> None:
    # Thursday 17 April 2025: Fri 18 (Goede Vrijdag, working), Tue 22, Wed 23, Thu 24, Fri 25.
    assert add_working_days(date(2025, 4, 17), 5) == date(2025, 4, 25)
    # Friday 2 May 2025: Mon 5 May is Bevrijdingsdag: Tue 6 .. Mon 12.
    assert add_working_days(date(2025, 5, 2), 5) == date(2025, 5, 12)
    # Friday 24 April 2026: Mon 27 April Koningsdag: Tue 28, Wed 29, Thu 30, Fri 1 May, Mon 4 May.
    assert add_working_days(date(2026, 4, 24), 5) == date(2026, 5, 4)
    # Christmas 2026 on Friday and Saturday, New Year 2027 on Friday.
    assert add_working_days(date(2026, 12, 24), 5) == date(2027, 1, 4)


def test_working_days_between_counts_the_end_not_the_start() -> None:
    assert working_days_between(date(2025, 3, 7), date(2025, 3, 14)) == 5
    assert working_days_between(date(2025, 3, 14), date(2025, 3, 7)) == -5
    assert working_days_between(date(2025, 3, 7), date(2025, 3, 7)) == 0
    assert working_days_between(date(2025, 12, 24), date(2025, 12, 31)) == 3  # 29, 30, 31


def test_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="zero or positive"):
        add_working_days(date(2025, 1, 1), -1)


def _walked_between(start: date, end: date) -> int:
    """The definition, day by day: working days in (start, end]."""
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=n)))


def _walked_add(start: date, count: int) -> date:
    day = start
    while count:
        day += timedelta(days=1)
        count -= is_working_day(day)
    return day


def test_the_arithmetic_agrees_with_walking_day_by_day() -> None:
    """Every start day of 2024-2026 (holidays on all weekdays, year ends, Easter early and late)."""
    first = date(2024, 1, 1)
    for n in range(0, 3 * 366, 1):
        start = first + timedelta(days=n)
        for span in (0, 1, 4, 6, 7, 13, 40, 400):
            end = start + timedelta(days=span)
            assert working_days_between(start, end) == _walked_between(start, end), (start, end)
            assert working_days_between(end, start) == -_walked_between(start, end)
        for count in (0, 1, 3, 5, 8, 40):
            assert add_working_days(start, count) == _walked_add(start, count), (start, count)


def test_a_far_date_is_counted_not_walked() -> None:
    """Two centuries: about 261 weekdays a year less 6 to 7 holidays on weekdays."""
    start = date(2025, 1, 1)
    days = working_days_between(start, date(2225, 1, 1))
    assert 200 * 250 < days < 200 * 256
    end = add_working_days(start, days)
    assert (end, working_days_between(start, end)) == (date(2224, 12, 31), days)  # New Year is no working day

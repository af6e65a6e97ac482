"""How much of an allocation's Omvang may be declared: per ProductPeriode (TR321) and in total (TR322).

IV077: with frequency per week, effort-based units (minutes, hours, etmaal, dagdeel, stuks inspanning)
allow the volume once per calendar week (ISO week number) the period touches, within the allocation;
output-based units (stuks output, euros) once per Sunday in the period, plus one when the allocation's
last Sunday lies in it and the allocation does not end on a Sunday. iWmo category 01 (huishoudelijke
hulp) per week allows 6 times the weekly volume in any ProductPeriode (TR321). Per day: days × volume;
per month: the volume once per calendar month; 6 (total within the allocation): the volume once.
Hours allocated may be claimed in minutes (IV081): then everything is counted in minutes.
"""

from __future__ import annotations

from datetime import date, timedelta

PER_DAY, PER_WEEK, PER_MONTH, TOTAL = "1", "2", "4", "6"
MINUTES, HOURS = "01", "04"
OUTPUT_UNITS = frozenset({"82", "83"})  # stuks (output), euro's: output-based (IV077)
HOUSEKEEPING = "01"  # iWmo ProductCategorie 01: 6 × the weekly volume per ProductPeriode (TR321)
HOUSEKEEPING_WEEKS = 6
SUNDAY = 6


def units_fit(allocated: str, claimed: str) -> bool:
    """TR341: the claimed unit is the allocated one; minutes may be claimed on hours (IV081)."""
    return claimed == allocated or (allocated == HOURS and claimed == MINUTES)


def scale(allocated: str, claimed: str) -> int:
    """Factor bringing an allocated volume into the claimed unit (60 when hours are claimed in minutes)."""
    return 60 if (allocated, claimed) == (HOURS, MINUTES) else 1


def _days(start: date, end: date) -> int:
    return max((end - start).days + 1, 0)


def _weeks(start: date, end: date) -> int:
    """Calendar weeks (ISO week numbers) with at least one day in start..end."""
    if end < start:
        return 0
    first = start - timedelta(days=start.weekday())
    last = end - timedelta(days=end.weekday())
    return (last - first).days // 7 + 1


def _sundays(start: date, end: date) -> int:
    if end < start:
        return 0
    first = start + timedelta(days=(SUNDAY - start.weekday()) % 7)
    return 0 if first > end else (end - first).days // 7 + 1


def _months(start: date, end: date) -> int:
    return max((end.year - start.year) * 12 + end.month - start.month + 1, 0)


def _last_sunday(ingang: date, einde: date) -> date:
    return einde - timedelta(days=(einde.weekday() - SUNDAY) % 7) if einde >= ingang else einde


def _output_weeks(start: date, end: date, ingang: date, einde: date | None) -> int:
    count = _sundays(start, end)
    if einde is not None and einde.weekday() != SUNDAY and start <= _last_sunday(ingang, einde) <= end:
        count += 1
    return count


def period_maximum(
    volume: int,
    eenheid: str,
    frequentie: str,
    categorie_01_wmo: bool,
    start: date,
    end: date,
    ingang: date,
    einde: date | None,
) -> int | None:
    """TR321: the most that may be claimed for start..end (clipped to the allocation), allocated unit."""
    start, end = max(start, ingang), min(end, einde) if einde else end
    if frequentie == PER_DAY:
        return volume * _days(start, end)
    if frequentie == PER_WEEK:
        if categorie_01_wmo:
            return volume * HOUSEKEEPING_WEEKS
        if eenheid in OUTPUT_UNITS:
            return volume * _output_weeks(start, end, ingang, einde)
        return volume * _weeks(start, end)
    if frequentie in (PER_MONTH, TOTAL):
        return volume
    return None


def total_maximum(volume: int, eenheid: str, frequentie: str, ingang: date, einde: date | None) -> int | None:
    """TR322: the most that may be claimed over the whole allocation; None when it has no end."""
    if frequentie == TOTAL:
        return volume
    if einde is None:
        return None
    if frequentie == PER_DAY:
        return volume * _days(ingang, einde)
    if frequentie == PER_WEEK:
        if eenheid in OUTPUT_UNITS:
            return volume * (_sundays(ingang, einde) + (einde.weekday() != SUNDAY))
        return volume * _weeks(ingang, einde)
    if frequentie == PER_MONTH:
        return volume * _months(ingang, einde)
    return None

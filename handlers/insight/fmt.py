"""Dutch formatting of dates and numbers for the pages (the API and CSV keep ISO and plain numbers)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")  # register times are stored in UTC; people read Dutch time

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")


def nl_date(value: date | None) -> str:
    """`2025-03-07` → `07-03-2025` (the Dutch day-month-year order); empty for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        # SQLite hands back the stored UTC moment without its zone: read it as UTC, never as local time.
        local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(AMSTERDAM)
        return local.strftime("%d-%m-%Y %H:%M")
    return value.strftime("%d-%m-%Y")


def nl_month(month: str) -> str:
    """`2025-03` → `maart 2025`."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


def nl_number(value: float | int | None, decimals: int = 0) -> str:
    """Thousands with a dot, decimals with a comma: 1234567.5 → `1.234.567,5`."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def nl_percent(value: float | None, decimals: int = 1) -> str:
    return "" if value is None else f"{nl_number(value * 100, decimals)}%"

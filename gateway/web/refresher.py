"""The web app keeps the derived tables fresh: at start-up when empty or of an older day, then every
`insight_refresh_seconds` (storage.signal_table, and the waits: storage.waits_table, in their own
transaction, then storage.area_figures and storage.household_table, each in its own transaction; 0
leaves it to `istd insight refresh`).

With several web processes on PostgreSQL one refresh runs at a time (an advisory lock); the others
find the new set and wait for the next round. A failed refresh is logged (its kind, never data) and
the pages keep the previous set.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.logs import fields
from handlers.insight.household import MANY_PROVIDERS
from storage import area_figures, household_table, waits_table
from storage.household_table import refresh_households
from storage.signal_table import Refreshed, refresh_signals, refreshed
from storage.unit_of_work import unit_of_work

log = logging.getLogger("istd.web.refresh")
T = TypeVar("T")


async def refresh_when_due(sessions: async_sessionmaker[AsyncSession], every: float,
                           today: date | None = None) -> Refreshed | None:
    """Rebuild the signals of `today` unless the table holds them from less than `every` seconds ago."""
    day = today or date.today()
    async with unit_of_work(sessions) as session:
        done = await refreshed(session)
        if done is not None and done.day == day:
            age = (datetime.now(UTC) - done.computed_at).total_seconds()
            if age < every:
                return None
        return await refresh_signals(session, day)


async def refresh_waits_when_due(sessions: async_sessionmaker[AsyncSession],
                                 every: float) -> waits_table.Refreshed | None:
    """Rebuild the waits (storage.waits_table) unless they are from less than `every` seconds ago."""
    async with unit_of_work(sessions) as session:
        done = await waits_table.refreshed(session)
        if done is not None and (datetime.now(UTC) - done.computed_at).total_seconds() < every:
            return None
        return await waits_table.refresh_waits(session)


async def _refresh_households(session: AsyncSession, day: date) -> tuple[int, float] | None:
    return await refresh_households(session, day, MANY_PROVIDERS)


# The wijkanalyse's and the flagged households' tables: (name in web_insight_refreshed, refresh).
AREA_REFRESHES = ((area_figures.NAME, area_figures.refresh_area_figures),
                  (household_table.NAME, _refresh_households))


async def refresh_areas_when_due(sessions: async_sessionmaker[AsyncSession], every: float,
                                 today: date | None = None) -> list[tuple[str, int, float]]:
    """Rebuild each table of AREA_REFRESHES not refreshed for `today` within `every` seconds, each in a
    transaction of its own: (name, rows, seconds) of those rebuilt."""
    day, rebuilt = today or date.today(), []
    for name, refresh in AREA_REFRESHES:
        async with unit_of_work(sessions) as session:
            done = await area_figures.refreshed_day(session, name)
            if done is not None and done[0] == day and (datetime.now(UTC) - done[1]).total_seconds() < every:
                continue
            result = await refresh(session, day)
        if result is not None:
            rebuilt.append((name, *result))
    return rebuilt


async def _guarded(what: str, refresh: Awaitable[T]) -> T | None:
    """One round of one kind of table: a failure is logged (its kind, never data), the pages keep the
    previous set and the next round retries."""
    try:
        return await refresh
    except asyncio.CancelledError:
        raise
    except Exception as error:  # noqa: BLE001 - see the docstring
        log.error("%s refresh failed", what, extra=fields(error=type(error).__name__))
        return None


async def keep_fresh(sessions: async_sessionmaker[AsyncSession], every: float,
                     on_refresh: Callable[[], None]) -> None:
    """Refresh now when due, then every `every` seconds, until cancelled; `on_refresh` runs after each."""
    while True:
        done = await _guarded("insight", refresh_when_due(sessions, every))
        if done is not None:
            on_refresh()
            log.info("insight refreshed", extra=fields(day=done.day.isoformat(), rows=done.rows,
                                                       seconds=done.seconds))
        waited = await _guarded("waits", refresh_waits_when_due(sessions, every))
        if waited is not None:
            log.info("waits refreshed", extra=fields(rows=waited.rows, seconds=waited.seconds))
        for name, rows, seconds in await _guarded("insight", refresh_areas_when_due(sessions, every)) or []:
            log.info("insight refreshed", extra=fields(table=name, rows=rows, seconds=seconds))
        await asyncio.sleep(every)

"""The web app keeps the derived tables fresh: at start-up when empty or of an older day, then every
`insight_refresh_seconds` (storage.signal_table, and the waits: storage.waits_table, in their own
transaction; 0 leaves it to `istd insight refresh`).

With several web processes on PostgreSQL one refresh runs at a time (an advisory lock); the others
find the new set and wait for the next round. A failed refresh is logged (its kind, never data) and
the pages keep the previous set.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.logs import fields
from storage import waits_table
from storage.signal_table import Refreshed, refresh_signals, refreshed
from storage.unit_of_work import unit_of_work

log = logging.getLogger("istd.web.refresh")


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


async def keep_fresh(sessions: async_sessionmaker[AsyncSession], every: float,
                     on_refresh: Callable[[], None]) -> None:
    """Refresh now when due, then every `every` seconds, until cancelled; `on_refresh` runs after each."""
    while True:
        try:
            done = await refresh_when_due(sessions, every)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - the pages keep the previous set; the next round retries
            log.error("insight refresh failed", extra=fields(error=type(error).__name__))
        else:
            if done is not None:
                on_refresh()
                log.info("insight refreshed", extra=fields(day=done.day.isoformat(), rows=done.rows,
                                                           seconds=done.seconds))
        try:
            waited = await refresh_waits_when_due(sessions, every)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - the pages keep the previous waits; the next round retries
            log.error("waits refresh failed", extra=fields(error=type(error).__name__))
        else:
            if waited is not None:
                log.info("waits refreshed", extra=fields(rows=waited.rows, seconds=waited.seconds))
        await asyncio.sleep(every)

"""The unit of work: one session, one transaction; the caller (CLI, worker) commits, nobody else does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


@asynccontextmanager
async def unit_of_work(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """Open a session in a transaction; commit when the block ends normally, roll back when it raises.

    Repositories and the Processor only `add` and `flush`; this is the one place that commits.
    """
    async with sessions() as session, session.begin():
        yield session

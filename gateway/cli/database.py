"""Opening the register for a command: engine from a URL, migrated, one unit of work."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from storage.engine import create_engine, ensure_migrated, session_factory
from storage.unit_of_work import unit_of_work

T = TypeVar("T")


def run_in_unit_of_work(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction on the (migrated) register at `url`; commit when it returns."""

    async def main() -> T:
        engine = create_engine(url)
        try:
            await ensure_migrated(engine)
            async with unit_of_work(session_factory(engine)) as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())

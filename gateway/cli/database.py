"""Opening the register for a command: engine from a URL, migrated, one unit of work."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.cli.common import CommandError, database_error, database_url
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


def load_or_list(args: argparse.Namespace, read: Callable[[Path], T],
                 load: Callable[[AsyncSession, T], Awaitable[str]],
                 listing: Callable[[AsyncSession], Awaitable[str]], file_error: type[Exception]) -> int:
    """`istd X load FILE | list` for a table a user file fills: one line on failure, a bad file (exit 1,
    nothing loaded) or the register (exit 2, via CommandError)."""
    url = database_url(args)
    try:
        if args.action == "load":
            rows = read(args.file)
            print(run_in_unit_of_work(url, lambda s: load(s, rows)))
        else:
            print(run_in_unit_of_work(url, listing))
    except file_error as error:
        raise CommandError(f"{args.file}: {error}; nothing loaded", exit_code=1) from None
    except (SQLAlchemyError, OSError) as error:
        raise database_error(error, url) from None
    return 0

"""`istd insight refresh [--on DATE]`: rebuild the derived tables of the wijkteam pages now.

The web app refreshes them in the background (`ISTD_WEB__INSIGHT_REFRESH_SECONDS`); this command does
it at once, for today or for another reference day, and prints one line per table: the day, the
signals and the time it took; the waits (storage.waits_table, any day) and the time they took; then
the wijkanalyse's figures and the flagged households (areas, households) of the day.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.cli.common import CommandError, add_database_option, database_error, database_url
from gateway.cli.database import run_in_unit_of_work
from gateway.web.refresher import AREA_REFRESHES
from storage import waits_table
from storage.signal_table import refresh_signals


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write it as YYYY-MM-DD") from None


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "insight", help="rebuild the derived tables of the wijkteam pages (signals, waits, areas, "
                   "households)",
        description="The derived tables the wijkteam pages read: rebuilt from the register, never the "
                    "source of truth.")
    add_database_option(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    refresh = actions.add_parser(
        "refresh", help="rebuild the signals, waits, areas and households tables now",
        description="Rebuild the table of open signals for today (or --on DATE) in one transaction, "
                    "then the waits, the wijkanalyse's figures and the flagged households, each in its "
                    "own: pages see the old set until it is done. Prints one line per table.")
    refresh.add_argument("--on", type=_day, default=None, metavar="YYYY-MM-DD",
                         help="the reference day (default: today)")
    add_database_option(refresh)
    parser.set_defaults(handler=run)


async def _refresh(session: AsyncSession, on: date) -> str:
    done = await refresh_signals(session, on)
    if done is None:
        raise CommandError("another refresh is running: its signals will be as new as these; try again later",
                           exit_code=1)
    return f"signals of {done.day}: {done.rows} rows in {done.seconds:.1f} s"


async def _refresh_waits(session: AsyncSession) -> str:
    done = await waits_table.refresh_waits(session)
    if done is None:
        raise CommandError("another refresh of the waits is running; try again later", exit_code=1)
    return f"waits: {done.rows} rows in {done.seconds:.1f} s"


def _refresh_table(name: str, refresh: Any, on: date) -> Callable[[AsyncSession], Awaitable[str]]:
    async def run(session: AsyncSession) -> str:
        done = await refresh(session, on)
        if done is None:
            raise CommandError(f"another refresh of the {name} is running; try again later", exit_code=1)
        rows, seconds = done
        return f"{name} of {on}: {rows} rows in {seconds:.1f} s"
    return run


def run(args: argparse.Namespace) -> int:
    url = database_url(args)
    on = args.on or date.today()
    try:
        print(run_in_unit_of_work(url, lambda s: _refresh(s, on)))
        print(run_in_unit_of_work(url, _refresh_waits))  # its own transaction
        for name, refresh in AREA_REFRESHES:  # each in a transaction of its own
            print(run_in_unit_of_work(url, _refresh_table(name, refresh, on)))
    except (SQLAlchemyError, OSError) as error:
        raise database_error(error, url) from None
    return 0

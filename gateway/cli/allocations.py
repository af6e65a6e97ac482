"""`istd allocations [--on DATE] [--json]`: the allocations running on a date, with delivery as it stands."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError

from gateway.cli.common import add_database_option, database_error, database_url, iso_date
from storage.engine import create_engine, ensure_migrated, session_factory
from storage.queries import RunningAllocation, running_allocations
from storage.unit_of_work import unit_of_work

FIELDS = (
    "standard",
    "gemeente",
    "aanbieder",
    "toewijzingnummer",
    "bsn",
    "product_categorie",
    "product_code",
    "ingangsdatum",
    "einddatum",
    "delivery",
    "begindatum",
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "allocations", help="list the allocations running on a date",
        description="List the allocations (toewijzingen) running on a date, with their delivery state "
                    "(started, stopped, not started), as a table or JSON.")
    add_database_option(parser)
    parser.add_argument("--on", type=iso_date, metavar="YYYY-MM-DD", help="the date (default: today)")
    parser.add_argument("--json", action="store_true", help="a JSON array instead of a table")
    parser.set_defaults(handler=run)


def as_dict(item: RunningAllocation) -> dict[str, object]:
    values: dict[str, object] = {}
    for name in FIELDS:
        value = getattr(item, name)
        values[name] = value.isoformat() if isinstance(value, date) else value
    return values


def table(items: list[RunningAllocation]) -> str:
    rows = [[("-" if v is None else str(v)) for v in as_dict(item).values()] for item in items]
    widths = [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(FIELDS)]
    lines = ["  ".join(name.ljust(w) for name, w in zip(FIELDS, widths, strict=True))]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


async def fetch(url: str, on: date) -> list[RunningAllocation]:
    engine = create_engine(url)
    try:
        await ensure_migrated(engine)
        async with unit_of_work(session_factory(engine)) as session:
            return await running_allocations(session, on)
    finally:
        await engine.dispose()


def run(args: argparse.Namespace) -> int:
    on = args.on or datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    url = database_url(args)
    try:
        items = asyncio.run(fetch(url, on))
    except (SQLAlchemyError, OSError) as error:
        raise database_error(error, url) from None
    print(json.dumps([as_dict(item) for item in items], indent=2) if args.json else table(items))
    return 0

"""`istd db upgrade`: run the migrations (every branch: `upgrade heads`) on the configured database."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from gateway.cli.common import add_database_option, database_error, database_url
from storage.engine import create_engine, upgrade


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("db", help="database maintenance",
                                   description="Database maintenance of the register.")
    add_database_option(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    up = actions.add_parser("upgrade", help="apply all migrations",
                            description="Apply all Alembic migrations to the register (an empty "
                                        "database is also migrated on first use by every command).")
    add_database_option(up)
    up.set_defaults(handler=run)


async def _upgrade(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


def run(args: argparse.Namespace) -> int:
    url = database_url(args)
    try:
        asyncio.run(_upgrade(url))
    except (SQLAlchemyError, OSError) as error:
        raise database_error(error, url) from None
    print("database is at the latest revision", file=sys.stderr)
    return 0

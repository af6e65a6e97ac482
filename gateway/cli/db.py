"""`istd db upgrade`: run the migrations (every branch: `upgrade heads`) on the configured database."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from gateway.settings import Settings
from storage.engine import DatabaseUrlError, create_engine, upgrade

USAGE_OR_DATABASE_ERROR = 2


def database_url(args: argparse.Namespace) -> str:
    """--database, else ISTD_DATABASE__URL, else the default SQLite file."""
    return str(args.database) if args.database else Settings().database.url


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("db", help="database maintenance")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    up = actions.add_parser("upgrade", help="apply all migrations")
    up.add_argument("--database", help="sqlite:///PATH or postgresql://... (default: ISTD_DATABASE__URL)")
    up.set_defaults(handler=run)


async def _upgrade(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


def run(args: argparse.Namespace) -> int:
    try:
        asyncio.run(_upgrade(database_url(args)))
    except (DatabaseUrlError, SQLAlchemyError, OSError) as error:
        print(f"istd db upgrade: {type(error).__name__}: {error}", file=sys.stderr)
        return USAGE_OR_DATABASE_ERROR
    print("database is at the latest revision", file=sys.stderr)
    return 0

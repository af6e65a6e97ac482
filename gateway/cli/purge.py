"""`istd purge --older-than 24m`: remove the raw XML of messages older than the retention period.

Keeps the register and each message's metadata (storage/retention.py says exactly what goes).
Prints the counts; `--dry-run` prints what would go and changes nothing. Exit 0 on success, 2 on a
usage or database error.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from gateway.cli.common import USAGE, add_database_option, database_error, database_url
from storage.engine import create_engine, ensure_migrated, session_factory
from storage.retention import PurgeCounts, count_due, cutoff, parse_period, purge


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "purge", help="remove raw XML older than a retention period (keeps the register)",
        description="Remove the raw XML (and texts that quote it) of messages received before the "
                    "retention period; the register and each message's metadata are kept.")
    parser.add_argument(
        "--older-than", required=True, metavar="PERIOD", help="e.g. 24m (months) or 90d (days)"
    )
    add_database_option(parser)
    parser.add_argument("--dry-run", action="store_true", help="only count what would be removed")
    parser.set_defaults(handler=run)


async def _run(url: str, before: datetime, now: datetime, dry_run: bool) -> PurgeCounts:
    engine = create_engine(url)
    try:
        await ensure_migrated(engine)  # the purged_at column comes with a migration
        sessions = session_factory(engine)
        return await (count_due(sessions, before) if dry_run else purge(sessions, before, now))
    finally:
        await engine.dispose()


def run(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    try:
        parse_period(args.older_than)
    except ValueError as error:
        print(f"istd purge: {error}", file=sys.stderr)
        return USAGE
    before = cutoff(now, args.older_than)
    url = database_url(args)
    try:
        counts = asyncio.run(_run(url, before, now, args.dry_run))
    except (SQLAlchemyError, OSError) as error:
        raise database_error(error, url) from None
    verb = "would remove" if args.dry_run else "removed"
    print(
        f"{verb} the raw XML of {counts.messages} message(s) ({counts.raw_bytes} bytes) received before "
        f"{before.isoformat(timespec='seconds')} and the bodies of {counts.outbox} published outbox row(s); "
        "the register is kept"
    )
    return 0

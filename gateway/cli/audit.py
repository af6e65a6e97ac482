"""`istd audit`: who was shown which client or list, who was refused, which logins failed (newest first)."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.cli.common import add_database_option, database_error, database_url, iso_date
from gateway.cli.database import run_in_unit_of_work
from gateway.web import audit


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "audit", help="read the audit log of client views",
        description="Who was shown which client's personal data on the web pages, when and why "
                    "(newest first).")
    add_database_option(parser)
    parser.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD", help="from this date")
    parser.add_argument("--user", help="only this username")
    parser.add_argument("--client", type=int, help="only this client (internal id)")
    parser.add_argument("--bsn", help="only this client, by BSN (the log itself holds no BSN)")
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(handler=run)


def _dash(value: object) -> str:
    return "-" if value is None or value == "" else str(value)


def _render(entries: list[audit.AuditEntry], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([{"at": e.at.isoformat(), "user": e.username, "client_id": e.client_id,
                            "view": e.view, "reason": e.reason, "outcome": e.outcome, "address": e.address,
                            "session": e.session, "filter": e.filter, "rows": e.row_count}
                           for e in entries], ensure_ascii=False)
    lines = ["at\tuser\tclient_id\tview\treason\toutcome\taddress\tsession\tfilter\trows"]
    lines += [f"{e.at:%Y-%m-%d %H:%M:%S}\t{e.username}\t{_dash(e.client_id)}\t{e.view}\t{e.reason}\t"
              f"{e.outcome}\t{_dash(e.address)}\t{_dash(e.session)}\t{_dash(e.filter)}\t{_dash(e.row_count)}"
              for e in entries]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    since = datetime(args.since.year, args.since.month, args.since.day, tzinfo=UTC) if args.since else None

    async def work(session: AsyncSession) -> list[audit.AuditEntry]:
        return await audit.entries(session, since=since, username=args.user, client_id=args.client,
                                   bsn=args.bsn, limit=args.limit)

    url = database_url(args)
    try:
        entries = run_in_unit_of_work(url, work)
    except (SQLAlchemyError, OSError) as error:
        raise database_error(error, url) from None
    print(_render(entries, args.format))
    return 0

"""`istd report running|waiting|signals|usage|area`: the figures of the pages, for scripts.

`istd report usage --claimed [--idle-months N] [--over]` prints the usage from what was claimed (per
provider, category, PC4 and month; handlers.insight.claimed), with the filters of /benutting.

Same query functions as the web pages, without a gemeente restriction (whoever runs
the command already holds the database URL). Never prints a BSN or name: the running
list gives the opaque client id only.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import json
import sys
from datetime import date
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.cli.common import CommandError, add_database_option, database_error, database_url, iso_date
from gateway.cli.database import run_in_unit_of_work
from gateway.web.area_data import area_table
from gateway.web.render import csv_cell
from handlers.insight import claimed
from handlers.insight.area_table import COUNTS, RATES
from handlers.insight.signals import Signal
from handlers.insight.stats import Summary
from handlers.insight.usage import UsageGroup
from storage.insight_queries import analysis
from storage.insight_queries.area import AreaFilter
from storage.insight_queries.claimed import usage_months
from storage.insight_queries.common import Scope
from storage.insight_queries.running import RunningRow, page_rows
from storage.insight_queries.running_set import RunningFilter
from storage.insight_queries.signals import signals

ALL = Scope()
REPORTS = ("running", "waiting", "signals", "usage", "area")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report", help="print the insight figures (same as the pages)",
        description="The figures of the web pages for scripts: running allocations (opaque client id, "
                    "never a BSN or name), waiting times, signals, usage, area; as a table, JSON or CSV. "
                    "The header is printed even when nothing matches.")
    parser.add_argument("report", choices=REPORTS)
    parser.add_argument("--on", type=iso_date, default=None, metavar="YYYY-MM-DD",
                        help="reference date (default today)")
    add_database_option(parser)
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    group = parser.add_argument_group("usage from what was claimed (report usage --claimed)")
    group.add_argument("--claimed", action="store_true",
                       help="usage: allocated, declared and awarded volume and amount per provider, "
                            "category, PC4 and month (from the 323 claim lines)")
    group.add_argument("--idle-months", type=int, metavar="N", default=None,
                       help="with --claimed: running allocations without an awarded claim for N months")
    group.add_argument("--over", action="store_true",
                       help="with --claimed: only months declared beyond the allocated volume")
    parser.set_defaults(handler=run)


async def _running(session: AsyncSession, on: date) -> list[dict[str, Any]]:
    rows = await page_rows(session, RunningFilter(on), ALL, 0, None)
    return [{k: v for k, v in dataclasses.asdict(r).items() if k != "client_name"} for r in rows]


async def _waiting(session: AsyncSession, _on: date) -> list[dict[str, Any]]:
    result = await analysis.waiting_times(session, ALL)
    return [{"measure": m, "provider": r.provider, "category": r.category, "month": r.month,
             **dataclasses.asdict(r.summary)} for m, rows in result.items() for r in rows]


async def _signals(session: AsyncSession, on: date) -> list[dict[str, Any]]:
    return [{**dataclasses.asdict(r.signal), "gemeente": r.gemeente, "aanbieder": r.aanbieder}
            for r in await signals(session, on, ALL)]


async def _usage(session: AsyncSession, on: date) -> list[dict[str, Any]]:
    return [{**dataclasses.asdict(g), "never_started_share": g.never_started_share, "ratio": g.ratio}
            for g in await analysis.usage_groups(session, on, ALL)]


async def _area(session: AsyncSession, on: date) -> list[dict[str, Any]]:
    """The wijkanalyse's table (areas, then `Totaal`), every figure shown: the command line sees all."""
    rows = (await area_table(session, AreaFilter(on), ALL)).rows
    return [] if len(rows) == 1 else [
        {"area": r.area, "pc4s": " ".join(r.pc4s), "inwoners": r.inwoners, **r.counts, **r.rates}
        for r in rows]


async def _claimed(session: AsyncSession, on: date, idle_months: int | None,
                   over: bool) -> list[dict[str, Any]]:
    rows = claimed.filtered(await usage_months(session, on, ALL), on, idle_months, over)
    return [{"provider": g.provider, "category": g.category, "pc4": g.pc4, "month": g.month.strftime("%Y-%m"),
             "allocations": g.allocations, "started": g.started, "clients": len(g.clients),
             "allocated_volume": g.allocated,
             "declared_volume": round(g.declared_volume, 2), "awarded_volume": round(g.awarded_volume, 2),
             "declared_amount": g.declared_amount, "awarded_amount": g.awarded_amount,
             "share": None if g.share is None else round(g.share, 4)} for g in claimed.per_group(rows)]


CLAIMED_COLUMNS = ["provider", "category", "pc4", "month", "allocations", "started", "clients",
                   "allocated_volume", "declared_volume", "awarded_volume", "declared_amount",
                   "awarded_amount", "share"]


QUERIES = {"running": _running, "waiting": _waiting, "signals": _signals, "usage": _usage, "area": _area}


def _names(row_type: type[Any]) -> list[str]:
    return [f.name for f in dataclasses.fields(row_type)]


# The columns of each report, as the query functions above build their rows: the header when none match.
COLUMNS: dict[str, list[str]] = {
    "running": [name for name in _names(RunningRow) if name != "client_name"],
    "waiting": ["measure", "provider", "category", "month", *_names(Summary)],
    "signals": [*_names(Signal), "gemeente", "aanbieder"],
    "usage": [*_names(UsageGroup), "never_started_share", "ratio"],
    "area": ["area", "pc4s", "inwoners", *COUNTS, *(rate for rate, _, _ in RATES)],
}


def render(rows: list[dict[str, Any]], fmt: str, columns: list[str] | None = None) -> str:
    if fmt == "json":
        return json.dumps(rows, default=str, ensure_ascii=False, indent=1)
    header = list(rows[0]) if rows else list(columns or [])
    if not header:
        return ""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows({key: csv_cell(value) for key, value in row.items()} for row in rows)
        return buffer.getvalue().rstrip("\n")
    cells = [[("" if row[h] is None else str(row[h])) for h in header] for row in rows]
    widths = [max([len(h), *(len(c[i]) for c in cells)]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(line.rstrip() for line in lines)


def _check_claimed_options(args: argparse.Namespace) -> None:
    if (args.idle_months is not None or args.over or args.claimed) and args.report != "usage":
        raise CommandError("--claimed, --idle-months and --over belong to 'istd report usage'.")
    if (args.idle_months is not None or args.over) and not args.claimed:
        raise CommandError("--idle-months and --over filter 'istd report usage --claimed': "
                           "add --claimed.")
    if args.idle_months is not None and not 1 <= args.idle_months <= 36:
        raise CommandError(f"--idle-months must be 1 to 36 months, not {args.idle_months}.")


def run(args: argparse.Namespace) -> int:
    on = args.on or date.today()
    query = QUERIES[args.report]
    _check_claimed_options(args)

    async def work(session: AsyncSession) -> list[dict[str, Any]]:
        if args.claimed:
            return await _claimed(session, on, args.idle_months, args.over)
        return await query(session, on)

    url = database_url(args)
    try:
        rows = run_in_unit_of_work(url, work)
    except (SQLAlchemyError, OSError) as error:
        raise database_error(error, url) from None
    text = render(rows, args.format, CLAIMED_COLUMNS if args.claimed else COLUMNS[args.report])
    sys.stdout.write(text + ("\n" if text else ""))
    return 0

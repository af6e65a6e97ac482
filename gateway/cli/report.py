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

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.cli.database import database_url, run_in_unit_of_work
from gateway.web.render import csv_cell
from handlers.insight import claimed
from storage.insight_queries import analysis
from storage.insight_queries.claimed import usage_months
from storage.insight_queries.common import Scope
from storage.insight_queries.running import area, page_rows
from storage.insight_queries.running_set import RunningFilter
from storage.insight_queries.signals import signals

ALL = Scope()
REPORTS = ("running", "waiting", "signals", "usage", "area")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("report", help="print the insight figures (same as the pages)")
    parser.add_argument("report", choices=REPORTS)
    parser.add_argument("--on", type=date.fromisoformat, default=None, help="reference date (default today)")
    parser.add_argument("--database", help="register URL (default: ISTD_DATABASE__URL)")
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
    return [dataclasses.asdict(r) for r in await area(session, on, ALL)]


async def _claimed(session: AsyncSession, on: date, idle_months: int | None,
                   over: bool) -> list[dict[str, Any]]:
    rows = claimed.filtered(await usage_months(session, on, ALL), on, idle_months, over)
    return [{"provider": g.provider, "category": g.category, "pc4": g.pc4, "month": g.month.strftime("%Y-%m"),
             "allocations": g.allocations, "started": g.started, "clients": len(g.clients),
             "allocated_volume": g.allocated,
             "declared_volume": round(g.declared_volume, 2), "awarded_volume": round(g.awarded_volume, 2),
             "declared_amount": g.declared_amount, "awarded_amount": g.awarded_amount,
             "share": None if g.share is None else round(g.share, 4)} for g in claimed.per_group(rows)]


QUERIES = {"running": _running, "waiting": _waiting, "signals": _signals, "usage": _usage, "area": _area}


def render(rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, default=str, ensure_ascii=False, indent=1)
    if not rows:
        return ""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({key: csv_cell(value) for key, value in row.items()} for row in rows)
        return buffer.getvalue().rstrip("\n")
    header = list(rows[0])
    cells = [[("" if row[h] is None else str(row[h])) for h in header] for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(line.rstrip() for line in lines)


def usage_error(text: str) -> int:
    """A command-line mistake: one line saying what to do, exit code 2 (as argparse's own)."""
    print(f"istd report: {text}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    on = args.on or date.today()
    query = QUERIES[args.report]
    if (args.idle_months is not None or args.over or args.claimed) and args.report != "usage":
        return usage_error("--claimed, --idle-months and --over belong to 'istd report usage'.")
    if (args.idle_months is not None or args.over) and not args.claimed:
        return usage_error("--idle-months and --over filter 'istd report usage --claimed': add --claimed.")
    if args.idle_months is not None and not 1 <= args.idle_months <= 36:
        return usage_error(f"--idle-months must be 1 to 36 months, not {args.idle_months}.")

    async def work(session: AsyncSession) -> list[dict[str, Any]]:
        if args.claimed:
            return await _claimed(session, on, args.idle_months, args.over)
        return await query(session, on)

    text = render(run_in_unit_of_work(database_url(args.database), work), args.format)
    sys.stdout.write(text + ("\n" if text else ""))
    return 0

"""`istd report running|waiting|signals|usage|area`: the figures of the pages, for scripts.

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
from storage.insight_queries import analysis
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


def run(args: argparse.Namespace) -> int:
    on = args.on or date.today()
    query = QUERIES[args.report]

    async def work(session: AsyncSession) -> list[dict[str, Any]]:
        return await query(session, on)

    text = render(run_in_unit_of_work(database_url(args.database), work), args.format)
    sys.stdout.write(text + ("\n" if text else ""))
    return 0

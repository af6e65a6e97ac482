"""`istd ingest PATH...`: process message files through the same pipeline as the worker, one transaction each.

Prints one JSON object per input: {"path", "message", "identificatie", "outcome", "codes"}; writes each
retour into --out DIR. Progress on stderr when it is a terminal, and a summary (outcomes, time) at the
end. Exit 0 when every input was handled (whatever its verdict), 2 on usage or database errors, 130 when
Ctrl-C stopped it (after the file in hand was committed). An empty database is migrated on first use.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError

from gateway.cli.common import (
    INTERRUPTED,
    CommandError,
    Interrupt,
    Progress,
    add_database_option,
    collect_files,
    counts,
    database_error,
    database_url,
    elapsed_since,
    iso_date,
)
from gateway.processing.declarations import TR418_OFF, announce_tr418
from gateway.processing.processed import Processed
from gateway.processing.processor import Processor
from gateway.settings import Settings
from handlers.context import ProductCodesError
from handlers.table import reply_to
from storage.engine import (
    create_engine,
    ensure_migrated,
    register_location,
    session_factory,
)
from storage.unit_of_work import unit_of_work

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ingest", help="process message files (in the order given) into the register",
        description="Process message files as the worker does (levels 1-4, register, retours), one "
                    "transaction per file, in the order given; a directory contributes its *.xml files, "
                    "recursively, in sorted order. One JSON line per file on stdout; progress and a "
                    "summary on stderr. Ctrl-C stops after the file in hand (exit 130).")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="a message file, or a directory of them")
    add_database_option(parser)
    parser.add_argument("--out", type=Path, help="directory to write the retour messages into")
    parser.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help="date for TR135 and deadlines")
    parser.set_defaults(handler=run)


def expand(paths: list[str]) -> list[Path]:
    """Files in the order given; a directory contributes its *.xml files, recursively, sorted."""
    return collect_files(paths)


def retour_name(message: str) -> str:
    """WMO305 → WMO306; a declaration WMO323 is answered with a WMO325 (handlers/table.py)."""
    number = int(message[-3:])
    return f"{message[:-3]}{reply_to(number) or number + 1}"


def report(path: Path, result: Processed, out: Path | None) -> None:
    if out is not None and result.retour is not None and result.message:
        (out / f"{path.stem}.{retour_name(result.message)}.xml").write_bytes(result.retour)
    line = {
        "path": str(path),
        "message": result.message,
        "identificatie": result.identificatie,
        "outcome": result.outcome,
        "codes": list(result.codes),
    }
    print(json.dumps(line, ensure_ascii=False), flush=True)


@dataclass
class Run:
    """What one `istd ingest` did so far: the outcome of each file processed."""

    files: list[Path]
    outcomes: list[str] = field(default_factory=list)


async def ingest(run: Run, url: str, processor: Processor, today: date, out: Path | None,
                 interrupt: Interrupt | None = None) -> None:
    engine = create_engine(url)
    progress = Progress(len(run.files), "ingested", lines_on_stdout=True)
    try:
        await ensure_migrated(engine)
        print(f"istd ingest: register {register_location(url)}", file=sys.stderr)
        sessions = session_factory(engine)
        if not await announce_tr418(sessions):
            print(f"istd ingest: {TR418_OFF}", file=sys.stderr)
        for path in run.files:
            if interrupt is not None and interrupt.requested:
                break
            async with unit_of_work(sessions) as session:
                result = await processor.process(
                    session, path.read_bytes(), received_at=datetime.now(UTC), today=today
                )
            report(path, result, out)
            run.outcomes.append(result.outcome)
            progress.show(len(run.outcomes))
    finally:
        progress.close()
        await engine.dispose()


def run(args: argparse.Namespace) -> int:
    files = expand(args.paths)
    url = database_url(args)
    try:
        if args.out is not None:
            args.out.mkdir(parents=True, exist_ok=True)
        processor = Processor(Settings())  # says itself (a log line) when TR381 is off
    except (OSError, ProductCodesError) as error:
        raise CommandError(str(error)) from None
    today = args.today or datetime.now(AMSTERDAM).date()
    state, started = Run(files), time.monotonic()
    interrupt = Interrupt()
    try:
        with interrupt.armed():
            asyncio.run(ingest(state, url, processor, today, args.out, interrupt))
    except (SQLAlchemyError, OSError) as error:
        raise database_error(error, url) from None
    done = len(state.outcomes)
    summary = f"{done} file{'s' if done != 1 else ''} in {elapsed_since(started)}"
    if state.outcomes:
        summary += f": {counts(state.outcomes)}"
    if interrupt.requested and done < len(files):
        print(f"istd ingest: interrupted: {summary}; {len(files) - done} not processed", file=sys.stderr)
        return INTERRUPTED
    print(f"istd ingest: {summary}", file=sys.stderr)
    return 0

"""`istd ingest PATH...`: process message files through the same pipeline as the worker, one transaction each.

Prints one JSON object per input: {"path", "message", "identificatie", "outcome", "codes"}; writes each
retour into --out DIR. Exit 0 when every input was handled (whatever its verdict), 2 on usage or
database errors. An empty database is migrated on first use.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError

from gateway.cli.db import USAGE_OR_DATABASE_ERROR, database_url
from gateway.processing.declarations import TR418_OFF, announce_tr418
from gateway.processing.processed import Processed
from gateway.processing.processor import Processor
from gateway.settings import Settings
from handlers.context import ProductCodesError
from storage.engine import (
    DatabaseUrlError,
    create_engine,
    ensure_migrated,
    register_location,
    session_factory,
)
from storage.unit_of_work import unit_of_work

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ingest", help="process message files (in the order given) into the register"
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="a message file, or a directory of them")
    parser.add_argument("--database", help="sqlite:///PATH or postgresql://... (default: ISTD_DATABASE__URL)")
    parser.add_argument("--out", type=Path, help="directory to write the retour messages into")
    parser.add_argument("--today", type=date.fromisoformat, help="date for TR135 and deadlines (YYYY-MM-DD)")
    parser.set_defaults(handler=run)


def expand(paths: list[str]) -> list[Path]:
    """Files in the order given; a directory contributes its files sorted by name. Missing: ValueError."""
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise ValueError(f"no such file or directory: {name}")
    return files


def retour_name(message: str) -> str:
    """WMO305 → WMO306; a declaration WMO323 is answered with a WMO325."""
    number = int(message[-3:])
    return f"{message[:-3]}{325 if number == 323 else number + 1}"


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


async def ingest(files: list[Path], url: str, processor: Processor, today: date, out: Path | None) -> None:
    engine = create_engine(url)
    try:
        await ensure_migrated(engine)
        print(f"istd ingest: register {register_location(url)}", file=sys.stderr)
        sessions = session_factory(engine)
        if not await announce_tr418(sessions):
            print(f"istd ingest: {TR418_OFF}", file=sys.stderr)
        for path in files:
            async with unit_of_work(sessions) as session:
                result = await processor.process(
                    session, path.read_bytes(), received_at=datetime.now(UTC), today=today
                )
            report(path, result, out)
    finally:
        await engine.dispose()


def run(args: argparse.Namespace) -> int:
    try:
        files = expand(args.paths)
        if args.out is not None:
            args.out.mkdir(parents=True, exist_ok=True)
        processor = Processor(Settings())
    except (ValueError, OSError, ProductCodesError) as error:
        print(f"istd ingest: {error}", file=sys.stderr)
        return USAGE_OR_DATABASE_ERROR
    if not processor.tr381_active:
        print(
            "istd ingest: TR381 (S329) is off: no product code list configured (ISTD_PRODUCT_CODES_FILE)",
            file=sys.stderr,
        )
    today = args.today or datetime.now(AMSTERDAM).date()
    try:
        asyncio.run(ingest(files, database_url(args), processor, today, args.out))
    except (DatabaseUrlError, SQLAlchemyError, OSError) as error:
        print(f"istd ingest: database error: {type(error).__name__}: {error}", file=sys.stderr)
        return USAGE_OR_DATABASE_ERROR
    return 0

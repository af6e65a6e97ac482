"""`istd contracts load FILE` / `istd contracts list [--json]`: the contract tariffs TR418 checks against.

The CSV columns are documented in storage/contracts.py and docs/operations.md. A file is the whole
list: loading replaces every contract, and a bad row refuses the file (nothing is loaded).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from gateway.cli.common import add_database_option, database_error, database_url
from storage.contracts import (
    COLUMNS,
    Contract,
    ContractFileError,
    list_contracts,
    parse_contracts,
    replace_contracts,
)
from storage.engine import create_engine, ensure_migrated, session_factory
from storage.unit_of_work import unit_of_work

BAD_FILE = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "contracts", help="load or list the contract tariffs (TR418)",
        description="Load the contract tariffs that TR418 checks declared amounts against (a file "
                    "replaces the whole list), or list them.")
    add_database_option(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    load = actions.add_parser(
        "load", help="replace the contract list by the rows of a CSV file",
        description="Replace the contract list by the rows of a CSV file; a bad row refuses the file.")
    load.add_argument("file", type=Path, help=f"CSV with the columns {','.join(COLUMNS)}")
    listing = actions.add_parser("list", help="show the loaded contracts",
                                 description="Show the loaded contracts as a table or JSON.")
    listing.add_argument("--json", action="store_true", help="a JSON array instead of a table")
    for sub in (load, listing):
        add_database_option(sub)
    parser.set_defaults(handler=run)


def as_dict(contract: Contract) -> dict[str, object]:
    return {
        "standard": contract.standard,
        "gemeente": contract.gemeente,
        "aanbieder": contract.aanbieder,
        "categorie": contract.categorie,
        "code": contract.code,
        "begindatum": contract.begindatum.isoformat(),
        "einddatum": contract.einddatum.isoformat() if contract.einddatum else None,
        "tarief": contract.tarief,
        "eenheid": contract.eenheid,
    }


def table(contracts: list[Contract]) -> str:
    rows = [[("-" if v is None else str(v)) for v in as_dict(c).values()] for c in contracts]
    widths = [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(COLUMNS)]
    lines = ["  ".join(name.ljust(w) for name, w in zip(COLUMNS, widths, strict=True))]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


async def _load(url: str, contracts: list[Contract]) -> None:
    engine = create_engine(url)
    try:
        await ensure_migrated(engine)
        async with unit_of_work(session_factory(engine)) as session:
            await replace_contracts(session, contracts, loaded_at=datetime.now(UTC))
    finally:
        await engine.dispose()


async def _list(url: str) -> list[Contract]:
    engine = create_engine(url)
    try:
        await ensure_migrated(engine)
        async with unit_of_work(session_factory(engine)) as session:
            return await list_contracts(session)
    finally:
        await engine.dispose()


def run(args: argparse.Namespace) -> int:
    if args.action == "load":
        try:
            contracts = parse_contracts(args.file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            print(
                f"istd contracts load: cannot read {args.file}: {error}; give a UTF-8 CSV file",
                file=sys.stderr,
            )
            return BAD_FILE
        except ContractFileError as error:
            print(f"istd contracts load: {args.file}: {error}; nothing was loaded", file=sys.stderr)
            return BAD_FILE
    url = database_url(args)
    try:
        if args.action == "load":
            asyncio.run(_load(url, contracts))
            print(f"loaded {len(contracts)} contracts from {args.file} (the previous list is replaced)")
            return 0
        found = asyncio.run(_list(url))
    except (SQLAlchemyError, OSError) as error:
        raise database_error(error, url) from None
    print(json.dumps([as_dict(c) for c in found], indent=2) if args.json else table(found))
    return 0

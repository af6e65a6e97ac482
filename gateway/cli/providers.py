"""`istd providers load FILE | list`: the provider register the web pages take provider names from.

`load` replaces the whole register with the file (see handlers.insight.provider_file for the
columns); a file with any bad line is refused with that line's number and nothing is loaded.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.cli.database import database_url, run_in_unit_of_work
from handlers.insight.provider_file import Provider, ProviderFileError, read_providers
from storage.providers import all_providers, replace_providers

MAX_FILE = 10 * 1024 * 1024  # a national register of providers is a few hundred kilobytes


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("providers", help="load or list the provider names shown on the web pages")
    parser.add_argument("--database", help="register URL (default: ISTD_DATABASE__URL)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    load = actions.add_parser("load", help="replace the provider register with a CSV file (agb_code;naam)")
    load.add_argument("file", type=Path)
    actions.add_parser("list", help="list the loaded providers (AGB code, name)")
    parser.set_defaults(handler=run)


def _read(path: Path) -> list[Provider]:
    try:
        if path.stat().st_size > MAX_FILE:
            raise ProviderFileError(f"larger than {MAX_FILE // (1024 * 1024)} MB: is this the provider file?")
        data = path.read_bytes()
    except OSError as error:
        raise ProviderFileError(f"cannot read it ({error.strerror or error})") from None
    return read_providers(data)


async def _load(session: AsyncSession, providers: list[Provider]) -> str:
    await replace_providers(session, providers, datetime.now(UTC))
    return f"loaded {len(providers)} providers"


async def _list(session: AsyncSession) -> str:
    return "\n".join(["agb_code\tnaam", *(f"{p.agb_code}\t{p.naam}" for p in await all_providers(session))])


def run(args: argparse.Namespace) -> int:
    try:
        if args.action == "load":
            providers = _read(args.file)
            print(run_in_unit_of_work(database_url(args.database), lambda s: _load(s, providers)))
        else:
            print(run_in_unit_of_work(database_url(args.database), _list))
    except ProviderFileError as error:
        print(f"istd providers: {args.file}: {error}; nothing loaded", file=sys.stderr)
        return 1
    except (SQLAlchemyError, OSError, ValueError) as error:
        print(f"istd providers: database error: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    return 0

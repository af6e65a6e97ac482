"""`istd providers load FILE | list`: the provider register the web pages take provider names from.

`load` replaces the whole register with the file (see handlers.insight.provider_file for the
columns); a file with any bad line is refused with that line's number and nothing is loaded.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.cli.common import add_database_option, read_bounded
from gateway.cli.database import load_or_list
from handlers.insight.provider_file import Provider, ProviderFileError, read_providers
from storage.providers import all_providers, replace_providers

MAX_FILE = 10 * 1024 * 1024  # a national register of providers is a few hundred kilobytes


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "providers", help="load or list the provider names shown on the web pages",
        description="The provider register: the names the web pages show beside AGB codes. Names come "
                    "from this file only, never from messages.")
    add_database_option(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    load = actions.add_parser(
        "load", help="replace the provider register with a CSV file (agb_code;naam)",
        description="Replace the whole provider register with FILE: a CSV with a header naming the "
                    "columns agb_code and naam (separator ; or ,; UTF-8). A file with any bad line is "
                    "refused with that line's number and nothing is loaded (exit 1).")
    load.add_argument("file", type=Path)
    listing = actions.add_parser("list", help="list the loaded providers (AGB code, name)",
                                 description="Print the provider register: AGB code and name, tab separated.")
    for action in (load, listing):
        add_database_option(action)
    parser.set_defaults(handler=run)


def _read(path: Path) -> list[Provider]:
    return read_providers(read_bounded(path, MAX_FILE, "the provider file", ProviderFileError))


async def _load(session: AsyncSession, providers: list[Provider]) -> str:
    await replace_providers(session, providers, datetime.now(UTC))
    return f"loaded {len(providers)} providers"


async def _list(session: AsyncSession) -> str:
    return "\n".join(["agb_code\tnaam", *(f"{p.agb_code}\t{p.naam}" for p in await all_providers(session))])


def run(args: argparse.Namespace) -> int:
    return load_or_list(args, _read, _load, _list, ProviderFileError)

"""`istd areas load FILE | list`: the population per PC4 area (and its wijk) of the wijkanalyse.

`load` replaces the whole table with the file (see handlers.insight.area_file for the columns); a
file with any bad line is refused with that line's number and nothing is loaded.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.cli.common import add_database_option, read_bounded
from gateway.cli.database import load_or_list
from handlers.insight.area_file import AreaFileError, AreaPopulation, read_areas
from storage.areas import all_areas, replace_areas

MAX_FILE = 10 * 1024 * 1024  # all 4,000 Dutch PC4 areas with age groups are about 200 kilobytes
COLUMNS = ("pc4;inwoners (required), inwoners_0_17;inwoners_18_64;inwoners_65_plus (all three or none, "
           "adding up to inwoners), wijk (optional)")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "areas", help="load or list the population per postcode area (PC4) for the wijkanalyse",
        description="The population per PC4 area: with it the wijkanalyse shows rates per 1,000 "
                    "residents and, when the file names wijken, groups the areas by wijk.")
    add_database_option(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    load = actions.add_parser(
        "load", help="replace the population table with a CSV file (pc4;inwoners[;...])",
        description=f"Replace the whole population table with FILE: a CSV with a header naming the "
                    f"columns {COLUMNS}. Separator ; or ,; UTF-8 with or without BOM. A file with any "
                    f"bad line is refused with that line's number and nothing is loaded (exit 1).")
    load.add_argument("file", type=Path)
    listing = actions.add_parser(
        "list", help="list the loaded areas (pc4, residents, age groups, wijk)",
        description="Print the population table: pc4, inwoners, the three age groups and wijk, "
                    "tab separated.")
    for action in (load, listing):
        add_database_option(action)
    parser.set_defaults(handler=run)


def _read(path: Path) -> list[AreaPopulation]:
    return read_areas(read_bounded(path, MAX_FILE, "the population file", AreaFileError))


async def _load(session: AsyncSession, areas: list[AreaPopulation]) -> str:
    await replace_areas(session, areas, datetime.now(UTC))
    wijken = len({a.wijk for a in areas if a.wijk})
    return f"loaded {len(areas)} areas" + (f" in {wijken} wijk{'en' if wijken > 1 else ''}" if wijken else "")


async def _list(session: AsyncSession) -> str:
    lines = ["pc4\tinwoners\tinwoners_0_17\tinwoners_18_64\tinwoners_65_plus\twijk"]
    for a in await all_areas(session):
        ages = "\t".join(str(n) for n in a.by_age) if a.by_age else "\t\t"
        lines.append(f"{a.pc4}\t{a.inwoners}\t{ages}\t{a.wijk or ''}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    return load_or_list(args, _read, _load, _list, AreaFileError)

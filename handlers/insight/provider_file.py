"""The provider register file: a CSV of AGB code and name, read whole or refused with the line at fault.

Columns (a header row first, names case-insensitive): `agb_code` (also `agb`, `agbcode`) and `naam`
(also `name`), in either order; other columns are ignored. Separator `;` (Dutch Excel) or `,`,
whichever the header uses; UTF-8, with or without a byte-order mark. An AGB code is 8 digits and
appears once; a name is 1 to 200 characters. A file with any bad row is refused as a whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.insight.user_csv import csv_rows

NAME_MAX = 200
AGB = re.compile(r"\d{8}")
CODE_HEADERS = ("agb_code", "agb", "agbcode", "agb-code")
NAME_HEADERS = ("naam", "name")


class ProviderFileError(ValueError):
    """The file cannot be loaded: the message names the line and what is wrong with it."""


@dataclass(frozen=True, slots=True)
class Provider:
    agb_code: str
    naam: str


def _columns(header: list[str]) -> tuple[int, int]:
    names = [h.strip().lower() for h in header]
    code = next((names.index(h) for h in CODE_HEADERS if h in names), None)
    name = next((names.index(h) for h in NAME_HEADERS if h in names), None)
    if code is None or name is None:
        raise ProviderFileError("line 1: the header must name the columns agb_code and naam")
    return code, name



def read_providers(data: bytes) -> list[Provider]:
    """Every provider of the file, in file order; a ProviderFileError at the first bad line."""
    header, rows = csv_rows(data, ProviderFileError)
    code_at, name_at = _columns(header)
    providers: dict[str, Provider] = {}
    for row in rows:
        line = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(code_at, name_at):
            raise ProviderFileError(f"line {line}: expected an AGB code and a name")
        code, name = row[code_at].strip(), " ".join(row[name_at].split())
        if not AGB.fullmatch(code):
            raise ProviderFileError(f"line {line}: AGB code {code[:20]!r} is not 8 digits")
        if not name or len(name) > NAME_MAX:
            raise ProviderFileError(f"line {line}: the name must be 1 to {NAME_MAX} characters")
        if code in providers:
            raise ProviderFileError(f"line {line}: AGB code {code} appears twice")
        providers[code] = Provider(code, name)
    if not providers:
        raise ProviderFileError("the file holds no providers (a header only)")
    return list(providers.values())

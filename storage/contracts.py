"""Contract tariffs (TR418): read from CSV, checked row by row, and loaded all at once or not at all.

CSV columns (a header row, comma separated, UTF-8):

    standard     iwmo | ijw
    gemeente     CBS code, 4 digits
    aanbieder    AGB code, 8 digits
    categorie    ProductCategorie, 2 digits
    code         ProductCode, 5 characters
    begindatum   first day the tariff applies, YYYY-MM-DD
    einddatum    last day (empty: open-ended), YYYY-MM-DD
    tarief       euro cents per unit, a whole number
    eenheid      WJ756 unit code: 01 minuut, 04 uur, 14 etmaal, 16 dagdeel, 82/84 stuks, 83 euro's

A file is the whole contract list: loading it replaces every contract loaded before, in one transaction.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ContractRow

COLUMNS = (
    "standard",
    "gemeente",
    "aanbieder",
    "categorie",
    "code",
    "begindatum",
    "einddatum",
    "tarief",
    "eenheid",
)
UNITS = frozenset({"01", "04", "14", "16", "82", "83", "84"})
_PATTERNS = {
    "gemeente": r"[0-9]{4}",
    "aanbieder": r"[0-9]{8}",
    "categorie": r"[0-9]{2}",
    "code": r"[0-9A-Za-z]{5}",
    "tarief": r"[0-9]{1,12}",
}


class ContractFileError(ValueError):
    """A contract file that cannot be loaded; the message names the line and the field."""


@dataclass(frozen=True, slots=True)
class Contract:
    standard: str
    gemeente: str
    aanbieder: str
    categorie: str
    code: str
    begindatum: date
    einddatum: date | None
    tarief: int
    eenheid: str


def _date(value: str, line: int, column: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ContractFileError(f"line {line}: {column} {value!r} is not a date YYYY-MM-DD") from None


def _row(values: dict[str, str], line: int) -> Contract:
    cells = {column: (values.get(column) or "").strip() for column in COLUMNS}
    if cells["standard"] not in ("iwmo", "ijw"):
        raise ContractFileError(f"line {line}: standard must be iwmo or ijw, not {cells['standard']!r}")
    for column, pattern in _PATTERNS.items():
        if not re.fullmatch(pattern, cells[column]):
            raise ContractFileError(f"line {line}: {column} {cells[column]!r} does not match {pattern}")
    if cells["eenheid"] not in UNITS:
        raise ContractFileError(
            f"line {line}: eenheid {cells['eenheid']!r} is not a WJ756 code ({', '.join(sorted(UNITS))})"
        )
    begin = _date(cells["begindatum"], line, "begindatum")
    end = _date(cells["einddatum"], line, "einddatum") if cells["einddatum"] else None
    if end is not None and end < begin:
        raise ContractFileError(f"line {line}: einddatum {end} is before begindatum {begin}")
    return Contract(
        cells["standard"],
        cells["gemeente"],
        cells["aanbieder"],
        cells["categorie"],
        cells["code"],
        begin,
        end,
        int(cells["tarief"]),
        cells["eenheid"],
    )


def parse_contracts(text: str) -> list[Contract]:
    """Every row of a contract CSV; ContractFileError at the first bad row (with its line number)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or ())]
    if missing:
        raise ContractFileError(
            f"line 1: the header lacks the column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}"
        )
    contracts = [_row(values, reader.line_num) for values in reader]
    seen: dict[tuple[object, ...], int] = {}
    for number, contract in enumerate(contracts, start=2):
        key = (
            contract.standard,
            contract.gemeente,
            contract.aanbieder,
            contract.categorie,
            contract.code,
            contract.begindatum,
        )
        if key in seen:
            raise ContractFileError(
                f"line {number}: the same contract (product and begindatum) as line {seen[key]}"
            )
        seen[key] = number
    return contracts


async def replace_contracts(session: AsyncSession, contracts: list[Contract], *, loaded_at: datetime) -> None:
    """The contract list becomes exactly `contracts` (in the caller's transaction)."""
    await session.execute(delete(ContractRow))
    session.add_all(
        [
            ContractRow(
                standard=c.standard,
                gemeente=c.gemeente,
                aanbieder=c.aanbieder,
                product_categorie=c.categorie,
                product_code=c.code,
                begindatum=c.begindatum,
                einddatum=c.einddatum,
                tarief=c.tarief,
                eenheid=c.eenheid,
                loaded_at=loaded_at,
            )
            for c in contracts
        ]
    )
    await session.flush()


async def list_contracts(session: AsyncSession) -> list[Contract]:
    rows = await session.scalars(
        select(ContractRow).order_by(
            ContractRow.standard,
            ContractRow.gemeente,
            ContractRow.aanbieder,
            ContractRow.product_categorie,
            ContractRow.product_code,
            ContractRow.begindatum,
        )
    )
    return [
        Contract(
            r.standard,
            r.gemeente,
            r.aanbieder,
            r.product_categorie,
            r.product_code,
            r.begindatum,
            r.einddatum,
            r.tarief,
            r.eenheid,
        )
        for r in rows
    ]


async def contract_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(ContractRow)) or 0)

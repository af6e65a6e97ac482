"""An in-memory declaration register (handlers.claims.ClaimState) and typed 323s for the pure judge tests."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from gateway import codec
from handlers.claims import AWARDED, ClaimLineView, ContractView
from handlers.context import Context
from handlers.messages import DeclaratieBericht
from handlers.outcome import AllocationKey
from handlers.state import AllocationView
from tests.declarations.declaratie_messages import BSN, PRODUCT, Line, declaratie

GEMEENTE, AANBIEDER = "0363", "87654321"
DAG = date(2024, 5, 3)
TODAY = date(2024, 5, 6)


def allocation(standard: str, **changes: object) -> AllocationView:
    """Allocation 1001: 2024, the standard's product, 10 hours per week."""
    nr = 1001
    categorie, code = PRODUCT[standard]
    values: dict[str, object] = {
        "key": AllocationKey(standard, GEMEENTE, nr),
        "bsn": BSN,
        "aanbieder": AANBIEDER,
        "ingangsdatum": date(2024, 1, 1),
        "einddatum": date(2024, 12, 31),
        "product_categorie": categorie,
        "product_code": code,
        "volume": 10,
        "eenheid": "04",
        "frequentie": "2",
        "version_id": nr,
    }
    values.update(changes)
    return AllocationView(**values)  # type: ignore[arg-type]


def earlier_line(standard: str, ref: str, status: str = AWARDED, **changes: object) -> ClaimLineView:
    categorie, code = PRODUCT[standard]
    values: dict[str, object] = {
        "referentienummer": ref,
        "bsn": BSN,
        "toewijzingnummer": 1001,
        "categorie": categorie,
        "code": code,
        "begindatum": date(2024, 3, 1),
        "einddatum": date(2024, 3, 31),
        "volume": 10,
        "eenheid": "04",
        "bedrag": 50000,
        "debet_credit": "D",
        "status": status,
    }
    values.update(changes)
    return ClaimLineView(**values)  # type: ignore[arg-type]


@dataclass
class MemoryClaims:
    """What the register knows, in memory: allocations, recorded lines, declarations, contracts."""

    allocations: list[AllocationView] = field(default_factory=list)
    lines: list[ClaimLineView] = field(default_factory=list)
    numbers: set[tuple[str, str, str]] = field(default_factory=set)
    periods: dict[tuple[str, str, str], date] = field(default_factory=dict)
    contracts: dict[tuple[str, str], ContractView] = field(default_factory=dict)
    identificaties: set[tuple[str, str, str]] = field(default_factory=set)

    async def identificatie_used(
        self, standard: str, message_name: str, sender: str, identificatie: str
    ) -> bool:
        return (message_name, sender, identificatie) in self.identificaties

    async def allocations_by_number(self, standard: str, gemeente: str,
                                    toewijzingnummers: Collection[int]) -> dict[int, AllocationView]:
        return {a.key.toewijzingnummer: a for a in self.allocations
                if (a.key.standard, a.key.gemeente) == (standard, gemeente)
                and a.key.toewijzingnummer in toewijzingnummers}

    async def declaration_number_used(self, standard: str, aanbieder: str, declaratienummer: str) -> bool:
        return (standard, aanbieder, declaratienummer) in self.numbers

    async def claim_lines(
        self, standard: str, aanbieder: str, referenties: Collection[str]
    ) -> dict[str, ClaimLineView]:
        return {line.referentienummer: line for line in self.lines if line.referentienummer in referenties}

    async def awarded_debits(
        self, standard: str, gemeente: str, toewijzingnummers: Collection[int]
    ) -> list[ClaimLineView]:
        return [
            line
            for line in self.lines
            if line.toewijzingnummer in toewijzingnummers
            and line.status == AWARDED
            and line.debet_credit == "D"
        ]

    async def last_declaration_period(self, standard: str, gemeente: str, aanbieder: str) -> date | None:
        return self.periods.get((standard, gemeente, aanbieder))

    async def contract(
        self, standard: str, gemeente: str, aanbieder: str, categorie: str, code: str, on: date
    ) -> ContractView | None:
        return self.contracts.get((categorie, code))


def typed(raw: bytes) -> DeclaratieBericht:
    msg = codec.decode(codec.parse(raw, max_bytes=10_000_000))
    assert isinstance(msg, DeclaratieBericht)
    return msg


def one(
    standard: str,
    *lines: Line,
    ident: str = "D1",
    nummer: str = "N1",
    dag: date = DAG,
    periode: tuple[date, date] = (date(2024, 4, 1), date(2024, 4, 30)),
) -> DeclaratieBericht:
    return typed(declaratie(standard, ident, dag, nummer, (BSN, lines), periode=periode))


def context() -> Context:
    return Context(TODAY)

"""The declaration register: `Claims` reads it for the 323 judge (handlers.claims.ClaimState), and
`record_declaration` writes a judged 323 (add + flush, never commit).

Declarations rejected as a whole (`assessed` False) do not count for TR333, TR318 or TR314.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date
from typing import TypeVar

from sqlalchemy import Select, exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.claims import AWARDED, CREDITED, NOT_ASSESSED, ClaimLineView, ContractView, RecordDeclaration
from handlers.state import AllocationView
from storage.models import AllocationRow, ClaimLineRow, ClientRow, ContractRow, DeclarationRow, new_public_id
from storage.repositories import Register, _current, allocation_view

DEBET, CREDIT = "D", "C"
CHUNK = 500  # keys per IN (...) query
T = TypeVar("T")


def _lines() -> Select[ClaimLineRow, str]:
    return (
        select(ClaimLineRow, ClientRow.bsn)
        .join(ClientRow, ClientRow.id == ClaimLineRow.client_id)
        .join(DeclarationRow, DeclarationRow.id == ClaimLineRow.declaration_id)
        .where(DeclarationRow.assessed.is_(True))
    )


def _view(row: ClaimLineRow, bsn: str) -> ClaimLineView:
    return ClaimLineView(
        row.referentienummer,
        bsn,
        row.toewijzingnummer,
        row.product_categorie,
        row.product_code,
        row.begindatum,
        row.einddatum,
        row.volume,
        row.eenheid,
        row.bedrag,
        row.debet_credit,
        row.status,
        row.vorig_referentienummer,
    )


class Claims(Register):
    """The register with the declaration reads (handlers.claims.ClaimState); one per transaction."""

    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)

    async def allocations_by_number(
        self, standard: str, gemeente: str, toewijzingnummers: Collection[int]
    ) -> dict[int, AllocationView]:
        found: dict[int, AllocationView] = {}
        for part in _chunks(sorted(toewijzingnummers)):
            query = _current().where(
                AllocationRow.standard == standard,
                AllocationRow.gemeente == gemeente,
                AllocationRow.toewijzingnummer.in_(part),
            )
            for row in (await self.session.execute(query)).all():
                view = allocation_view(*row)
                found[view.key.toewijzingnummer] = view
        return found

    async def declaration_number_used(self, standard: str, aanbieder: str, declaratienummer: str) -> bool:
        query = select(
            exists().where(
                DeclarationRow.standard == standard,
                DeclarationRow.aanbieder == aanbieder,
                DeclarationRow.declaratienummer == declaratienummer,
                DeclarationRow.assessed.is_(True),
            )
        )
        return bool(await self.session.scalar(query))

    async def claim_lines(
        self, standard: str, aanbieder: str, referenties: Collection[str]
    ) -> dict[str, ClaimLineView]:
        found: dict[str, ClaimLineView] = {}
        for part in _chunks(sorted(referenties)):
            query = _lines().where(
                ClaimLineRow.standard == standard,
                ClaimLineRow.aanbieder == aanbieder,
                ClaimLineRow.referentienummer.in_(part),
            )
            found.update(
                (row.referentienummer, _view(row, bsn)) for row, bsn in await self.session.execute(query)
            )
        return found

    async def awarded_debits(
        self, standard: str, gemeente: str, toewijzingnummers: Collection[int]
    ) -> list[ClaimLineView]:
        found: list[ClaimLineView] = []
        for part in _chunks(sorted(toewijzingnummers)):
            query = _lines().where(
                ClaimLineRow.standard == standard,
                ClaimLineRow.gemeente == gemeente,
                ClaimLineRow.toewijzingnummer.in_(part),
                ClaimLineRow.status == AWARDED,
                ClaimLineRow.debet_credit == DEBET,
            )
            found += [
                _view(row, bsn) for row, bsn in await self.session.execute(query.order_by(ClaimLineRow.id))
            ]
        return found

    async def last_declaration_period(self, standard: str, gemeente: str, aanbieder: str) -> date | None:
        query = select(func.max(DeclarationRow.begindatum)).where(
            DeclarationRow.standard == standard,
            DeclarationRow.gemeente == gemeente,
            DeclarationRow.aanbieder == aanbieder,
            DeclarationRow.assessed.is_(True),
        )
        found: date | None = await self.session.scalar(query)
        return found

    async def contract(
        self, standard: str, gemeente: str, aanbieder: str, categorie: str, code: str, on: date
    ) -> ContractView | None:
        query = (
            select(ContractRow)
            .where(
                ContractRow.standard == standard,
                ContractRow.gemeente == gemeente,
                ContractRow.aanbieder == aanbieder,
                ContractRow.product_categorie == categorie,
                ContractRow.product_code == code,
                ContractRow.begindatum <= on,
                (ContractRow.einddatum.is_(None)) | (ContractRow.einddatum >= on),
            )
            .order_by(ContractRow.begindatum.desc())
            .limit(1)
        )
        row = await self.session.scalar(query)
        return ContractView(row.tarief, row.eenheid) if row else None


async def _known_clients(session: AsyncSession, bsns: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for part in _chunks(bsns):
        query = select(ClientRow.bsn, ClientRow.id).where(ClientRow.bsn.in_(part))
        ids.update((bsn, row_id) for bsn, row_id in (await session.execute(query)).all())
    return ids


async def _client_ids(session: AsyncSession, bsns: Collection[str]) -> dict[str, int]:
    """Row ids of these clients, creating bare clients (BSN only) for the unknown ones in one insert."""
    wanted = sorted(set(bsns))
    ids: dict[str, int] = {}
    ids.update(await _known_clients(session, wanted))
    missing = [bsn for bsn in wanted if bsn not in ids]
    if missing:
        await session.execute(
            insert(ClientRow), [{"bsn": bsn, "public_id": new_public_id()} for bsn in missing]
        )
        ids.update(await _known_clients(session, missing))
    return ids


async def record_declaration(session: AsyncSession, command: RecordDeclaration, *, message_id: int) -> int:
    """Store a judged 323 and its lines (one executemany); an awarded credit marks its debit credited."""
    assessed = any(line.status != NOT_ASSESSED for line in command.lines)
    declaration = DeclarationRow(
        message_id=message_id, standard=command.standard, gemeente=command.gemeente,
        aanbieder=command.aanbieder, declaratienummer=command.declaratienummer, begindatum=command.begindatum,
        einddatum=command.einddatum, ingediend=command.ingediend, toegekend=command.toegekend,
        status=command.status, assessed=assessed, codes=list(command.codes),
    )  # fmt: skip
    session.add(declaration)
    await session.flush()
    clients = await _client_ids(session, [line.bsn for line in command.lines])
    scope = {"declaration_id": declaration.id, "standard": command.standard, "gemeente": command.gemeente,
             "aanbieder": command.aanbieder}  # fmt: skip
    rows = [
        {**scope, "client_id": clients[line.bsn], "referentienummer": line.referentienummer,
         "vorig_referentienummer": line.vorig_referentienummer, "toewijzingnummer": line.toewijzingnummer,
         "allocation_version_id": line.allocation_version_id, "product_categorie": line.categorie,
         "product_code": line.code, "begindatum": line.begindatum, "einddatum": line.einddatum,
         "volume": line.volume, "eenheid": line.eenheid, "tarief": line.tarief, "bedrag": line.bedrag,
         "debet_credit": line.debet_credit, "status": line.status, "codes": list(line.codes)}
        for line in command.lines
    ]  # fmt: skip
    if rows:
        await session.execute(insert(ClaimLineRow), rows)
    credits = [line for line in command.lines if line.status == AWARDED and line.debet_credit == CREDIT]
    for credit in credits:
        own = select(ClaimLineRow.id).where(
            ClaimLineRow.declaration_id == declaration.id,
            ClaimLineRow.referentienummer == credit.referentienummer,
        )
        await session.execute(
            update(ClaimLineRow)
            .where(ClaimLineRow.standard == command.standard, ClaimLineRow.aanbieder == command.aanbieder,
                   ClaimLineRow.referentienummer == credit.vorig_referentienummer,
                   ClaimLineRow.status == AWARDED, ClaimLineRow.debet_credit == DEBET)
            .values(status=CREDITED, credited_by_id=own.scalar_subquery())
        )  # fmt: skip
    return declaration.id


def _chunks(values: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]

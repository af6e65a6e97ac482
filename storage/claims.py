"""The declaration register: `Claims` reads it for the 323 judge (handlers.claims.ClaimState), and
`record_declaration` writes a judged 323 (add + flush, never commit).

Declarations rejected as a whole (`assessed` False) do not count for TR333, TR318 or TR314.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import Select, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.claims import AWARDED, CREDITED, ClaimLineView, ContractView, RecordDeclaration
from storage.commands import client_id
from storage.models import ClaimLineRow, ClientRow, ContractRow, DeclarationRow
from storage.repositories import Register

DEBET, CREDIT = "D", "C"


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
        if not referenties:
            return {}
        query = _lines().where(
            ClaimLineRow.standard == standard,
            ClaimLineRow.aanbieder == aanbieder,
            ClaimLineRow.referentienummer.in_(sorted(referenties)),
        )
        return {
            row.referentienummer: _view(row, bsn) for row, bsn in (await self.session.execute(query)).all()
        }

    async def awarded_debits(
        self, standard: str, gemeente: str, toewijzingnummers: Collection[int]
    ) -> list[ClaimLineView]:
        if not toewijzingnummers:
            return []
        query = _lines().where(
            ClaimLineRow.standard == standard,
            ClaimLineRow.gemeente == gemeente,
            ClaimLineRow.toewijzingnummer.in_(sorted(toewijzingnummers)),
            ClaimLineRow.status == AWARDED,
            ClaimLineRow.debet_credit == DEBET,
        )
        return [
            _view(row, bsn)
            for row, bsn in (await self.session.execute(query.order_by(ClaimLineRow.id))).all()
        ]

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


async def record_declaration(session: AsyncSession, command: RecordDeclaration, *, message_id: int) -> int:
    """Store a judged 323 and its lines; an awarded credit marks its debit credited. Returns the row id."""
    assessed = any(line.status != "not_assessed" for line in command.lines)
    declaration = DeclarationRow(
        message_id=message_id,
        standard=command.standard,
        gemeente=command.gemeente,
        aanbieder=command.aanbieder,
        declaratienummer=command.declaratienummer,
        begindatum=command.begindatum,
        einddatum=command.einddatum,
        ingediend=command.ingediend,
        toegekend=command.toegekend,
        status=command.status,
        assessed=assessed,
        codes=list(command.codes),
    )
    session.add(declaration)
    await session.flush()
    clients: dict[str, int] = {}
    rows: list[ClaimLineRow] = []
    for line in command.lines:
        if line.bsn not in clients:
            clients[line.bsn] = await client_id(session, line.bsn)
        rows.append(
            ClaimLineRow(
                declaration_id=declaration.id,
                client_id=clients[line.bsn],
                standard=command.standard,
                gemeente=command.gemeente,
                aanbieder=command.aanbieder,
                referentienummer=line.referentienummer,
                vorig_referentienummer=line.vorig_referentienummer,
                toewijzingnummer=line.toewijzingnummer,
                allocation_version_id=line.allocation_version_id,
                product_categorie=line.categorie,
                product_code=line.code,
                begindatum=line.begindatum,
                einddatum=line.einddatum,
                volume=line.volume,
                eenheid=line.eenheid,
                tarief=line.tarief,
                bedrag=line.bedrag,
                debet_credit=line.debet_credit,
                status=line.status,
                codes=list(line.codes),
            )
        )
    session.add_all(rows)
    await session.flush()
    for row in rows:
        if row.status == AWARDED and row.debet_credit == CREDIT:
            await session.execute(
                update(ClaimLineRow)
                .where(
                    ClaimLineRow.standard == command.standard,
                    ClaimLineRow.aanbieder == command.aanbieder,
                    ClaimLineRow.referentienummer == row.vorig_referentienummer,
                    ClaimLineRow.status == AWARDED,
                    ClaimLineRow.debet_credit == DEBET,
                )
                .values(status=CREDITED, credited_by_id=row.id)
            )
    return declaration.id

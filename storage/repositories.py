"""The register as the handlers read it: `Register` implements handlers.state.State on one session.

Only counting state is returned: versions not voided by a rejecting 302, answers not voided by a
rejecting 320, deliveries not removed by StatusAanlevering 3. Reads only; writes live in
storage.commands, and nothing here commits.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from sqlalchemy import Select, and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.outcome import AllocationKey, DeliveryKey, DeliveryScope
from handlers.state import AllocationView, AnswerView, HeenView, RequestView
from storage.models import (
    AllocationRow,
    AllocationVersionRow,
    AnswerRow,
    ClaimLineRow,
    ClientRow,
    DeliveryRow,
    MessageRow,
    RequestRow,
    RetourRow,
)

OPEN_STATES = ("pending", "under_investigation")
PAIRABLE = ("recorded", "accepted", "rejected")  # heen messages a retour can belong to


def _current() -> Select[AllocationRow, AllocationVersionRow, str]:
    return (
        select(AllocationRow, AllocationVersionRow, ClientRow.bsn)
        .join(AllocationVersionRow, AllocationVersionRow.allocation_id == AllocationRow.id)
        .join(ClientRow, ClientRow.id == AllocationVersionRow.client_id)
        .where(AllocationVersionRow.is_current.is_(True))
    )


class _Allocation(Protocol):
    """A stored allocation row or a batch snapshot's (storage.batch.rows.AllocRec)."""

    @property
    def standard(self) -> str: ...
    @property
    def gemeente(self) -> str: ...
    @property
    def toewijzingnummer(self) -> int: ...


class _Version(Protocol):
    """A stored allocation version row or a batch snapshot's (storage.batch.rows.VersionRec)."""

    @property
    def aanbieder(self) -> str: ...
    @property
    def ingangsdatum(self) -> date: ...
    @property
    def product_categorie(self) -> str | None: ...
    @property
    def product_code(self) -> str | None: ...
    @property
    def einddatum(self) -> date | None: ...
    @property
    def reden_wijziging(self) -> str | None: ...
    @property
    def volume(self) -> int | None: ...
    @property
    def eenheid(self) -> str | None: ...
    @property
    def frequentie(self) -> str | None: ...
    @property
    def budget(self) -> int | None: ...


class _Delivery(Protocol):
    """A stored delivery row or a batch snapshot's (storage.batch.rows.DeliveryRec)."""

    @property
    def kind(self) -> str: ...
    @property
    def toewijzingnummer(self) -> int | None: ...
    @property
    def product_categorie(self) -> str | None: ...
    @property
    def product_code(self) -> str | None: ...
    @property
    def begindatum(self) -> date: ...
    @property
    def reden_beeindiging(self) -> str | None: ...
    @property
    def einddatum(self) -> date | None: ...


def allocation_view(allocation: _Allocation, version: _Version, bsn: str) -> AllocationView:
    """The rules' view of a current version, stored or in a batch snapshot: both paths must agree."""
    return AllocationView(
        key=AllocationKey(allocation.standard, allocation.gemeente, allocation.toewijzingnummer),
        bsn=bsn,
        aanbieder=version.aanbieder,
        ingangsdatum=version.ingangsdatum,
        product_categorie=version.product_categorie,
        product_code=version.product_code,
        einddatum=version.einddatum,
        reden_wijziging=version.reden_wijziging,
        volume=version.volume,
        eenheid=version.eenheid,
        frequentie=version.frequentie,
        budget=version.budget,
        version_id=getattr(version, "id", None),
    )


async def has_awarded_claims(session: AsyncSession, key: AllocationKey) -> bool:
    """TR385: an awarded (not credited) debit line on this allocation; a 323 never runs in a batch, so
    the batch snapshot asks the database too."""
    query = select(
        exists().where(
            ClaimLineRow.standard == key.standard,
            ClaimLineRow.gemeente == key.gemeente,
            ClaimLineRow.toewijzingnummer == key.toewijzingnummer,
            ClaimLineRow.status == "awarded",
            ClaimLineRow.debet_credit == "D",
        )
    )
    return bool(await session.scalar(query))


def delivery_key(row: _Delivery) -> DeliveryKey:
    """The logical key of a delivery, stored or in a batch snapshot: both paths must agree."""
    return DeliveryKey(
        row.kind,
        row.toewijzingnummer,
        row.product_categorie,
        row.product_code,
        row.begindatum,
        row.reden_beeindiging,
        row.einddatum,
    )


class Register:
    """Reads of the register for the rules (handlers.state.State); one instance per transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def identificatie_used(
        self, standard: str, message_name: str, sender: str, identificatie: str
    ) -> bool:
        query = select(
            exists().where(
                MessageRow.standard == standard,
                MessageRow.message_name == message_name,
                MessageRow.sender == sender,
                MessageRow.identificatie == identificatie,
                MessageRow.status != "invalid",
                # a 301/319 refused in pre-flight was never sent: its Identificatie is still free
                ~and_(MessageRow.direction == "out", MessageRow.status == "rejected"),
            )
        )
        return bool(await self.session.scalar(query))

    async def allocation(self, key: AllocationKey) -> AllocationView | None:
        query = _current().where(
            AllocationRow.standard == key.standard,
            AllocationRow.gemeente == key.gemeente,
            AllocationRow.toewijzingnummer == key.toewijzingnummer,
        )
        row = (await self.session.execute(query)).first()
        return allocation_view(*row) if row else None

    async def allocations_of(self, scope: DeliveryScope) -> list[AllocationView]:
        query = (
            _current()
            .where(
                AllocationRow.standard == scope.standard,
                AllocationRow.gemeente == scope.gemeente,
                AllocationVersionRow.aanbieder == scope.aanbieder,
                ClientRow.bsn == scope.bsn,
            )
            .order_by(AllocationRow.toewijzingnummer)
        )
        return [allocation_view(*row) for row in (await self.session.execute(query)).all()]

    async def deliveries(self, scope: DeliveryScope) -> list[DeliveryKey]:
        query = (
            select(DeliveryRow)
            .join(ClientRow, ClientRow.id == DeliveryRow.client_id)
            .where(
                DeliveryRow.standard == scope.standard,
                DeliveryRow.gemeente == scope.gemeente,
                DeliveryRow.aanbieder == scope.aanbieder,
                ClientRow.bsn == scope.bsn,
                DeliveryRow.removed_by_message_id.is_(None),
            )
            .order_by(DeliveryRow.id)
        )
        return [delivery_key(row) for row in (await self.session.scalars(query)).all()]

    async def _requests(self, query: Select[RequestRow, str]) -> list[RequestView]:
        rows = (await self.session.execute(query.order_by(RequestRow.id))).all()
        return [
            RequestView(r.kind, r.referentie_aanbieder, bsn, r.gemeente, r.aanbieder, r.state)
            for r, bsn in rows
        ]

    def _request_query(self) -> Select[RequestRow, str]:
        return select(RequestRow, ClientRow.bsn).join(ClientRow, ClientRow.id == RequestRow.client_id)

    async def requests_with_reference(
        self, standard: str, aanbieder: str, referentie: str
    ) -> list[RequestView]:
        return await self._requests(
            self._request_query().where(
                RequestRow.standard == standard,
                RequestRow.aanbieder == aanbieder,
                RequestRow.referentie_aanbieder == referentie,
            )
        )

    async def open_requests(self, scope: DeliveryScope) -> list[RequestView]:
        return await self._requests(
            self._request_query().where(
                RequestRow.standard == scope.standard,
                RequestRow.gemeente == scope.gemeente,
                RequestRow.aanbieder == scope.aanbieder,
                ClientRow.bsn == scope.bsn,
                RequestRow.state.in_(OPEN_STATES),
            )
        )

    async def answers(self, standard: str, aanbieder: str, referentie: str) -> list[AnswerView]:
        query = (
            select(AnswerRow)
            .where(
                AnswerRow.standard == standard,
                AnswerRow.aanbieder == aanbieder,
                AnswerRow.referentie_aanbieder == referentie,
                AnswerRow.voided.is_(False),
            )
            .order_by(AnswerRow.id)
        )
        rows = (await self.session.scalars(query)).all()
        return [AnswerView(row.referentie_aanbieder, row.verzoek_antwoord) for row in rows]

    async def reference_honoured(self, standard: str, aanbieder: str, referentie: str) -> bool:
        query = select(
            exists().where(
                AllocationVersionRow.allocation_id == AllocationRow.id,
                AllocationRow.standard == standard,
                AllocationVersionRow.aanbieder == aanbieder,
                AllocationVersionRow.referentie_aanbieder == referentie,
                AllocationVersionRow.voided.is_(False),
            )
        )
        return bool(await self.session.scalar(query))

    async def has_awarded_claims(self, key: AllocationKey) -> bool:
        return await has_awarded_claims(self.session, key)

    async def heen_message(
        self, standard: str, number: int, afzender: str, ontvanger: str, identificatie: str
    ) -> HeenView | None:
        query = (
            select(MessageRow.id)
            .where(
                MessageRow.standard == standard,
                MessageRow.message_number == number,
                MessageRow.sender == afzender,
                MessageRow.receiver == ontvanger,
                MessageRow.identificatie == identificatie,
                MessageRow.status.in_(PAIRABLE),
                ~and_(MessageRow.direction == "out", MessageRow.status == "rejected"),  # refused: never sent
            )
            .order_by(MessageRow.id.desc())
        )
        message_id = (await self.session.scalars(query)).first()
        if message_id is None:
            return None
        paired = await self.session.scalar(
            select(exists().where(RetourRow.heen_message_id == message_id, RetourRow.direction == "received"))
        )
        return HeenView(message_id, bool(paired))

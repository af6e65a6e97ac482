"""Applying the handlers' commands to the register: add + flush, never commit (the caller does).

`apply(session, commands, message_id=...)` runs the commands in order; `message_id` is the stored row of
the message that produced them. A rejected retour voids what its heen message did (IV032).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.outcome import (
    AddDelivery,
    Command,
    DeliveryKey,
    DeliveryScope,
    PairRetour,
    RecordAllocationVersion,
    RecordAnswer,
    RecordRequest,
    RemoveDelivery,
    UpsertClient,
)
from storage.client_areas import ClientArea, upsert_areas
from storage.models import (
    AllocationRow,
    AllocationVersionRow,
    AnswerRow,
    ClientRow,
    DeliveryRow,
    MessageRow,
    RequestRow,
    RetourRow,
)

DELETED = "13"


async def client_id(session: AsyncSession, bsn: str) -> int:
    """The client's row id, creating a bare client (BSN only) when unknown."""
    found = await session.scalar(select(ClientRow.id).where(ClientRow.bsn == bsn))
    if found is not None:
        return found
    row = ClientRow(bsn=bsn)
    session.add(row)
    await session.flush()
    return row.id


async def upsert_client(session: AsyncSession, command: UpsertClient, message_id: int) -> None:
    row = await session.scalar(select(ClientRow).where(ClientRow.bsn == command.bsn))
    if row is None:
        row = ClientRow(bsn=command.bsn)
        session.add(row)
    elif not command.full:
        return  # only a 301 overwrites what we know about a client
    for item in fields(command):
        if item.name not in ("bsn", "full"):
            setattr(row, item.name, getattr(command, item.name))
    row.updated_by_message_id = message_id
    await session.flush()


async def _allocation(session: AsyncSession, command: RecordAllocationVersion) -> AllocationRow:
    key = command.key
    row = await session.scalar(
        select(AllocationRow).where(
            AllocationRow.standard == key.standard,
            AllocationRow.gemeente == key.gemeente,
            AllocationRow.toewijzingnummer == key.toewijzingnummer,
        )
    )
    if row is None:
        row = AllocationRow(
            standard=key.standard, gemeente=key.gemeente, toewijzingnummer=key.toewijzingnummer
        )
        session.add(row)
        await session.flush()
    return row


async def elect_current(session: AsyncSession, allocation_id: int) -> None:
    """The current version is the counting one with the latest Toewijzingsdatum + -tijd (IV013)."""
    versions = (
        await session.scalars(
            select(AllocationVersionRow)
            .where(AllocationVersionRow.allocation_id == allocation_id)
            .order_by(
                AllocationVersionRow.toewijzingsdatum.desc(),
                AllocationVersionRow.toewijzingstijd.desc(),
                AllocationVersionRow.id.desc(),
            )
        )
    ).all()
    counting = [version for version in versions if not version.voided]
    for version in versions:
        version.is_current = bool(counting) and version is counting[0]
    await session.flush()


async def record_version(session: AsyncSession, command: RecordAllocationVersion, message_id: int) -> None:
    allocation = await _allocation(session, command)
    values = {
        item.name: getattr(command, item.name) for item in fields(command) if item.name not in ("key", "bsn")
    }
    deleted = command.reden_wijziging == DELETED and command.einddatum == command.ingangsdatum
    session.add(
        AllocationVersionRow(
            allocation_id=allocation.id,
            message_id=message_id,
            deleted=deleted,
            client_id=await client_id(session, command.bsn),
            **values,
        )
    )
    await session.flush()
    await elect_current(session, allocation.id)
    await _place_client(session, command, message_id)
    if command.referentie_aanbieder:
        await settle_requests(session, command.key.standard, command.aanbieder, command.referentie_aanbieder)


async def _place_client(session: AsyncSession, command: RecordAllocationVersion, message_id: int) -> None:
    """The client as the allocation's gemeente knows them: this 301's data, when this 301 wrote the row."""
    c = ClientRow
    client = (await session.execute(select(c.id, c.postcode, c.geboortedatum, c.updated_by_message_id)
                                    .where(c.bsn == command.bsn))).one()
    if client.updated_by_message_id == message_id:
        await upsert_areas(session, [ClientArea(client.id, command.key.gemeente, client.postcode,
                                                client.geboortedatum, message_id)])


async def settle_requests(session: AsyncSession, standard: str, aanbieder: str, referentie: str) -> None:
    """A request's state from what counts: honoured by a 301 carrying its reference, else the last answer."""
    requests = (
        await session.scalars(
            select(RequestRow).where(
                RequestRow.standard == standard,
                RequestRow.aanbieder == aanbieder,
                RequestRow.referentie_aanbieder == referentie,
            )
        )
    ).all()
    if not requests:
        return
    honouring = await session.scalar(
        select(AllocationVersionRow.message_id)
        .join(AllocationRow)
        .where(
            AllocationRow.standard == standard,
            AllocationVersionRow.aanbieder == aanbieder,
            AllocationVersionRow.referentie_aanbieder == referentie,
            AllocationVersionRow.voided.is_(False),
        )
        .order_by(AllocationVersionRow.id)
    )
    answer = await session.scalar(
        select(AnswerRow.verzoek_antwoord)
        .where(
            AnswerRow.standard == standard,
            AnswerRow.aanbieder == aanbieder,
            AnswerRow.referentie_aanbieder == referentie,
            AnswerRow.voided.is_(False),
        )
        .order_by(AnswerRow.id.desc())
    )
    state = (
        "honoured"
        if honouring
        else {"1": "rejected", "2": "under_investigation"}.get(answer or "", "pending")
    )
    for request in requests:
        request.state, request.honoured_by_message_id = state, honouring
    await session.flush()


def _key_values(key: DeliveryKey) -> dict[str, object]:
    return {item.name: getattr(key, item.name) for item in fields(key)}


async def _delivery_scope(session: AsyncSession, scope: DeliveryScope) -> dict[str, object]:
    return {
        "standard": scope.standard,
        "gemeente": scope.gemeente,
        "aanbieder": scope.aanbieder,
        "client_id": await client_id(session, scope.bsn),
    }


async def add_delivery(session: AsyncSession, command: AddDelivery, message_id: int) -> None:
    scope = await _delivery_scope(session, command.scope)
    session.add(
        DeliveryRow(
            **scope,
            **_key_values(command.key),
            message_id=message_id,
            toewijzing_ingangsdatum=command.toewijzing_ingangsdatum,
        )
    )
    await session.flush()


async def remove_delivery(session: AsyncSession, command: RemoveDelivery, message_id: int) -> None:
    scope = await _delivery_scope(session, command.scope)
    conditions = [
        getattr(DeliveryRow, name) == value for name, value in {**scope, **_key_values(command.key)}.items()
    ]
    row = await session.scalar(
        select(DeliveryRow)
        .where(*conditions, DeliveryRow.removed_by_message_id.is_(None))
        .order_by(DeliveryRow.id)
    )
    if row is None:  # the handler checked TR063 against the same transaction: this cannot be absent
        raise LookupError(f"no active delivery to remove for message {message_id}")
    row.removed_by_message_id = message_id
    await session.flush()


async def record_request(session: AsyncSession, command: RecordRequest, message_id: int) -> None:
    scope = await _delivery_scope(session, command.scope)
    session.add(
        RequestRow(
            **scope,
            kind=command.kind,
            referentie_aanbieder=command.referentie_aanbieder,
            state="pending",
            details=dict(command.details),
            message_id=message_id,
        )
    )
    await session.flush()


async def record_answer(session: AsyncSession, command: RecordAnswer, message_id: int) -> None:
    values = {item.name: getattr(command, item.name) for item in fields(command)}
    session.add(AnswerRow(**values, message_id=message_id))
    await session.flush()
    await settle_requests(session, command.standard, command.aanbieder, command.referentie_aanbieder)


async def void_message(session: AsyncSession, message_id: int) -> None:
    """A heen message the receiver rejected counts as never sent: its versions and answers stop counting."""
    versions = (
        await session.scalars(
            select(AllocationVersionRow).where(AllocationVersionRow.message_id == message_id)
        )
    ).all()
    answers = (await session.scalars(select(AnswerRow).where(AnswerRow.message_id == message_id))).all()
    await session.execute(
        update(AllocationVersionRow).where(AllocationVersionRow.message_id == message_id).values(voided=True)
    )
    await session.execute(update(AnswerRow).where(AnswerRow.message_id == message_id).values(voided=True))
    await session.flush()
    for allocation_id in {version.allocation_id for version in versions}:
        await elect_current(session, allocation_id)
    references = {(v.aanbieder, v.referentie_aanbieder) for v in versions if v.referentie_aanbieder}
    references |= {(a.aanbieder, a.referentie_aanbieder) for a in answers}
    standard = await session.scalar(select(MessageRow.standard).where(MessageRow.id == message_id))
    for aanbieder, referentie in references:
        await settle_requests(session, str(standard), aanbieder, str(referentie))


async def pair_retour(session: AsyncSession, command: PairRetour, message_id: int) -> None:
    session.add(
        RetourRow(
            direction="received",
            heen_message_id=command.heen_message_id,
            retour_message_id=message_id,
            identificatie_retour=command.identificatie_retour,
            header_codes=list(command.header_codes),
            class_codes={xpath: list(codes) for xpath, codes in command.class_codes},
            accepted=command.accepted,
        )
    )
    await session.flush()
    if command.heen_message_id is None:
        return
    heen = await session.get(MessageRow, command.heen_message_id)
    if heen is not None:
        heen.answer = "accepted" if command.accepted else "rejected"
    if not command.accepted:
        await void_message(session, command.heen_message_id)


async def apply(session: AsyncSession, commands: Sequence[Command], *, message_id: int) -> None:
    """Apply the commands of one accepted message, in order, inside the caller's transaction."""
    for command in commands:
        match command:
            case UpsertClient():
                await upsert_client(session, command, message_id)
            case RecordAllocationVersion():
                await record_version(session, command, message_id)
            case AddDelivery():
                await add_delivery(session, command, message_id)
            case RemoveDelivery():
                await remove_delivery(session, command, message_id)
            case RecordRequest():
                await record_request(session, command, message_id)
            case RecordAnswer():
                await record_answer(session, command, message_id)
            case PairRetour():
                await pair_retour(session, command, message_id)

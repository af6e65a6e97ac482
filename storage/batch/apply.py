"""The handlers' commands applied to a batch snapshot: storage.commands, step for step, in memory.

Each function mirrors its namesake in storage.commands (same rows created, same fields changed, same
current-version election and request settling), so the batch path and the one-message path leave the
same register. A received retour's PairRetour is not applied here: received retours take the
one-message path (gateway.processing.batch splits the batch around them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

from handlers.outcome import (
    AddDelivery,
    Command,
    RecordAllocationVersion,
    RecordAnswer,
    RecordRequest,
    RemoveDelivery,
    UpsertClient,
)
from storage.batch.rows import AllocRec, AnswerRec, ClientRec, DeliveryRec, RequestRec, VersionRec
from storage.batch.snapshot import Snapshot
from storage.commands import DELETED
from storage.models import new_public_id
from storage.repositories import delivery_key

CLIENT_FIELDS = tuple(f.name for f in fields(UpsertClient) if f.name not in ("bsn", "full"))
VERSION_VALUES = tuple(f.name for f in fields(RecordAllocationVersion) if f.name not in ("key", "bsn"))


class UnsupportedCommand(TypeError):
    """A command the batch path does not apply; the caller routes its message through the ORM path."""


async def client_for(snap: Snapshot, bsn: str) -> ClientRec:
    """The client of this BSN, created bare (BSN only) when unknown (storage.commands.client_id)."""
    await snap.need(bsn=bsn)
    client = snap.clients.get(bsn)
    if client is None:
        client = ClientRec(bsn, public_id=new_public_id(), values=dict.fromkeys(CLIENT_FIELDS))
        client.values["updated_by_message_id"] = None
        snap.clients[bsn] = client
    return client


async def upsert_client(snap: Snapshot, command: UpsertClient, message_id: int) -> None:
    await snap.need(bsn=command.bsn)
    client = snap.clients.get(command.bsn)
    if client is None:
        client = await client_for(snap, command.bsn)
    elif not command.full:
        return  # only a 301 overwrites what we know about a client
    else:
        client.dirty = client.id is not None
    for name in CLIENT_FIELDS:
        client.values[name] = getattr(command, name)
    client.values["updated_by_message_id"] = message_id


def elect_current(alloc: AllocRec) -> None:
    """The counting version with the latest Toewijzingsdatum + -tijd, then the highest id (IV013)."""
    ranked = sorted(
        alloc.versions, key=lambda v: (v.toewijzingsdatum, v.toewijzingstijd, v.order), reverse=True
    )
    counting = next((v for v in ranked if not v.voided), None)
    for version in ranked:
        current = version is counting
        if version.is_current != current:
            version.is_current = current
            version.dirty = version.stored


async def record_version(snap: Snapshot, command: RecordAllocationVersion, message_id: int) -> None:
    key = command.key
    await snap.need(bsn=command.bsn, key=key)
    alloc = snap.allocations.get(key)
    if alloc is None:
        alloc = AllocRec(key.standard, key.gemeente, key.toewijzingnummer)
        snap.allocations[key] = alloc
    client = await client_for(snap, command.bsn)
    values = {name: getattr(command, name) for name in VERSION_VALUES}
    deleted = command.reden_wijziging == DELETED and command.einddatum == command.ingangsdatum
    version = VersionRec(snap.new_order(), alloc, client, message_id, deleted=deleted, **values)
    alloc.versions.append(version)
    snap.allocations_of_client[client].add(alloc)
    if version.referentie_aanbieder:
        snap.versions_by_ref[(version.aanbieder, version.referentie_aanbieder)].append(version)
    elect_current(alloc)
    if client.values.get("updated_by_message_id") == message_id:  # this 301 wrote the client: its place
        facts = (client.values["postcode"], client.values["geboortedatum"], message_id)
        snap.client_areas[(client.bsn, key.gemeente)] = facts  # written by bulk.write_snapshot
    if command.referentie_aanbieder:
        await settle_requests(snap, key.standard, command.aanbieder, command.referentie_aanbieder)


async def settle_requests(snap: Snapshot, standard: str, aanbieder: str, referentie: str) -> None:
    """Honoured by a counting 301 carrying the reference, else what the last counting answer says."""
    ref = (standard, aanbieder, referentie)
    await snap.need(ref=ref)
    requests = snap.requests_by_ref.get(ref)
    if not requests:
        return
    honouring = snap.honouring(standard, aanbieder, referentie)
    answers = [a for a in snap.answers_by_ref.get(ref, ()) if not a.voided]
    answer = max(answers, key=lambda a: a.order).verzoek_antwoord if answers else ""
    by = honouring.message_id if honouring else None
    state = "honoured" if by else {"1": "rejected", "2": "under_investigation"}.get(answer, "pending")
    for request in requests:
        if (request.state, request.honoured_by_message_id) != (state, by):
            request.state, request.honoured_by_message_id = state, by
            request.dirty = request.stored


async def add_delivery(snap: Snapshot, command: AddDelivery, message_id: int) -> None:
    scope, key = command.scope, command.key
    client = await client_for(snap, scope.bsn)
    snap.deliveries_of_client[client].append(
        DeliveryRec(
            snap.new_order(),
            scope.standard,
            scope.gemeente,
            scope.aanbieder,
            client,
            key.kind,
            key.toewijzingnummer,
            key.product_categorie,
            key.product_code,
            key.begindatum,
            key.reden_beeindiging,
            key.einddatum,
            message_id,
            command.toewijzing_ingangsdatum,
        )
    )


async def remove_delivery(snap: Snapshot, command: RemoveDelivery, message_id: int) -> None:
    await client_for(snap, command.scope.bsn)
    row = next((d for d in snap.active_deliveries(command.scope) if delivery_key(d) == command.key), None)
    if row is None:  # the handler checked TR063 against the same snapshot: this cannot be absent
        raise LookupError(f"no active delivery to remove for message {message_id}")
    row.removed_by_message_id = message_id
    row.dirty = row.stored


async def record_request(snap: Snapshot, command: RecordRequest, message_id: int) -> None:
    scope = command.scope
    client = await client_for(snap, scope.bsn)
    request = RequestRec(
        snap.new_order(),
        scope.standard,
        scope.gemeente,
        scope.aanbieder,
        client,
        command.kind,
        command.referentie_aanbieder,
        "pending",
        message_id,
        dict(command.details),
    )
    snap.requests_of_client[client].append(request)
    snap.requests_by_ref[(scope.standard, scope.aanbieder, command.referentie_aanbieder)].append(request)


async def record_answer(snap: Snapshot, command: RecordAnswer, message_id: int) -> None:
    ref = (command.standard, command.aanbieder, command.referentie_aanbieder)
    await snap.need(ref=ref)
    snap.answers_by_ref[ref].append(
        AnswerRec(
            snap.new_order(),
            command.standard,
            command.gemeente,
            command.aanbieder,
            command.referentie_aanbieder,
            command.verzoek_antwoord,
            message_id,
            command.reden_afwijzing,
        )
    )
    await settle_requests(snap, *ref)


async def apply(snap: Snapshot, commands: Sequence[Command], *, message_id: int) -> None:
    """Apply the commands of one accepted message, in order (storage.commands.apply)."""
    for command in commands:
        match command:
            case UpsertClient():
                await upsert_client(snap, command, message_id)
            case RecordAllocationVersion():
                await record_version(snap, command, message_id)
            case AddDelivery():
                await add_delivery(snap, command, message_id)
            case RemoveDelivery():
                await remove_delivery(snap, command, message_id)
            case RecordRequest():
                await record_request(snap, command, message_id)
            case RecordAnswer():
                await record_answer(snap, command, message_id)
            case _:
                raise UnsupportedCommand(type(command).__name__)

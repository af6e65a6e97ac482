"""Loading a snapshot: one query per table for all missing keys of a batch, merged by row id.

Queries select supersets (each key column `IN` its values, which the composite indexes serve) and
rows are merged by id: a row already in memory (perhaps changed by the batch) is never replaced.
Allocations are always loaded with all their versions, so electing the current version in memory
sees the same versions the database holds.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select, union

from handlers.outcome import AllocationKey
from storage.batch.rows import (
    AllocRec,
    AnswerRec,
    ClientRec,
    DeliveryRec,
    IdentityRec,
    RequestRec,
    VersionRec,
)
from storage.batch.snapshot import Keys, Snapshot
from storage.models import (
    AllocationRow,
    AllocationVersionRow,
    AnswerRow,
    ClientRow,
    DeliveryRow,
    MessageRow,
    RequestRow,
)
from storage.sql import one_of

A, V, C = AllocationRow.__table__.c, AllocationVersionRow.__table__.c, ClientRow.__table__.c
D, R, N, M = DeliveryRow.__table__.c, RequestRow.__table__.c, AnswerRow.__table__.c, MessageRow.__table__.c
VERSION_FIELDS = (
    "message_id",
    "aanbieder",
    "ingangsdatum",
    "toewijzingsdatum",
    "toewijzingstijd",
    "product_categorie",
    "product_code",
    "einddatum",
    "reden_wijziging",
    "volume",
    "eenheid",
    "frequentie",
    "budget",
    "referentie_aanbieder",
    "deleted",
    "voided",
    "is_current",
)
DELIVERY_FIELDS = (
    "standard",
    "gemeente",
    "aanbieder",
    "kind",
    "toewijzingnummer",
    "product_categorie",
    "product_code",
    "begindatum",
    "reden_beeindiging",
    "einddatum",
    "message_id",
    "toewijzing_ingangsdatum",
    "removed_by_message_id",
)
REQUEST_FIELDS = (
    "standard",
    "gemeente",
    "aanbieder",
    "kind",
    "referentie_aanbieder",
    "state",
    "message_id",
    "details",
    "honoured_by_message_id",
)
ANSWER_FIELDS = (
    "standard",
    "gemeente",
    "aanbieder",
    "referentie_aanbieder",
    "verzoek_antwoord",
    "message_id",
    "reden_afwijzing",
    "voided",
)


async def load(snap: Snapshot, keys: Keys) -> None:
    client_ids = await _clients(snap, keys.bsns)
    await _versions(snap, client_ids, keys)
    if client_ids:
        await _deliveries(snap, client_ids)
    if client_ids or keys.refs:
        await _requests(snap, client_ids, keys)
    if keys.refs:
        await _answers(snap, keys)
    if keys.idents:
        await _identities(snap, keys)
    snap.covered.bsns |= keys.bsns
    snap.covered.allocations |= keys.allocations
    snap.covered.refs |= keys.refs
    snap.covered.idents |= keys.idents


def _fresh(snap: Snapshot, table: str, row_id: int) -> bool:
    """True the first time a stored row is seen: later loads never replace the in-memory copy."""
    seen = snap.seen_ids[table]
    if row_id in seen:
        return False
    seen.add(row_id)
    return True


def client_of(snap: Snapshot, client_id: int, bsn: str) -> ClientRec:
    client = snap.clients_by_id.get(client_id) or snap.clients.get(bsn)
    if client is None:
        client = ClientRec(bsn, client_id)
        snap.clients[bsn] = client
    snap.clients_by_id[client_id] = client
    return client


async def _clients(snap: Snapshot, bsns: set[str]) -> list[int]:
    if not bsns:
        return []
    query = select(C.id, C.bsn).where(one_of(C.bsn, bsns, snap.postgres))
    rows = (await snap.session.execute(query)).all()
    return [client_of(snap, row.id, row.bsn).id or row.id for row in rows]


def _in_each(columns: list[Any], keys: set[tuple[Any, ...]], postgres: bool) -> ColumnElement[bool]:
    """A superset of `keys`: every column IN the values it takes (served by a composite index)."""
    if not keys:
        return false()
    return and_(*(one_of(column, {key[i] for key in keys}, postgres) for i, column in enumerate(columns)))


async def _versions(snap: Snapshot, client_ids: list[int], keys: Keys) -> None:
    parts = []
    if client_ids:
        parts.append(select(V.allocation_id).where(one_of(V.client_id, client_ids, snap.postgres)))
    if keys.refs:
        pairs = {(aanbieder, ref) for _, aanbieder, ref in keys.refs}
        parts.append(
            select(V.allocation_id).where(
                _in_each([V.aanbieder, V.referentie_aanbieder], pairs, snap.postgres)
            )
        )
    if keys.allocations:
        triples = {(k.standard, k.gemeente, k.toewijzingnummer) for k in keys.allocations}
        parts.append(
            select(A.id).where(_in_each([A.standard, A.gemeente, A.toewijzingnummer], triples, snap.postgres))
        )
    if not parts:
        return
    wanted = union(*parts) if len(parts) > 1 else parts[0]
    query = (
        select(
            V.id,
            V.allocation_id,
            V.client_id,
            *(V[f] for f in VERSION_FIELDS),
            A.standard,
            A.gemeente,
            A.toewijzingnummer,
            C.bsn,
        )
        .join_from(AllocationVersionRow.__table__, AllocationRow.__table__, A.id == V.allocation_id)
        .join(ClientRow.__table__, C.id == V.client_id)
        .where(V.allocation_id.in_(wanted))
        .order_by(V.id)
    )
    for row in (await snap.session.execute(query)).all():
        _merge_version(snap, row)


def _merge_version(snap: Snapshot, row: Any) -> None:
    alloc = snap.allocations_by_id.get(row.allocation_id)
    if alloc is None:
        key = AllocationKey(row.standard, row.gemeente, row.toewijzingnummer)
        alloc = snap.allocations.get(key)
        if alloc is None:
            alloc = AllocRec(row.standard, row.gemeente, row.toewijzingnummer, row.allocation_id)
            snap.allocations[key] = alloc
        snap.allocations_by_id[row.allocation_id] = alloc
    if not _fresh(snap, "versions", row.id):
        return
    client = client_of(snap, row.client_id, row.bsn)
    version = VersionRec(row.id, alloc, client, stored=True, **{f: getattr(row, f) for f in VERSION_FIELDS})
    alloc.versions.append(version)
    snap.allocations_of_client[client].add(alloc)
    if version.referentie_aanbieder:
        snap.versions_by_ref[(version.aanbieder, version.referentie_aanbieder)].append(version)


async def _deliveries(snap: Snapshot, client_ids: list[int]) -> None:
    query = (
        select(D.id, D.client_id, C.bsn, *(D[f] for f in DELIVERY_FIELDS))
        .join_from(DeliveryRow.__table__, ClientRow.__table__, C.id == D.client_id)
        .where(one_of(D.client_id, client_ids, snap.postgres), D.removed_by_message_id.is_(None))
    )
    for row in (await snap.session.execute(query)).all():
        if _fresh(snap, "deliveries", row.id):
            client = client_of(snap, row.client_id, row.bsn)
            values = {f: getattr(row, f) for f in DELIVERY_FIELDS}
            snap.deliveries_of_client[client].append(
                DeliveryRec(row.id, client=client, stored=True, **values)
            )


async def _requests(snap: Snapshot, client_ids: list[int], keys: Keys) -> None:
    by_ref = _in_each([R.standard, R.aanbieder, R.referentie_aanbieder], keys.refs, snap.postgres)
    where = or_(one_of(R.client_id, client_ids, snap.postgres), by_ref) if client_ids else by_ref
    query = (
        select(R.id, R.client_id, C.bsn, *(R[f] for f in REQUEST_FIELDS))
        .join_from(RequestRow.__table__, ClientRow.__table__, C.id == R.client_id)
        .where(where)
    )
    for row in (await snap.session.execute(query)).all():
        if _fresh(snap, "requests", row.id):
            client = client_of(snap, row.client_id, row.bsn)
            request = RequestRec(
                row.id, client=client, stored=True, **{f: getattr(row, f) for f in REQUEST_FIELDS}
            )
            snap.requests_of_client[client].append(request)
            snap.requests_by_ref[(request.standard, request.aanbieder, request.referentie_aanbieder)].append(
                request
            )


async def _answers(snap: Snapshot, keys: Keys) -> None:
    query = select(N.id, *(N[f] for f in ANSWER_FIELDS)).where(
        _in_each([N.standard, N.aanbieder, N.referentie_aanbieder], keys.refs, snap.postgres)
    )
    for row in (await snap.session.execute(query)).all():
        if _fresh(snap, "answers", row.id):
            answer = AnswerRec(row.id, stored=True, **{f: getattr(row, f) for f in ANSWER_FIELDS})
            snap.answers_by_ref[(answer.standard, answer.aanbieder, answer.referentie_aanbieder)].append(
                answer
            )


async def _identities(snap: Snapshot, keys: Keys) -> None:
    query = select(M.id, M.standard, M.message_name, M.sender, M.identificatie, M.direction, M.status).where(
        _in_each([M.message_name, M.sender, M.identificatie], keys.idents, snap.postgres)
    )
    for row in (await snap.session.execute(query)).all():
        if _fresh(snap, "messages", row.id):
            ident = (row.message_name, row.sender, row.identificatie)
            snap.identities[ident].append(IdentityRec(row.standard, row.direction, row.status))

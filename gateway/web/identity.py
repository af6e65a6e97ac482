"""The client's identity as the caller's own gemeenten know it (name, birth date, address).

The register keeps one row per BSN with the data of the latest 301 from any gemeente. A team may
only see what its own gemeenten sent: when that row was written by another gemeente's 301, the
identity is read again from the team's latest own 301 (the stored message, decoded by the codec).
Without any message of its own gemeente the team sees the BSN only.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.codec.decode import decode
from gateway.codec.document import DocumentError, parse
from handlers.messages import Toewijzing
from handlers.toewijzing import client_data
from storage.insight_queries.client import (
    IDENTITY_FIELDS,
    Identity,
    household_candidates,
    identity_of,
    identity_source,
    latest_in_scope,
    same_address,
    written_elsewhere,
)
from storage.insight_queries.common import Scope
from storage.models import ClientRow, MessageRow

MAX_BYTES = 25 * 1024 * 1024
# (message id, BSN) -> (PC4, birth date) read from that stored 301: a message never changes, so each
# is decoded once per process. Bounded; cleared whole when full (rarely: few clients are elsewhere).
_AREAS: dict[tuple[int, str], tuple[str | None, date | None]] = {}
AREA_CACHE_SIZE = 50_000


def _decoded(raw: bytes, bsn: str) -> Identity:
    """The identity a stored 301 carries; the BSN only when it was purged or cannot be read."""
    try:
        message = decode(parse(raw, max_bytes=MAX_BYTES))
    except (DocumentError, ValueError):
        return Identity(bsn)
    if not isinstance(message, Toewijzing) or message.client.bsn != bsn:
        return Identity(bsn)
    data = client_data(message.client)
    return Identity(bsn, **{name: getattr(data, name) for name in IDENTITY_FIELDS})


async def identity_in_scope(session: AsyncSession, client: ClientRow, scope: Scope) -> Identity:
    source = await identity_source(session, client, scope)
    if source is None:
        return Identity(client.bsn)
    return identity_of(client) if source.is_row_copy else _decoded(source.raw, client.bsn)


async def identities_in_scope(session: AsyncSession, public_ids: list[str],
                              scope: Scope) -> dict[str, tuple[ClientRow, Identity]]:
    """identity_in_scope for the clients of a list, in three queries however long it is (a decode per
    client whose latest own 301 is not the row's copy; a client without an own allocation one by one)."""
    listed = ClientRow.public_id.in_(sorted(set(public_ids)))
    clients = list(await session.scalars(select(ClientRow).where(listed)))
    if not scope.gemeenten:
        return {c.public_id: (c, await identity_in_scope(session, c, scope)) for c in clients}
    latest = await latest_in_scope(session, [c.id for c in clients], scope)
    wanted = {latest[c.id] for c in clients if c.id in latest and latest[c.id] != c.updated_by_message_id}
    raws = dict((await session.execute(select(MessageRow.id, MessageRow.raw)
                                       .where(MessageRow.id.in_(sorted(wanted))))).all()) if wanted else {}
    found = {}
    for c in clients:
        if c.id not in latest:
            found[c.public_id] = (c, await identity_in_scope(session, c, scope))
        elif latest[c.id] == c.updated_by_message_id:
            found[c.public_id] = (c, identity_of(c))
        else:
            found[c.public_id] = (c, _decoded(raws.get(latest[c.id]) or b"", c.bsn))
    return found


async def listed_identities(session: AsyncSession, public_ids: list[str],
                            scope: Scope) -> dict[str, Identity]:
    """For a list's clients: the identity to show instead of the stored one, where that came from elsewhere.

    Usually empty (the stored identity is the team's own); one query per list, a decode per exception.
    """
    return {client.public_id: await identity_in_scope(session, client, scope)
            for client in await written_elsewhere(session, public_ids, scope)}


async def household_in_scope(session: AsyncSession, client: ClientRow, identity: Identity,
                             scope: Scope) -> list[tuple[ClientRow, Identity]]:
    """Others at the client's address as the caller's gemeenten know both of them."""
    members = []
    for member in await household_candidates(session, client, identity, scope):
        known = await identity_in_scope(session, member, scope)
        if same_address(known, identity):
            members.append((member, known))
    return members


async def own_areas(session: AsyncSession, sources: dict[tuple[int, str], int]
                    ) -> dict[tuple[int, str], tuple[str | None, date | None]]:
    """PC4 and birth date per (client id, gemeente), from the gemeente's own 301 (`sources`: its id)."""
    if not sources:
        return {}
    bsns = dict((await session.execute(select(ClientRow.id, ClientRow.bsn).where(
        ClientRow.id.in_(sorted({client for client, _ in sources}))))).all())
    if len(_AREAS) + len(sources) > AREA_CACHE_SIZE:
        _AREAS.clear()
    missing = sorted({m for (client, _), m in sources.items() if (m, bsns[client]) not in _AREAS})
    raws = dict((await session.execute(select(MessageRow.id, MessageRow.raw).where(
        MessageRow.id.in_(missing)))).all()) if missing else {}
    found = {}
    for (client, gemeente), message in sources.items():
        key = (message, bsns[client])
        if key not in _AREAS:
            known = _decoded(raws.get(message) or b"", bsns[client])
            _AREAS[key] = ((known.postcode or "")[:4] or None, known.geboortedatum)
        found[(client, gemeente)] = _AREAS[key]
    return found

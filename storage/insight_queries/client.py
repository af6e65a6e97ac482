"""Cliëntbeeld: one client's allocations with versions, deliveries, claims, requests, answers, messages.

Everything of one client across both standards and all providers, within the caller's gemeenten;
the household is every other client at the same address (postcode, huisnummer, huisletter,
toevoeging). Gemeente scope: a team finds a client when any allocation, delivery or request of
that client belongs to one of its gemeenten, and then sees only the rows of its own gemeenten.
A provider's message can name any BSN for any gemeente (a forged or mistaken 315 is accepted),
so the identity shown (name, birth date, address) must come from a message of the team's own
gemeente too: `identity_source` says which one (see gateway.web.identity).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from storage.insight_queries.common import Scope, normal_postcode, normal_postcode_value
from storage.models import (
    AllocationRow,
    AllocationVersionRow,
    AnswerRow,
    ClaimLineRow,
    ClientRow,
    DeclarationRow,
    DeliveryRow,
    MessageRow,
    RequestRow,
    RetourRow,
)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    message_id: int
    at: datetime
    message_name: str | None
    identificatie: str | None
    sender: str | None
    receiver: str | None
    status: str
    retour: str | None  # accepted | rejected | None (no retour yet)
    retour_codes: list[str]


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the client is according to one message: what the page shows beside the BSN."""

    bsn: str
    geslachtsnaam: str | None = None
    voorvoegsel: str | None = None
    voornamen: str | None = None
    voorletters: str | None = None
    geboortedatum: date | None = None
    straatnaam: str | None = None
    huisnummer: int | None = None
    huisletter: str | None = None
    huisnummer_toevoeging: str | None = None
    postcode: str | None = None
    plaatsnaam: str | None = None


IDENTITY_FIELDS = tuple(name for name in Identity.__dataclass_fields__ if name != "bsn")


def identity_of(client: ClientRow) -> Identity:
    return Identity(client.bsn, **{name: getattr(client, name) for name in IDENTITY_FIELDS})


@dataclass(frozen=True, slots=True)
class IdentitySource:
    """The message the identity must come from: the row's own copy when that message is it."""

    message_id: int
    raw: bytes
    is_row_copy: bool


@dataclass(frozen=True, slots=True)
class ClientPicture:
    client: ClientRow
    identity: Identity
    gemeenten: list[str]
    versions: list[tuple[AllocationRow, AllocationVersionRow]]
    deliveries: list[DeliveryRow]
    requests: list[RequestRow]
    answers: list[AnswerRow]
    timeline: list[TimelineEntry]
    household: list[tuple[ClientRow, Identity]]
    claims: list[ClaimLineRow] = field(default_factory=list)  # declared lines (323) and their verdict


async def client_gemeenten(session: AsyncSession, client_id: int) -> list[str]:
    query = union(
        select(AllocationRow.gemeente).join(AllocationVersionRow)
        .where(AllocationVersionRow.client_id == client_id),
        select(DeliveryRow.gemeente).where(DeliveryRow.client_id == client_id),
        select(RequestRow.gemeente).where(RequestRow.client_id == client_id))
    return sorted(str(g) for g in (await session.scalars(query)).all())


async def find_client(session: AsyncSession, public_id: str, scope: Scope) -> ClientRow | None:
    """The client behind an opaque id, or None when unknown or outside the caller's gemeenten."""
    client = await session.scalar(select(ClientRow).where(ClientRow.public_id == public_id))
    if client is None:
        return None
    if scope.gemeenten and not scope.gemeenten & set(await client_gemeenten(session, client.id)):
        return None
    return client


async def household_candidates(session: AsyncSession, client: ClientRow, address: Identity,
                               scope: Scope) -> list[ClientRow]:
    """Clients whose stored address is `address` and who have rows in the caller's gemeenten."""
    if not address.postcode or address.huisnummer is None:
        return []
    c = ClientRow
    same = and_(c.id != client.id, normal_postcode(c.postcode) == normal_postcode_value(address.postcode),
                c.huisnummer == address.huisnummer, _same(c.huisletter, address.huisletter),
                _same(c.huisnummer_toevoeging, address.huisnummer_toevoeging))
    members = list(await session.scalars(select(c).where(same).order_by(c.geboortedatum, c.id)))
    if not scope.gemeenten:
        return members
    return [m for m in members if scope.gemeenten & set(await client_gemeenten(session, m.id))]


def same_address(one: Identity, other: Identity) -> bool:
    def key(i: Identity) -> tuple[object, ...]:
        postcode = (i.postcode or "").replace(" ", "").upper()
        return postcode, i.huisnummer, i.huisletter, i.huisnummer_toevoeging

    return one.postcode is not None and key(one) == key(other)


async def written_elsewhere(session: AsyncSession, public_ids: list[str], scope: Scope) -> list[ClientRow]:
    """The clients among `public_ids` whose stored identity came from a message of another gemeente."""
    if not scope.gemeenten or not public_ids:
        return []
    m, c = MessageRow, ClientRow
    own = or_(m.sender.in_(sorted(scope.gemeenten)), m.receiver.in_(sorted(scope.gemeenten)))
    return list(await session.scalars(select(c).join(m, m.id == c.updated_by_message_id)
                                      .where(c.public_id.in_(sorted(set(public_ids))), ~own)))


async def identity_source(session: AsyncSession, client: ClientRow, scope: Scope) -> IdentitySource | None:
    """The latest 301 of the caller's gemeenten about this client; None when there is none.

    Without a 301 of its own gemeente a team still gets the row's copy when the message that wrote
    it (a first 315 or 305 creates the client) was exchanged with one of its gemeenten.
    """
    if not scope.gemeenten:
        return IdentitySource(client.updated_by_message_id or 0, b"", True)
    a, v, m = AllocationRow, AllocationVersionRow, MessageRow
    latest = await session.scalar(select(func.max(v.message_id)).join(a, a.id == v.allocation_id)
                                  .where(v.client_id == client.id, scope.where(a.gemeente)))
    if latest is None:
        writer = client.updated_by_message_id
        if writer is None:
            return None
        parties = (await session.execute(select(m.sender, m.receiver).where(m.id == writer))).first()
        own = parties is not None and bool(scope.gemeenten & {parties[0], parties[1]})
        return IdentitySource(writer, b"", True) if own else None
    if latest == client.updated_by_message_id:
        return IdentitySource(latest, b"", True)
    raw = await session.scalar(select(m.raw).where(m.id == latest))
    return IdentitySource(latest, raw or b"", False)


async def latest_in_scope(session: AsyncSession, client_ids: list[int], scope: Scope) -> dict[int, int]:
    """Per client: its latest allocation message of the caller's gemeenten (identity_source's first step
    for many clients in one query); clients without one are left out."""
    a, v = AllocationRow, AllocationVersionRow
    query = (select(v.client_id, func.max(v.message_id)).join(a, a.id == v.allocation_id)
             .where(v.client_id.in_(sorted(set(client_ids))), scope.where(a.gemeente)).group_by(v.client_id))
    return {client: latest for client, latest in (await session.execute(query)).all() if latest is not None}


def _same(column: Any, value: str | None) -> Any:
    return column.is_(None) if value is None else column == value


async def _timeline(session: AsyncSession, message_ids: set[int]) -> list[TimelineEntry]:
    messages = await session.scalars(select(MessageRow).where(MessageRow.id.in_(message_ids))
                                     .order_by(MessageRow.received_at, MessageRow.id))
    retours = {r.heen_message_id: r for r in await session.scalars(
        select(RetourRow).where(RetourRow.heen_message_id.in_(message_ids)))}
    entries = []
    for m in messages:
        retour = retours.get(m.id)
        codes = [*retour.header_codes, *(c for cs in retour.class_codes.values() for c in cs)
                 ] if retour else []
        verdict = None if retour is None else ("accepted" if retour.accepted else "rejected")
        entries.append(TimelineEntry(m.id, m.received_at, m.message_name, m.identificatie, m.sender,
                                     m.receiver, m.status, verdict, [str(c) for c in codes]))
    return entries


async def client_picture(session: AsyncSession, client: ClientRow, identity: Identity, scope: Scope,
                         household: list[tuple[ClientRow, Identity]]) -> ClientPicture:
    """The rows of the client that belong to the caller's gemeenten (all of them for an empty scope)."""
    a, v = AllocationRow, AllocationVersionRow
    versions = [(row[0], row[1]) for row in await session.execute(
        select(a, v).join(v, v.allocation_id == a.id).where(v.client_id == client.id, scope.where(a.gemeente))
        .order_by(a.standard, a.toewijzingnummer, v.toewijzingsdatum.desc(), v.toewijzingstijd.desc()))]
    deliveries = list(await session.scalars(
        select(DeliveryRow).where(DeliveryRow.client_id == client.id, scope.where(DeliveryRow.gemeente))
        .order_by(DeliveryRow.begindatum, DeliveryRow.id)))
    requests = list(await session.scalars(
        select(RequestRow).where(RequestRow.client_id == client.id, scope.where(RequestRow.gemeente))
        .order_by(RequestRow.id)))
    references = [and_(AnswerRow.standard == r.standard, AnswerRow.aanbieder == r.aanbieder,
                       AnswerRow.referentie_aanbieder == r.referentie_aanbieder) for r in requests]
    answers = list(await session.scalars(select(AnswerRow).where(or_(*references)).order_by(AnswerRow.id))
                   ) if references else []
    ids = {ver.message_id for _, ver in versions} | {d.message_id for d in deliveries}
    ids |= {d.removed_by_message_id for d in deliveries if d.removed_by_message_id}
    ids |= {r.message_id for r in requests} | {ans.message_id for ans in answers}
    claims = list(await session.scalars(
        select(ClaimLineRow).where(ClaimLineRow.client_id == client.id, scope.where(ClaimLineRow.gemeente))
        .order_by(ClaimLineRow.toewijzingnummer, ClaimLineRow.begindatum, ClaimLineRow.id)))
    if claims:
        ids |= set(await session.scalars(select(DeclarationRow.message_id).where(
            DeclarationRow.id.in_({line.declaration_id for line in claims}))))
    gemeenten = [g for g in await client_gemeenten(session, client.id)
                 if not scope.gemeenten or g in scope.gemeenten]
    return ClientPicture(client, identity, gemeenten, versions, deliveries, requests, answers,
                         await _timeline(session, ids), household, claims)


def as_of(picture: ClientPicture, on: date) -> list[tuple[AllocationRow, AllocationVersionRow]]:
    """The current (counting) version of each allocation that runs on `on`."""
    return [(a, v) for a, v in picture.versions if v.is_current and not v.voided and not v.deleted
            and v.ingangsdatum <= on and (v.einddatum is None or v.einddatum >= on)]

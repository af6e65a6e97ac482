"""Find a client: the register's clients that answer a search and have rows in the caller's gemeenten.

The stored identity (name, birth date, address of the latest 301 from any gemeente) narrows the
search in SQL; the caller then checks every hit against the identity its own gemeenten know
(gateway.web.identity) and drops what does not match, so a search never reveals what another
gemeente sent. A word is a case-insensitive substring of surname, first names, prefix, street or place.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.insight.search_terms import SearchTerms
from storage.insight_queries.common import Scope, normal_postcode
from storage.models import AllocationRow, AllocationVersionRow, ClientRow, DeliveryRow, RequestRow

TEXT_COLUMNS = (ClientRow.geslachtsnaam, ClientRow.voornamen, ClientRow.voorvoegsel, ClientRow.straatnaam,
                ClientRow.plaatsnaam)


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _word(word: str) -> ColumnElement[bool]:
    return or_(*(func.lower(column).like(_like(word), escape="\\") for column in TEXT_COLUMNS))


def in_scope(scope: Scope) -> ColumnElement[bool]:
    """The client has an allocation, delivery or request in one of the caller's gemeenten."""
    if not scope.gemeenten:
        return and_(True)
    c, a, v = ClientRow, AllocationRow, AllocationVersionRow
    allocated = exists().where(v.client_id == c.id, a.id == v.allocation_id, scope.where(a.gemeente))
    delivered = exists().where(DeliveryRow.client_id == c.id, scope.where(DeliveryRow.gemeente))
    asked = exists().where(RequestRow.client_id == c.id, scope.where(RequestRow.gemeente))
    return or_(allocated, delivered, asked)


def conditions(terms: SearchTerms) -> list[ColumnElement[bool]]:
    c = ClientRow
    found: list[Any] = []
    if terms.bsn:
        found.append(c.bsn == terms.bsn)
    if terms.geboortedatum:
        found.append(c.geboortedatum == terms.geboortedatum)
    if terms.postcode:
        found.append(normal_postcode(c.postcode) == terms.postcode)
    if terms.huisnummer is not None:
        found.append(c.huisnummer == terms.huisnummer)
    found.extend(_word(word) for word in terms.words)
    return found


async def search_clients(session: AsyncSession, terms: SearchTerms, scope: Scope,
                         limit: int) -> list[ClientRow]:
    """At most `limit` clients in scope whose stored identity answers the search, by surname."""
    c = ClientRow
    query = (select(c).where(*conditions(terms), in_scope(scope))
             .order_by(c.geslachtsnaam, c.geboortedatum, c.id).limit(limit))
    return list(await session.scalars(query))

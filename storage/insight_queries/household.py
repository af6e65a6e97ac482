"""One household on one screen: the running allocations of several clients within the caller's gemeenten."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.insight_queries.common import Scope, normal_postcode, running_on
from storage.models import AllocationRow, AllocationVersionRow, ClientRow


@dataclass(frozen=True, slots=True)
class Running:
    client_id: int
    standard: str
    gemeente: str
    toewijzingnummer: int
    aanbieder: str
    categorie: str | None
    code: str | None
    ingangsdatum: date
    einddatum: date | None


async def running_of(session: AsyncSession, client_ids: list[int], on: date, scope: Scope) -> list[Running]:
    """The counting allocation versions running on `on` of these clients, in the caller's gemeenten."""
    if not client_ids:
        return []
    a, v = AllocationRow, AllocationVersionRow
    query = (select(v.client_id, a.standard, a.gemeente, a.toewijzingnummer, v.aanbieder, v.product_categorie,
                    v.product_code, v.ingangsdatum, v.einddatum)
             .join(a, a.id == v.allocation_id)
             .where(v.client_id.in_(sorted(set(client_ids))), running_on(on), scope.where(a.gemeente))
             .order_by(v.client_id, a.standard, a.toewijzingnummer))
    return [Running(*row) for row in (await session.execute(query)).all()]


@dataclass(frozen=True, slots=True)
class FlaggedHousehold:
    """An address whose clients' running allocations involve many providers or both laws."""

    providers: int
    standards: int
    clients: int
    client_public_id: str  # one member, to open the household screen


async def flagged_households(session: AsyncSession, on: date, scope: Scope, many: int,
                             limit: int) -> list[FlaggedHousehold]:
    """Addresses (as stored) with `many` or more providers or both laws running on `on`, most first."""
    a, v, c = AllocationRow, AllocationVersionRow, ClientRow
    address = (normal_postcode(c.postcode), c.huisnummer, func.coalesce(c.huisletter, ""),
               func.coalesce(c.huisnummer_toevoeging, ""))
    providers = func.count(func.distinct(v.aanbieder))
    standards = func.count(func.distinct(a.standard))
    query = (select(providers, standards, func.count(func.distinct(c.id)), func.min(c.public_id))
             .select_from(v).join(a, a.id == v.allocation_id).join(c, c.id == v.client_id)
             .where(running_on(on), scope.where(a.gemeente), c.postcode.is_not(None),
                    c.huisnummer.is_not(None))
             .group_by(*address).having(or_(providers >= many, standards >= 2))
             .order_by(providers.desc(), standards.desc(), func.min(c.public_id)).limit(limit))
    return [FlaggedHousehold(int(p), int(s), int(n), str(public_id))
            for p, s, n, public_id in (await session.execute(query)).all()]

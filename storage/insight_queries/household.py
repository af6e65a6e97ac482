"""One household on one screen: the running allocations of several clients within the caller's gemeenten."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.insight_queries.common import Scope, running_on
from storage.models import AllocationRow, AllocationVersionRow


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

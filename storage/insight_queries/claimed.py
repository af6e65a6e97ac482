"""Usage from what was claimed: the allocations and their claim lines read from the register, summed
by the pure calculations in handlers.insight.claimed (in a worker thread, like the other usage).

The claim lines are summed in SQL per allocation, ProductPeriode begin, status, debit/credit and
unit, so a large register sends a few rows per allocation and month, not one per Prestatie; the
index ix_claim_lines_usage (migration 0302) serves a team's gemeenten and the reference date.
"""

from __future__ import annotations

import asyncio
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.insight.claimed import (
    AWARDED,
    CREDITED,
    REJECTED,
    Allocation,
    ClaimSum,
    MonthUsage,
    Omvang,
    month_usage,
)
from storage.insight_queries.analysis import NO_CATEGORY
from storage.insight_queries.common import Scope, counting_version, pc4
from storage.models import AllocationRow, AllocationVersionRow, ClaimLineRow, ClientRow, DeliveryRow


async def allocations(session: AsyncSession, on: date, scope: Scope) -> list[Allocation]:
    """The counting version of every allocation begun by `on`, with its client's PC4."""
    a, v, c = AllocationRow, AllocationVersionRow, ClientRow
    query = (select(a.standard, a.gemeente, a.toewijzingnummer, v.aanbieder, v.product_categorie,
                    pc4(c.postcode), v.client_id, v.ingangsdatum, v.einddatum, v.volume, v.eenheid,
                    v.frequentie)
             .join(v, v.allocation_id == a.id).join(c, c.id == v.client_id)
             .where(counting_version(), v.ingangsdatum <= on, scope.where(a.gemeente)))
    started = await _started(session, on, scope)
    result = []
    for standard, gemeente, nummer, provider, category, area, client, ingang, einde, volume, eenheid, \
            frequentie in (await session.execute(query)).all():
        omvang = None
        if volume is not None and eenheid is not None and frequentie is not None:
            omvang = Omvang(volume, eenheid, frequentie)
        key = (standard, gemeente, nummer)
        result.append(Allocation(key, provider, category or NO_CATEGORY, area, client, ingang, einde, omvang,
                                 key in started))
    return result


async def _started(session: AsyncSession, on: date, scope: Scope) -> set[tuple[str, str, int]]:
    """Allocations with a live start (305, not removed) begun by `on`, as the delivery usage counts them."""
    d = DeliveryRow
    query = (select(d.standard, d.gemeente, d.toewijzingnummer).distinct()
             .where(d.kind == "start", d.removed_by_message_id.is_(None), d.toewijzingnummer.is_not(None),
                    d.begindatum <= on, scope.where(d.gemeente)))
    return {(s, g, int(n)) for s, g, n in (await session.execute(query)).all() if n is not None}


async def claim_sums(session: AsyncSession, on: date, scope: Scope) -> list[ClaimSum]:
    """Assessed claim lines with a ProductPeriode begun by `on`, summed (see the module docstring)."""
    line = ClaimLineRow
    keys = (line.standard, line.gemeente, line.toewijzingnummer, line.begindatum, line.status,
            line.debet_credit, line.eenheid)
    query = (select(*keys, func.sum(line.volume), func.sum(line.bedrag))
             .where(scope.where(line.gemeente), line.begindatum <= on,
                    line.status.in_((AWARDED, CREDITED, REJECTED)))
             .group_by(*keys))
    return [ClaimSum((standard, gemeente, int(nummer)), begin, status, dc, eenheid, int(volume), int(bedrag))
            for standard, gemeente, nummer, begin, status, dc, eenheid, volume, bedrag
            in (await session.execute(query)).all()]


async def usage_months(session: AsyncSession, on: date, scope: Scope) -> list[MonthUsage]:
    """Per allocation and month up to `on`: allocated, declared and awarded (handlers.insight.claimed)."""
    found = await allocations(session, on, scope)
    sums = await claim_sums(session, on, scope)
    return await asyncio.to_thread(month_usage, found, sums, on)

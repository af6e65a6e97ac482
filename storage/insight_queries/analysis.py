"""Waiting times and usage: the register's facts fed to the pure calculations in handlers.insight.

The calculations run in a worker thread once the rows are read: on a large register they take a
while, and the web server's event loop must keep answering other requests meanwhile.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from handlers.insight.usage import Delivery, Usage, UsageGroup, per_group, usage
from handlers.insight.waiting import Wait, WaitRow, allocation_to_start, per_month, request_to_allocation
from storage.insight_queries.common import Scope, counting_version
from storage.models import AllocationRow, AllocationVersionRow, ClientRow, DeliveryRow, MessageRow, RequestRow

NO_CATEGORY = "-"  # generic allocations (budget only, no product)


async def request_waits(session: AsyncSession, scope: Scope) -> list[Wait]:
    """315/317 Dagtekening → Toewijzingsdatum of the first counting 301 version carrying its reference."""
    a, v, r, m = AllocationRow, AllocationVersionRow, RequestRow, MessageRow
    day = func.min(v.toewijzingsdatum).label("day")
    categorie = func.min(v.product_categorie).label("categorie")
    first = (select(v.aanbieder, a.standard, v.referentie_aanbieder, day, categorie)
             .join(a, a.id == v.allocation_id)
             .where(v.referentie_aanbieder.is_not(None), v.voided.is_(False), scope.where(a.gemeente))
             .group_by(v.aanbieder, a.standard, v.referentie_aanbieder).subquery())
    query = (select(r.aanbieder, first.c.categorie, m.dagtekening, first.c.day, r.client_id)
             .join(m, m.id == r.message_id)
             .join(first, and_(first.c.aanbieder == r.aanbieder, first.c.standard == r.standard,
                               first.c.referentie_aanbieder == r.referentie_aanbieder))
             .where(scope.where(r.gemeente), m.dagtekening.is_not(None)))
    rows = (await session.execute(query)).all()
    return [request_to_allocation(provider, categorie or NO_CATEGORY, dagtekening, day, client)
            for provider, categorie, dagtekening, day, client in rows]


async def start_waits(session: AsyncSession, scope: Scope) -> list[Wait]:
    """First version's Ingangsdatum (or its receipt when later) → first 305 Begindatum."""
    a, v, m = AllocationRow, AllocationVersionRow, MessageRow
    d = aliased(DeliveryRow)
    first_version = (select(func.min(v.id)).where(v.allocation_id == a.id, v.voided.is_(False))
                     .correlate(a).scalar_subquery())
    first_start = (select(func.min(d.begindatum))
                   .where(d.kind == "start", d.removed_by_message_id.is_(None), d.standard == a.standard,
                          d.gemeente == a.gemeente, d.toewijzingnummer == a.toewijzingnummer)
                   .correlate(a).scalar_subquery())
    query = (select(v.aanbieder, v.product_categorie, v.ingangsdatum, m.received_at, first_start, v.client_id)
             .select_from(a).join(v, v.id == first_version).join(m, m.id == v.message_id)
             .where(scope.where(a.gemeente), first_start.is_not(None), v.deleted.is_(False)))
    rows = (await session.execute(query)).all()
    return [allocation_to_start(provider, categorie or NO_CATEGORY, ingang, received.date(), begin, client)
            for provider, categorie, ingang, received, begin, client in rows]


async def waits(session: AsyncSession, scope: Scope) -> dict[str, list[Wait]]:
    """Every wait of both measures, unsummarised (for a ranking over a period)."""
    return {"request_to_allocation": await request_waits(session, scope),
            "allocation_to_start": await start_waits(session, scope)}


async def waiting_times(session: AsyncSession, scope: Scope) -> dict[str, list[WaitRow]]:
    """Both waits per provider, product category and month: count, p50, p90, max (in days)."""
    requests, starts = await request_waits(session, scope), await start_waits(session, scope)
    return {"request_to_allocation": await asyncio.to_thread(per_month, requests),
            "allocation_to_start": await asyncio.to_thread(per_month, starts)}


async def _deliveries(session: AsyncSession, scope: Scope) -> dict[tuple[str, str, int], list[Delivery]]:
    """Per allocation key: each live start with the einddatum/reden of its latest live stop."""
    rows = (await session.execute(
        select(DeliveryRow.standard, DeliveryRow.gemeente, DeliveryRow.toewijzingnummer, DeliveryRow.kind,
               DeliveryRow.begindatum, DeliveryRow.einddatum, DeliveryRow.reden_beeindiging)
        .where(DeliveryRow.removed_by_message_id.is_(None), DeliveryRow.toewijzingnummer.is_not(None),
               scope.where(DeliveryRow.gemeente))
        .order_by(DeliveryRow.einddatum))).all()
    stops = {(s, g, n, begin): (end, reason) for s, g, n, kind, begin, end, reason in rows if kind == "stop"}
    result: dict[tuple[str, str, int], list[Delivery]] = defaultdict(list)
    for s, g, n, kind, begin, _end, _reason in rows:
        if kind == "start" and n is not None:
            end, reason = stops.get((s, g, n, begin), (None, None))
            result[(s, g, n)].append(Delivery(begin, end, reason))
    return result


async def usage_rows(session: AsyncSession, on: date, scope: Scope) -> list[tuple[int, str, str, Usage]]:
    """(toewijzingnummer, provider, category, usage) of every counting allocation begun by `on`."""
    a, v = AllocationRow, AllocationVersionRow
    deliveries = await _deliveries(session, scope)
    query = (select(a.standard, a.gemeente, a.toewijzingnummer, v.aanbieder, v.product_categorie,
                    v.ingangsdatum, v.einddatum)
             .join(v, v.allocation_id == a.id)
             .where(counting_version(), v.ingangsdatum <= on, scope.where(a.gemeente))
             .order_by(a.toewijzingnummer))
    return await asyncio.to_thread(_usages, (await session.execute(query)).all(), deliveries, on)


def _usages(rows: Sequence[Any], deliveries: dict[tuple[str, str, int], list[Delivery]],
            on: date) -> list[tuple[int, str, str, Usage]]:
    return [(n, provider, cat or NO_CATEGORY, usage(ingang, eind, deliveries.get((s, g, n), []), on))
            for s, g, n, provider, cat, ingang, eind in rows]


async def usage_clients(session: AsyncSession, on: date, scope: Scope) -> dict[tuple[str, str], int]:
    """Distinct clients per (provider, category) of the allocations `usage_rows` returns (group sizes)."""
    a, v = AllocationRow, AllocationVersionRow
    category = func.coalesce(v.product_categorie, NO_CATEGORY)
    query = (select(v.aanbieder, category, func.count(func.distinct(v.client_id)))
             .join(a, v.allocation_id == a.id)
             .where(counting_version(), v.ingangsdatum <= on, scope.where(a.gemeente))
             .group_by(v.aanbieder, category))
    return {(provider, cat): count for provider, cat, count in (await session.execute(query)).all()}


async def usage_groups(session: AsyncSession, on: date, scope: Scope) -> list[UsageGroup]:
    return per_group((p, c, u) for _, p, c, u in await usage_rows(session, on, scope))


@dataclass(frozen=True, slots=True)
class OpenRequest:
    """A request not yet honoured nor rejected on `on`: who asks whom for what, since when."""

    gemeente: str
    aanbieder: str
    kind: str
    referentie: str
    state: str
    category: str
    since: date  # the request's Dagtekening
    client_public_id: str


async def open_requests(session: AsyncSession, on: date, scope: Scope) -> list[OpenRequest]:
    """The live waiting list: requests pending or under investigation sent by `on`, oldest first."""
    r, m, c = RequestRow, MessageRow, ClientRow
    query = (select(r.gemeente, r.aanbieder, r.kind, r.referentie_aanbieder, r.state, r.details,
                    m.dagtekening, c.public_id)
             .join(m, m.id == r.message_id).join(c, c.id == r.client_id)
             .where(r.state.in_(("pending", "under_investigation")), scope.where(r.gemeente),
                    m.dagtekening.is_not(None), m.dagtekening <= on)
             .order_by(m.dagtekening, r.id))
    rows = (await session.execute(query)).all()
    return [OpenRequest(g, a, kind, ref, state, (details or {}).get("product_categorie") or NO_CATEGORY,
                        day, public_id) for g, a, kind, ref, state, details, day, public_id in rows]

"""Lopende toewijzingen on a reference date: filters, sort, one page of rows.

A page is cut in two steps: the ids of one page in sort order (a walk along an index that stops
after `offset + per_page` matches), then the display columns and delivery state of those rows only.
The totals of the whole filtered set are in `storage.insight_queries.running_totals`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.insight.usage import DELIVERY_STATES
from storage.insight_queries.common import (
    Scope,
    counting_version,
    delivery_state,
    display_name,
    pc4,
)
from storage.insight_queries.running_set import RunningFilter, conditions, from_running, walks_by_number
from storage.insight_queries.running_totals import SAMPLING, Sampling, totals
from storage.models import AllocationRow, AllocationVersionRow, ClientRow


@dataclass(frozen=True, slots=True)
class RunningRow:
    allocation_id: int
    standard: str
    gemeente: str
    toewijzingnummer: int
    aanbieder: str
    categorie: str | None
    code: str | None
    ingangsdatum: date
    einddatum: date | None
    volume: int | None
    eenheid: str | None
    frequentie: str | None
    budget: int | None
    state: str
    pc4: str | None
    client_public_id: str
    client_name: str


@dataclass(frozen=True, slots=True)
class RunningPage:
    rows: list[RunningRow]
    total: int
    clients: int
    by_state: dict[str, int] = field(default_factory=dict)
    by_standard: dict[str, int] = field(default_factory=dict)
    estimated: bool = False  # totals scaled up from a sample of clients (see running_totals)
    sample_modulus: int = 1


def _columns(on: date) -> list[Any]:
    a, v, c = AllocationRow, AllocationVersionRow, ClientRow
    return [a.id.label("allocation_id"), a.standard, a.gemeente, a.toewijzingnummer, v.aanbieder,
            v.product_categorie.label("categorie"), v.product_code.label("code"), v.ingangsdatum,
            v.einddatum, v.volume, v.eenheid, v.frequentie, v.budget, delivery_state(on).label("state"),
            pc4(c.postcode).label("pc4"), c.public_id.label("client_public_id"),
            display_name().label("client_name")]


def _sort_keys(f: RunningFilter) -> list[Any]:
    """Sort column plus a tie-breaker in the same direction, so one index walk serves both."""
    a, v, c = AllocationRow, AllocationVersionRow, ClientRow
    keys: dict[str, list[Any]] = {
        # `+ 0` keeps PostgreSQL off the toewijzingnummer index when a selective filter is set: it
        # would walk ~90,000 allocations to find the 50 of one provider that its own index gives.
        "toewijzingnummer": [a.toewijzingnummer if walks_by_number(f) else a.toewijzingnummer + 0, a.id],
        "aanbieder": [v.aanbieder, v.allocation_id],
        "categorie": [v.product_categorie, v.allocation_id], "code": [v.product_code, v.allocation_id],
        "ingangsdatum": [v.ingangsdatum, v.allocation_id], "einddatum": [v.einddatum, v.allocation_id],
        "pc4": [pc4(c.postcode), v.allocation_id]}
    keys["state"] = keys["toewijzingnummer"]  # within one state (a state filter), by number
    return [key.desc() if f.descending else key.asc() for key in keys[f.sort]]


async def _ids(session: AsyncSession, f: RunningFilter, scope: Scope, offset: int, limit: int) -> list[int]:
    if f.state:
        return await _ids_in_state(session, f, scope, offset, limit)
    query = (from_running(f, AllocationRow.id, clients=f.sort == "pc4").where(*conditions(f, scope))
             .order_by(*_sort_keys(f)).limit(limit).offset(offset))
    return list((await session.scalars(query)).all())


async def _ids_in_state(session: AsyncSession, f: RunningFilter, scope: Scope, offset: int,
                        limit: int) -> list[int]:
    """Walk the set in sort order and judge the state of each row on the way, until the page is full.

    The walk is fenced in a subquery (OFFSET 0) and the outer query has no ORDER BY of its own, so
    PostgreSQL plans the walk for a few rows. Otherwise it guesses the state filter keeps 0.5% of
    rows, prefers judging every allocation and sorting, and spends seconds instead of milliseconds.
    """
    a = AllocationRow
    base = dataclasses.replace(f, state=None)
    walk = (from_running(base, a.id, a.standard, a.gemeente, a.toewijzingnummer, clients=f.sort == "pc4")
            .where(*conditions(base, scope)).order_by(*_sort_keys(base)).offset(0).subquery("walk"))
    state = delivery_state(f.on, (walk.c.standard, walk.c.gemeente, walk.c.toewijzingnummer))
    query = select(walk.c.id).where(state == f.state).limit(limit).offset(offset)
    return list((await session.scalars(query)).all())


async def _ids_by_state(session: AsyncSession, f: RunningFilter, scope: Scope, offset: int,
                        limit: int) -> list[int]:
    """Sorted by state: state by state in order, each walked by toewijzingnummer (at most four queries)."""
    ids: list[int] = []
    for state in sorted(DELIVERY_STATES, reverse=f.descending):
        one = dataclasses.replace(f, state=state, sort="toewijzingnummer", descending=False)
        found = await _ids(session, one, scope, offset, limit - len(ids))
        ids += found
        if len(ids) == limit:
            break
        if found:
            offset = 0
        else:  # the page starts beyond this state: skip all of its rows (at most `offset` of them)
            count = select(func.count()).select_from(
                from_running(one, AllocationRow.id).where(*conditions(one, scope)).limit(offset).subquery())
            offset -= int(await session.scalar(count) or 0)
    return ids


async def page_rows(session: AsyncSession, f: RunningFilter, scope: Scope, offset: int,
                    limit: int | None) -> list[RunningRow]:
    """Rows `offset`.. of the filtered set in sort order, `limit` of them (None: all, for exports)."""
    by_state = f.sort == "state" and not f.state
    columns = _columns(f.on)
    if limit is None:  # an export: one ordered query, the state judged once per row
        a, state = AllocationRow, columns[13]
        keys = ([state.desc() if f.descending else state.asc(), a.toewijzingnummer, a.id] if by_state
                else _sort_keys(f))
        query = from_running(f, *columns, clients=True).where(*conditions(f, scope)).order_by(*keys)
        return [RunningRow(*row) for row in (await session.execute(query)).all()]
    ids = await (_ids_by_state if by_state else _ids)(session, f, scope, offset, limit)
    query = from_running(f, *columns, clients=True).where(AllocationRow.id.in_(ids), counting_version())
    order = {allocation_id: n for n, allocation_id in enumerate(ids)}
    return sorted((RunningRow(*row) for row in (await session.execute(query)).all()),
                  key=lambda row: order[row.allocation_id])


async def custom_plans(session: AsyncSession) -> None:
    """Plan every statement with its parameters, without JIT, for the rest of this transaction (PostgreSQL).

    asyncpg prepares statements, and after five executions PostgreSQL may switch to a generic plan;
    for a date range over a million versions that plan misjudges selectivity and turns a 100 ms walk
    into a 1 s scan. And an index walk that stops after one page is costed as if it ran to the end,
    which triggers JIT compilation: 300 ms spent compiling a query that runs in 16 ms.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        await session.execute(text("SET LOCAL jit = off"))


async def running_allocations(session: AsyncSession, f: RunningFilter, scope: Scope,
                              sampling: Sampling = SAMPLING) -> RunningPage:
    """One page of running allocations plus the totals of the whole filtered set (exact or estimated)."""
    await custom_plans(session)
    per_page = max(1, min(f.per_page, 1000))
    rows = await page_rows(session, f, scope, (max(f.page, 1) - 1) * per_page, per_page)
    counted = await totals(session, f, scope, sampling)
    return RunningPage(rows, counted.total, counted.clients, counted.by_state, counted.by_standard,
                       counted.estimated, counted.sample_modulus)

"""Lopende toewijzingen on a reference date: filters, sort, page, totals; and the area (PC4) aggregate."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.insight_queries.common import (
    Scope,
    counting_version,
    delivery_state,
    display_name,
    pc4,
    running_on,
)
from storage.models import AllocationRow, AllocationVersionRow, ClientRow

SORTS = ("toewijzingnummer", "aanbieder", "categorie", "code", "ingangsdatum", "einddatum", "pc4", "state")


@dataclass(frozen=True, slots=True)
class RunningFilter:
    on: date
    standard: str | None = None  # iwmo | ijw
    gemeente: str | None = None
    aanbieder: str | None = None
    categorie: str | None = None
    code: str | None = None
    pc4: str | None = None
    state: str | None = None  # not_started | started | temporarily_stopped | stopped
    sort: str = "toewijzingnummer"
    descending: bool = False
    page: int = 1
    per_page: int = 50


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


def _columns(on: date, with_state: bool) -> list[Any]:
    a, v, c = AllocationRow, AllocationVersionRow, ClientRow
    state = delivery_state(on) if with_state else literal(None)
    return [a.id.label("allocation_id"), a.standard, a.gemeente, a.toewijzingnummer, v.aanbieder,
            v.product_categorie.label("categorie"), v.product_code.label("code"), v.ingangsdatum,
            v.einddatum, v.volume, v.eenheid, v.frequentie, v.budget, state.label("state"),
            pc4(c.postcode).label("pc4"), c.public_id.label("client_public_id"),
            display_name().label("client_name"), c.id.label("client_id")]


def _base(f: RunningFilter, scope: Scope, *, with_state: bool = True) -> Select[*tuple[Any, ...]]:
    """The filtered running set; the delivery state (three index lookups per row) only when asked."""
    a, v, c = AllocationRow, AllocationVersionRow, ClientRow
    query: Select[*tuple[Any, ...]] = (
        select(*_columns(f.on, with_state)).join(v, v.allocation_id == a.id).join(c, c.id == v.client_id)
        .where(running_on(f.on), scope.where(a.gemeente)))
    for column, value in ((a.standard, f.standard), (a.gemeente, f.gemeente), (v.aanbieder, f.aanbieder),
                          (v.product_categorie, f.categorie), (v.product_code, f.code)):
        if value:
            query = query.where(column == value)
    if f.pc4:
        query = query.where(pc4(c.postcode) == f.pc4)
    return query


async def _totals(session: AsyncSession, inner: Subquery, where: list[ColumnElement[bool]]) -> RunningPage:
    by_state: dict[str, int] = {}
    by_standard: dict[str, int] = {}
    counts = await session.execute(select(inner.c.standard, inner.c.state, func.count()).where(*where)
                                   .group_by(inner.c.standard, inner.c.state))
    for standard, state, count in counts.all():
        by_state[state] = by_state.get(state, 0) + count
        by_standard[standard] = by_standard.get(standard, 0) + count
    clients = await session.scalar(select(func.count(func.distinct(inner.c.client_id))).where(*where))
    return RunningPage([], sum(by_state.values()), clients or 0, by_state, by_standard)


async def _page(session: AsyncSession, f: RunningFilter, scope: Scope) -> list[RunningRow]:
    """Sort and cut on (id, key) only, then read the page's columns (and delivery state) for those rows."""
    early = bool(f.state) or f.sort == "state"
    inner = _base(f, scope, with_state=early).subquery()
    name = f.sort if f.sort in SORTS else "toewijzingnummer"

    def ordered(column: Any) -> Any:
        return column.desc() if f.descending else column.asc()

    per_page = max(1, min(f.per_page, 1000))
    cut = (select(inner.c.allocation_id, inner.c[name].label("sort_key"))
           .where(*([inner.c.state == f.state] if f.state else []))
           .order_by(ordered(inner.c[name]), inner.c.allocation_id)
           .limit(per_page).offset((max(f.page, 1) - 1) * per_page)).subquery()
    a, v, c = AllocationRow, AllocationVersionRow, ClientRow
    page = (select(*_columns(f.on, True)).select_from(cut).join(a, a.id == cut.c.allocation_id)
            .join(v, (v.allocation_id == a.id) & counting_version()).join(c, c.id == v.client_id)
            .order_by(ordered(cut.c.sort_key), cut.c.allocation_id))
    return [RunningRow(*row[:-1]) for row in (await session.execute(page)).all()]


async def running_allocations(session: AsyncSession, f: RunningFilter, scope: Scope) -> RunningPage:
    """One page of running allocations plus the totals of the whole filtered set."""
    inner = _base(f, scope).subquery()
    totals = await _totals(session, inner, [inner.c.state == f.state] if f.state else [])
    return dataclasses.replace(totals, rows=await _page(session, f, scope))


@dataclass(frozen=True, slots=True)
class AreaRow:
    pc4: str | None
    categorie: str | None
    allocations: int
    clients: int


async def area(session: AsyncSession, on: date, scope: Scope) -> list[AreaRow]:
    """Running allocations and distinct clients per PC4 and product category (aggregates only)."""
    a, v, c = AllocationRow, AllocationVersionRow, ClientRow
    area_pc4 = pc4(c.postcode).label("pc4")
    query = (select(area_pc4, v.product_categorie, func.count(), func.count(func.distinct(c.id)))
             .select_from(a).join(v, v.allocation_id == a.id).join(c, c.id == v.client_id)
             .where(running_on(on), scope.where(a.gemeente))
             .group_by(area_pc4, v.product_categorie).order_by(area_pc4, v.product_categorie))
    return [AreaRow(*row) for row in (await session.execute(query)).all()]

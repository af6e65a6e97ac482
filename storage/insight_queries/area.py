"""Wijkanalyse in SQL: clients and allocations per own PC4, law and age group on a date; the monthly trend.

The PC4 and birth date of an allocation's client are those of the allocation's own gemeente's latest
301, kept per (client, gemeente) in client_areas as each 301 is written (storage.client_areas): the
queries group the counting versions by those columns and never join the clients or the messages.
A `pending` row (migration 0402 could not place it from the register) is grouped per client
(`elsewhere`) and the caller reads its 301 (`own_sources`, decoded in gateway.web.identity).
The unit counted is a client of one gemeente (handlers.insight.area_table).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.insight.area_file import AGE_GROUPS
from handlers.insight.area_table import UNKNOWN_AGE, birth_cutoffs
from storage.client_areas import ClientAreaRow
from storage.insight_queries.common import Scope, counting_version, running_on
from storage.models import AllocationRow, AllocationVersionRow


@dataclass(frozen=True, slots=True)
class AreaFilter:
    on: date
    gemeente: str | None = None
    standard: str | None = None  # iwmo | ijw
    categorie: str | None = None


@dataclass(frozen=True, slots=True)
class LawGroup:
    gemeente: str
    standard: str
    pc4: str | None
    elsewhere: int | None  # a client id: PC4 to be read from the gemeente's own 301
    allocations: int
    clients: int


@dataclass(frozen=True, slots=True)
class AgeGroup:
    gemeente: str
    pc4: str | None
    age: str | None  # None for a client elsewhere
    elsewhere: int | None
    clients: int


@dataclass(frozen=True, slots=True)
class TrendPoint:
    index: int  # of handlers.insight.area_table.trend_dates
    gemeente: str
    standard: str
    allocations: int
    clients: int


_area = ClientAreaRow


def own_pc4() -> ColumnElement[str | None]:
    """The PC4 of the allocation's client as the allocation's own gemeente's latest 301 gives it."""
    return _area.pc4.expression


def elsewhere_client() -> ColumnElement[int | None]:
    """The client id where the area row is still to be read from that 301 (`pending`), else NULL."""
    return case((_area.pending.is_(True), AllocationVersionRow.client_id), else_=None)


def with_area(query: Select[Any]) -> Select[Any]:
    """Join each version's area row: its client as the allocation's gemeente knows them."""
    a, v = AllocationRow, AllocationVersionRow
    return query.outerjoin(_area, and_(_area.client_id == v.client_id, _area.gemeente == a.gemeente))


def _running(f: AreaFilter, scope: Scope, on: date, *columns: Any,
             period: ColumnElement[bool] | None = None) -> Select[Any]:
    """The counting versions running on `on` (or in `period`) under the filter, joined to their clients."""
    a, v = AllocationRow, AllocationVersionRow
    where = [running_on(on) if period is None else period, scope.where(a.gemeente)]
    for column, value in ((a.gemeente, f.gemeente), (a.standard, f.standard),
                          (v.product_categorie, f.categorie)):
        if value:
            where.append(column == value)
    return select(*columns).select_from(v).join(a, a.id == v.allocation_id).where(*where)


def age_on(on: date) -> ColumnElement[str]:
    """The age group on `on` of an area row's client (SQL twin of handlers.insight.area_table.age_group)."""
    adult, senior = birth_cutoffs(on)
    born = _area.geboortedatum
    return case((born.is_(None), UNKNOWN_AGE), (born > adult, AGE_GROUPS[0]), (born > senior, AGE_GROUPS[1]),
                else_=AGE_GROUPS[2])


async def law_groups(session: AsyncSession, f: AreaFilter, scope: Scope) -> list[LawGroup]:
    a, v = AllocationRow, AllocationVersionRow
    area, elsewhere = own_pc4().label("pc4"), elsewhere_client().label("elsewhere")
    query = with_area(_running(f, scope, f.on, a.gemeente, a.standard, area, elsewhere, func.count(),
                               func.count(func.distinct(v.client_id))))
    query = query.group_by(a.gemeente, a.standard, area, elsewhere)
    return [LawGroup(*row) for row in (await session.execute(query)).all()]


async def age_groups(session: AsyncSession, f: AreaFilter, scope: Scope) -> list[AgeGroup]:
    a, v = AllocationRow, AllocationVersionRow
    area, elsewhere = own_pc4().label("pc4"), elsewhere_client().label("elsewhere")
    age = case((_area.pending.is_(True), None), else_=age_on(f.on)).label("age")
    query = with_area(_running(f, scope, f.on, a.gemeente, area, age, elsewhere,
                               func.count(func.distinct(v.client_id))))
    query = query.group_by(a.gemeente, area, age, elsewhere)
    return [AgeGroup(*row) for row in (await session.execute(query)).all()]


async def trend(session: AsyncSession, f: AreaFilter, scope: Scope, dates: list[date]) -> list[TrendPoint]:
    """Running allocations and distinct clients per gemeente and law on each date (ascending), in one pass.

    One scan of the versions that touch the period: per client, gemeente and law whether any of its
    allocations runs on each date (max of 0/1) and how many; then the sums per gemeente and law.
    """
    a, v = AllocationRow, AllocationVersionRow
    runs = [case((and_(v.ingangsdatum <= on, or_(v.einddatum.is_(None), v.einddatum >= on)), 1), else_=0)
            for on in dates]
    period = and_(counting_version(), v.ingangsdatum <= dates[-1],
                  or_(v.einddatum.is_(None), v.einddatum >= dates[0]))
    per_client = _running(f, scope, dates[-1], a.gemeente, a.standard,
                          *(func.max(r).label(f"c{n}") for n, r in enumerate(runs)),
                          *(func.sum(r).label(f"a{n}") for n, r in enumerate(runs)), period=period)
    inner = per_client.group_by(a.gemeente, a.standard, v.client_id).subquery("per_client")
    query = select(inner.c.gemeente, inner.c.standard,
                   *(func.sum(inner.c[f"c{n}"]) for n in range(len(dates))),
                   *(func.sum(inner.c[f"a{n}"]) for n in range(len(dates)))).group_by(
                       inner.c.gemeente, inner.c.standard)
    points = []
    for gemeente, standard, *sums in (await session.execute(query)).all():
        clients, allocations = sums[:len(dates)], sums[len(dates):]
        points += [TrendPoint(n, gemeente, standard, int(allocations[n] or 0), int(clients[n] or 0))
                   for n in range(len(dates))]
    return points


async def own_sources(session: AsyncSession, pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """The latest 301 of each (client id, gemeente): the message the gemeente's own address is in."""
    wanted = set(pairs)
    if not wanted:
        return {}
    query = select(_area.client_id, _area.gemeente, _area.message_id).where(
        _area.client_id.in_(sorted({c for c, _ in wanted})),
        _area.gemeente.in_(sorted({g for _, g in wanted})))
    return {(client, gemeente): message for client, gemeente, message in (await session.execute(query)).all()
            if (client, gemeente) in wanted}


async def elsewhere_pairs(session: AsyncSession,
                          conditions: list[ColumnElement[bool]]) -> list[tuple[int, str]]:
    """(client id, gemeente) in the running set of `conditions` whose area row is pending (usually none)."""
    pending = select(_area.client_id).where(_area.pending.is_(True)).limit(1)
    if (await session.execute(pending)).first() is None:
        return []
    a, v = AllocationRow, AllocationVersionRow
    columns: list[Any] = [v.client_id, a.gemeente]
    base = select(*columns).distinct().select_from(a).join(v, v.allocation_id == a.id)
    query = with_area(base).where(*conditions, _area.pending.is_(True))
    return [(client, gemeente) for client, gemeente in (await session.execute(query)).all()]

"""Wijkanalyse in SQL: clients and allocations per own PC4, law and age group on a date; the monthly trend.

The PC4 of an allocation is the client's postcode as the allocation's own gemeente knows it. The
register's client row holds the latest 301 of any gemeente: when the message that wrote it was
exchanged with the allocation's gemeente, its postcode is that gemeente's; otherwise the rows are
grouped per client (`elsewhere`) and the caller reads PC4 and birth date from the gemeente's own
latest 301 (`own_sources`, decoded in gateway.web.identity). Usually no client is elsewhere.
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
from storage.insight_queries.common import Scope, counting_version, pc4, running_on
from storage.models import AllocationRow, AllocationVersionRow, ClientRow, MessageRow


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


_writer = MessageRow.__table__.alias("writer")


def own_address() -> ColumnElement[bool]:
    """True when the client row's address came from a message of the allocation's own gemeente."""
    a = AllocationRow
    return or_(_writer.c.sender == a.gemeente, _writer.c.receiver == a.gemeente)


def own_pc4() -> ColumnElement[str | None]:
    return case((own_address(), pc4(ClientRow.postcode)), else_=None)


def elsewhere_client() -> ColumnElement[int | None]:
    return case((own_address(), None), else_=ClientRow.id)


def with_writer(query: Select[Any]) -> Select[Any]:
    """Join the message that last wrote each client row (the query joins clients already)."""
    return query.outerjoin(_writer, _writer.c.id == ClientRow.updated_by_message_id)


def _running(f: AreaFilter, scope: Scope, on: date, *columns: Any,
             period: ColumnElement[bool] | None = None) -> Select[Any]:
    """The counting versions running on `on` (or in `period`) under the filter, joined to their clients."""
    a, v, c = AllocationRow, AllocationVersionRow, ClientRow
    where = [running_on(on) if period is None else period, scope.where(a.gemeente)]
    for column, value in ((a.gemeente, f.gemeente), (a.standard, f.standard),
                          (v.product_categorie, f.categorie)):
        if value:
            where.append(column == value)
    return (select(*columns).select_from(a).join(v, v.allocation_id == a.id).join(c, c.id == v.client_id)
            .where(*where))


def _age(on: date) -> ColumnElement[str]:
    adult, senior = birth_cutoffs(on)
    born = ClientRow.geboortedatum
    return case((born.is_(None), UNKNOWN_AGE), (born > adult, AGE_GROUPS[0]), (born > senior, AGE_GROUPS[1]),
                else_=AGE_GROUPS[2])


async def law_groups(session: AsyncSession, f: AreaFilter, scope: Scope) -> list[LawGroup]:
    a, c = AllocationRow, ClientRow
    area, elsewhere = own_pc4().label("pc4"), elsewhere_client().label("elsewhere")
    query = with_writer(_running(f, scope, f.on, a.gemeente, a.standard, area, elsewhere, func.count(),
                                 func.count(func.distinct(c.id))))
    query = query.group_by(a.gemeente, a.standard, area, elsewhere)
    return [LawGroup(*row) for row in (await session.execute(query)).all()]


async def age_groups(session: AsyncSession, f: AreaFilter, scope: Scope) -> list[AgeGroup]:
    a, c = AllocationRow, ClientRow
    area, elsewhere = own_pc4().label("pc4"), elsewhere_client().label("elsewhere")
    age = case((own_address(), _age(f.on)), else_=None).label("age")
    query = with_writer(_running(f, scope, f.on, a.gemeente, area, age, elsewhere,
                                 func.count(func.distinct(c.id))))
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
    a, v = AllocationRow, AllocationVersionRow
    query = (select(v.client_id, a.gemeente, func.max(v.message_id)).join(a, a.id == v.allocation_id)
             .where(v.client_id.in_(sorted({c for c, _ in wanted})),
                    a.gemeente.in_(sorted({g for _, g in wanted})))
             .group_by(v.client_id, a.gemeente))
    return {(client, gemeente): message for client, gemeente, message in (await session.execute(query)).all()
            if (client, gemeente) in wanted}


async def elsewhere_pairs(session: AsyncSession,
                          conditions: list[ColumnElement[bool]]) -> list[tuple[int, str]]:
    """(client id, gemeente) in the running set of `conditions` whose stored address is another gemeente's."""
    a, v, c = AllocationRow, AllocationVersionRow, ClientRow
    columns: list[Any] = [c.id, a.gemeente]
    base = (select(*columns).distinct().select_from(a).join(v, v.allocation_id == a.id)
                         .join(c, c.id == v.client_id))
    query = with_writer(base).where(*conditions, ~func.coalesce(own_address(), False))
    return [(client, gemeente) for client, gemeente in (await session.execute(query)).all()]


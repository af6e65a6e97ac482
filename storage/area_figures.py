"""The wijkanalyse read from derived tables: figures per area, law, categorie and age group, and the trend.

Grouping every running allocation per PC4, law and age group takes seconds on a register of a million
allocations, on every request. A refresh (`refresh_area_figures`: `istd insight refresh`, or the web app
in the background) computes them once for one day, set-based (INSERT ... SELECT), into
`web_insight_areas` (per gemeente, law, categorie, PC4, age group: allocations and distinct clients) and
`web_insight_area_trend` (per trend date of that day, gemeente, law, categorie), and records the day in
`web_insight_refreshed` ("areas"). Delete and inserts are one transaction: a reader sees the old set or
the new one.

Distinct clients do not add up over laws or categories (a client with two categories counts once), so
both tables also hold the rows of "every law" and "every categorie" (ALL): each filter of the page
reads its own level and adds up only over gemeente, PC4 and age group, which a client of one gemeente
has one of each (storage.insight_queries.area). A client whose area row is pending keeps a row of its
own (`elsewhere`), as the live query gives it; gateway.web.area_data places it as before. A day
other than the refreshed one is computed live.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Index, Integer, String, case, delete, func, insert, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from handlers.insight.area_table import trend_dates
from storage.client_areas import ClientAreaRow
from storage.insight_queries import area as live
from storage.insight_queries.common import Scope, running_on
from storage.models import AllocationRow, AllocationVersionRow, Base, Id
from storage.web_models import InsightRefreshRow

NAME = "areas"
LOCK = 0x15D5_A4EA  # the advisory lock of an areas refresh (PostgreSQL)
ALL = "*"  # every law / every categorie
NO_CATEGORIE = ""  # a version without a ProductCategorie: counted in ALL, never matched by a filter


class InsightAreaRow(Base):
    """Allocations and distinct clients running on the refreshed day per gemeente, law, categorie, PC4 and
    age group (law and categorie also ALL); derived, rebuilt whole by every refresh."""

    __tablename__ = "web_insight_areas"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    gemeente: Mapped[str] = mapped_column(String(4))
    standard: Mapped[str] = mapped_column(String(4))  # iwmo | ijw | ALL
    categorie: Mapped[str] = mapped_column(String(2))  # ProductCategorie | NO_CATEGORIE | ALL
    pc4: Mapped[str | None] = mapped_column(String(4))
    age: Mapped[str | None] = mapped_column(String(8))  # None for a client elsewhere
    elsewhere: Mapped[int | None] = mapped_column(Id)  # a client id whose area row is pending
    allocations: Mapped[int] = mapped_column(Integer)
    clients: Mapped[int] = mapped_column(Integer)

    # Every filter reads one level (categorie, law) within the caller's gemeenten.
    __table_args__ = (Index("ix_web_insight_areas_level", "categorie", "standard", "gemeente"),)


class InsightAreaTrendRow(Base):
    """Allocations and distinct clients per trend date of the refreshed day (its index in
    handlers.insight.area_table.trend_dates), gemeente, law and categorie (also ALL)."""

    __tablename__ = "web_insight_area_trend"

    categorie: Mapped[str] = mapped_column(String(2), primary_key=True)
    gemeente: Mapped[str] = mapped_column(String(4), primary_key=True)
    standard: Mapped[str] = mapped_column(String(4), primary_key=True)
    point: Mapped[int] = mapped_column(Integer, primary_key=True)
    allocations: Mapped[int] = mapped_column(Integer)
    clients: Mapped[int] = mapped_column(Integer)


A, T = InsightAreaRow, InsightAreaTrendRow


def _postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def refreshed_day(session: AsyncSession, name: str) -> tuple[date, datetime] | None:
    """The day and time (UTC) of the derived table `name` (None: never refreshed)."""
    row = await session.get(InsightRefreshRow, name)
    if row is None:
        return None
    at = row.computed_at if row.computed_at.tzinfo else row.computed_at.replace(tzinfo=UTC)
    return row.day, at


async def record(session: AsyncSession, name: str, day: date, began: float, rows: int) -> float:
    """Write when `name` was refreshed, for which day, how long it took (returned) and how many rows."""
    seconds = round(time.perf_counter() - began, 3)
    row = await session.get(InsightRefreshRow, name)
    if row is None:
        row = InsightRefreshRow(name=name)
        session.add(row)
    row.day, row.computed_at, row.seconds, row.rows = day, datetime.now(UTC), seconds, rows
    await session.flush()
    return seconds


async def locked_elsewhere(session: AsyncSession, lock: int) -> bool:
    """True when another refresh holds `lock` (PostgreSQL); ours then skips its round."""
    return _postgres(session) and not (await session.execute(
        select(func.pg_try_advisory_xact_lock(lock)))).scalar_one()


def _levels(real: Any, everything: bool) -> tuple[Any, list[Any]]:
    """The column of a level and what to group it by: the real column, or ALL (a SQL literal, no parameter,
    so PostgreSQL need not guess its type) grouped by nothing."""
    return (literal_column(f"'{ALL}'"), []) if everything else (real, [real])


async def refresh_area_figures(session: AsyncSession, day: date) -> tuple[int, float] | None:
    """Rebuild both tables for `day` in the caller's transaction: (rows, seconds), None when locked."""
    if await locked_elsewhere(session, LOCK):
        return None
    began = time.perf_counter()
    await session.execute(delete(A))
    await session.execute(delete(T))
    a, v, area = AllocationRow, AllocationVersionRow, ClientAreaRow
    categorie = func.coalesce(v.product_categorie, NO_CATEGORIE)
    age = case((area.pending.is_(True), None), else_=live.age_on(day))
    place = (a.gemeente, area.pc4, age, live.elsewhere_client())
    for all_laws in (False, True):
        for all_categories in (False, True):
            (law, by_law), (cat, by_cat) = _levels(a.standard, all_laws), _levels(categorie, all_categories)
            counts = (func.count(), func.count(func.distinct(v.client_id)))
            query = live.with_area(select(*place, law, cat, *counts)
                                   .select_from(v).join(a, a.id == v.allocation_id).where(running_on(day)))
            await session.execute(insert(A).from_select(
                ["gemeente", "pc4", "age", "elsewhere", "standard", "categorie", "allocations", "clients"],
                query.group_by(*place, *by_law, *by_cat)))
    for point, on in enumerate(trend_dates(day)):
        for all_categories in (False, True):
            cat, by_cat = _levels(categorie, all_categories)
            query = (select(cat, a.gemeente, a.standard, literal_column(str(point), Integer), func.count(),
                            func.count(func.distinct(v.client_id)))
                     .select_from(v).join(a, a.id == v.allocation_id).where(running_on(on))
                     .group_by(*by_cat, a.gemeente, a.standard))
            await session.execute(insert(T).from_select(
                ["categorie", "gemeente", "standard", "point", "allocations", "clients"], query))
    if _postgres(session):
        await session.execute(text("ANALYZE web_insight_areas, web_insight_area_trend"))
    rows = (await session.execute(select(func.count()).select_from(A))).scalar_one()
    return rows, await record(session, NAME, day, began, rows)


def _where(table: Any, f: live.AreaFilter, scope: Scope) -> list[Any]:
    terms = [table.categorie == (f.categorie or ALL), scope.where(table.gemeente)]
    if f.gemeente:
        terms.append(table.gemeente == f.gemeente)
    return terms


async def law_groups(session: AsyncSession, f: live.AreaFilter, scope: Scope) -> list[live.LawGroup]:
    """As storage.insight_queries.area.law_groups, from the table (summed over age groups)."""
    terms = [*_where(A, f, scope), A.standard == f.standard if f.standard else A.standard != ALL]
    query = (select(A.gemeente, A.standard, A.pc4, A.elsewhere, func.sum(A.allocations), func.sum(A.clients))
             .where(*terms).group_by(A.gemeente, A.standard, A.pc4, A.elsewhere))
    return [live.LawGroup(g, s, pc4, other, int(n), int(c))
            for g, s, pc4, other, n, c in (await session.execute(query)).all()]


async def age_groups(session: AsyncSession, f: live.AreaFilter, scope: Scope) -> list[live.AgeGroup]:
    """As storage.insight_queries.area.age_groups, from the table's rows of the law asked for (or ALL)."""
    query = (select(A.gemeente, A.pc4, A.age, A.elsewhere, func.sum(A.clients))
             .where(*_where(A, f, scope), A.standard == (f.standard or ALL))
             .group_by(A.gemeente, A.pc4, A.age, A.elsewhere))
    return [live.AgeGroup(g, pc4, age, other, int(c))
            for g, pc4, age, other, c in (await session.execute(query)).all()]


async def trend(session: AsyncSession, f: live.AreaFilter, scope: Scope) -> list[live.TrendPoint]:
    """As storage.insight_queries.area.trend for the refreshed day's trend dates, from the table."""
    terms = _where(T, f, scope)
    if f.standard:
        terms.append(T.standard == f.standard)
    query = select(T.point, T.gemeente, T.standard, T.allocations, T.clients).where(*terms)
    return [live.TrendPoint(point, g, s, n, c) for point, g, s, n, c in (await session.execute(query)).all()]


async def from_table(session: AsyncSession, on: date, name: str = NAME) -> datetime | None:
    """When the tables of `name` hold the figures of `on`: the time of their refresh (else None: live)."""
    done = await refreshed_day(session, name)
    return done[1] if done is not None and done[0] == on else None

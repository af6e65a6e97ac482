"""The flagged households (/huishoudens) read from derived tables, refreshed in the background.

Grouping every running allocation by its client's address takes seconds on a register of a million
allocations. A refresh (`refresh_households`, in the same cycle as the signals: `istd insight refresh`
or the web app) keeps, for one day, the addresses flagged over all gemeenten (`MANY_PROVIDERS` or more
providers, or both laws) in `web_insight_households`, with their counts, their first member and, when all
their allocations are of one gemeente, that gemeente. A team sees the figures of its own gemeenten
only, and fewer providers or laws can never flag an address that all gemeenten do not: so an address of
one gemeente is read as it is, and the few addresses of several gemeenten are counted again over their
parts (`web_insight_household_parts`: gemeente, law, provider, client) within the team's gemeenten.
Delete and inserts are one transaction (the caller commits); recorded as "households" in
`web_insight_refreshed`. A day other than the refreshed one is computed live
(storage.insight_queries.household).
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from sqlalchemy import Index, Integer, String, and_, case, delete, func, insert, or_, select, text, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.area_figures import locked_elsewhere, record
from storage.insight_queries.common import Scope, normal_postcode, running_on
from storage.insight_queries.household import FlaggedHousehold
from storage.models import AllocationRow, AllocationVersionRow, Base, ClientRow, Id

NAME = "households"
LOCK = 0x15D5_40E5  # the advisory lock of a households refresh (PostgreSQL)


class InsightHouseholdRow(Base):
    """An address flagged on the refreshed day over all gemeenten; derived, rebuilt whole by a refresh."""

    __tablename__ = "web_insight_households"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    postcode: Mapped[str] = mapped_column(String(8))  # normalised (storage.insight_queries.common)
    huisnummer: Mapped[int] = mapped_column(Integer)
    huisletter: Mapped[str] = mapped_column(String(1))  # '' for none
    toevoeging: Mapped[str] = mapped_column(String(4))  # '' for none
    gemeente: Mapped[str | None] = mapped_column(String(4))  # None: allocations of several gemeenten
    providers: Mapped[int] = mapped_column(Integer)
    standards: Mapped[int] = mapped_column(Integer)
    clients: Mapped[int] = mapped_column(Integer)
    public_id: Mapped[str] = mapped_column(String(32))  # the first member's (the list's last key)

    # A team's addresses of one gemeente; the list's order is sorted (a few thousand flagged addresses
    # per 100,000 allocations: milliseconds).
    __table_args__ = (Index("ix_web_insight_households_gemeente", "gemeente"),)


class InsightHouseholdPartRow(Base):
    """A gemeente, law, provider and client of a flagged address of several gemeenten."""

    __tablename__ = "web_insight_household_parts"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    household_id: Mapped[int] = mapped_column(Id)
    gemeente: Mapped[str] = mapped_column(String(4))
    standard: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    public_id: Mapped[str] = mapped_column(String(32))

    __table_args__ = (Index("ix_web_insight_household_parts_gemeente", "gemeente"),)


H, P = InsightHouseholdRow, InsightHouseholdPartRow
ADDRESS = ("postcode", "huisnummer", "huisletter", "toevoeging")


def _address(c: Any) -> tuple[Any, ...]:
    return (normal_postcode(c.postcode), c.huisnummer, func.coalesce(c.huisletter, ""),
            func.coalesce(c.huisnummer_toevoeging, ""))


def _flagged(providers: Any, standards: Any, many: int) -> Any:
    return or_(providers >= many, standards >= 2)


async def refresh_households(session: AsyncSession, day: date, many: int) -> tuple[int, float] | None:
    """Rebuild both tables for `day` in the caller's transaction: (addresses, seconds), None when locked."""
    if await locked_elsewhere(session, LOCK):
        return None
    began = time.perf_counter()
    await session.execute(delete(P))
    await session.execute(delete(H))
    a, v, c = AllocationRow, AllocationVersionRow, ClientRow
    address = _address(c)
    providers, standards = func.count(func.distinct(v.aanbieder)), func.count(func.distinct(a.standard))
    one = case((func.min(a.gemeente) == func.max(a.gemeente), func.min(a.gemeente)), else_=None)
    running = (select().select_from(v).join(a, a.id == v.allocation_id).join(c, c.id == v.client_id)
               .where(running_on(day), c.postcode.is_not(None), c.huisnummer.is_not(None)))
    await session.execute(insert(H).from_select(
        [*ADDRESS, "gemeente", "providers", "standards", "clients", "public_id"],
        running.add_columns(*address, one, providers, standards, func.count(func.distinct(c.id)),
                            func.min(c.public_id))
        .group_by(*address).having(_flagged(providers, standards, many))))
    several = running.add_columns(H.id, a.gemeente, a.standard, v.aanbieder, c.public_id).distinct().join(
        H, and_(H.gemeente.is_(None), *(getattr(H, name) == part for name, part in zip(ADDRESS, address,
                                                                                         strict=True))))
    await session.execute(insert(P).from_select(
        ["household_id", "gemeente", "standard", "aanbieder", "public_id"], several))
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("ANALYZE web_insight_households, web_insight_household_parts"))
    rows = (await session.execute(select(func.count()).select_from(H))).scalar_one()
    return rows, await record(session, NAME, day, began, rows)


async def flagged_households(session: AsyncSession, scope: Scope, many: int, limit: int,
                             offset: int = 0) -> list[FlaggedHousehold]:
    """As storage.insight_queries.household.flagged_households on the refreshed day, from the tables."""
    columns = (H.providers, H.standards, H.clients, H.public_id)
    if not scope.gemeenten:
        query: Any = select(*columns)
    else:
        providers, standards = func.count(func.distinct(P.aanbieder)), func.count(func.distinct(P.standard))
        several = (select(providers, standards, func.count(func.distinct(P.public_id)), func.min(P.public_id))
                   .where(scope.where(P.gemeente)).group_by(P.household_id)
                   .having(_flagged(providers, standards, many)))
        single = select(*columns).where(H.gemeente.in_(sorted(scope.gemeenten)))
        query = select(*union_all(single, several).subquery("flagged").c)
    first, second, _, key = query.selected_columns
    query = query.order_by(first.desc(), second.desc(), key).offset(offset).limit(limit)
    return [FlaggedHousehold(int(p), int(s), int(n), str(public_id))
            for p, s, n, public_id in (await session.execute(query)).all()]

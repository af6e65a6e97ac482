"""The wijkanalyse's figures before any are withheld: read in SQL, clients known elsewhere placed, rates.

Shared by the pages (gateway.web.pages_area, which withholds small cells for analysts) and
`istd report area`. A client whose area row is pending (storage.client_areas) is placed by the PC4 and
birth date of the allocation's own gemeente's latest 301, decoded (gateway.web.identity).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.web.identity import own_areas
from handlers.insight.area_file import AreaPopulation
from handlers.insight.area_table import (
    UNKNOWN_AGE,
    AgeCount,
    AreaFigures,
    LawCount,
    add_rates,
    age_group,
    build_rows,
    trend_dates,
)
from storage import area_figures
from storage.areas import all_areas
from storage.insight_queries import area as queries
from storage.insight_queries.common import Scope
from storage.insight_queries.running import custom_plans
from storage.insight_queries.running_set import RunningFilter, conditions


@dataclass(frozen=True, slots=True)
class AreaTable:
    rows: list[AreaFigures]  # the areas, then the total row
    trend: list[queries.TrendPoint]
    population: dict[str, AreaPopulation]
    refreshed: datetime | None = None  # when the figures come from the derived tables: their refresh (UTC)


async def area_table(session: AsyncSession, f: queries.AreaFilter, scope: Scope) -> AreaTable:
    """The figures of `f.on`: from the derived tables (storage.area_figures) when they hold that day,
    else computed live over the register."""
    refreshed = await area_figures.from_table(session, f.on)
    if refreshed is not None:
        laws = await area_figures.law_groups(session, f, scope)
        ages = await area_figures.age_groups(session, f, scope)
        trend = await area_figures.trend(session, f, scope)
    else:
        await custom_plans(session)
        laws = await queries.law_groups(session, f, scope)
        ages = await queries.age_groups(session, f, scope)
        trend = await queries.trend(session, f, scope, trend_dates(f.on))
    population = {a.pc4: a for a in await all_areas(session)}
    pairs = {(g.elsewhere, g.gemeente) for g in laws if g.elsewhere is not None}
    pairs |= {(g.elsewhere, g.gemeente) for g in ages if g.elsewhere is not None}
    own = await own_areas(session, await queries.own_sources(session, pairs))
    law_counts = [LawCount(g.gemeente, g.standard,
                           g.pc4 if g.elsewhere is None else own[(g.elsewhere, g.gemeente)][0],
                           g.allocations, g.clients) for g in laws]
    age_counts = [AgeCount(g.gemeente, g.pc4, g.age or UNKNOWN_AGE, g.clients) if g.elsewhere is None else
                  AgeCount(g.gemeente, own[(g.elsewhere, g.gemeente)][0],
                           age_group(own[(g.elsewhere, g.gemeente)][1], f.on), g.clients) for g in ages]
    rows = build_rows(law_counts, age_counts, population)
    add_rates(rows, population)
    return AreaTable(rows, trend, population, refreshed)


async def with_own_pc4(session: AsyncSession, f: RunningFilter, scope: Scope) -> RunningFilter:
    """The running filter with the clients whose own gemeente places them in `f.pc4` though their
    area row is pending (usually none): the PC4 filter of /lopend."""
    if not f.pc4:
        return f
    unfiltered = dataclasses.replace(f, pc4=None, state=None)
    pairs = await queries.elsewhere_pairs(session, conditions(unfiltered, scope))
    own = await own_areas(session, await queries.own_sources(session, pairs))
    return dataclasses.replace(f, pc4_elsewhere=frozenset(pair for pair, (pc4, _) in own.items()
                                                          if pc4 == f.pc4))

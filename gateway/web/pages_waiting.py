"""Wachttijden (team and analyst): ranked per provider and category over 3, 6 or 12 months, the live
waiting list, and the trend per month (server-side SVG).

The ranking folds every group of one wait into `overig`. The live waiting list is the requests
(315/317) not yet honoured nor rejected, with their age in calendar days on the reference date: a
team sees each request with a link to the client (no names), an analyst a count per provider and
category, withheld under the minimum group size like every analyst figure.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from markupsafe import Markup

from gateway.web import small_groups
from gateway.web.accounts import Principal
from gateway.web.api_models import OpenRequestItem, RankItem, WaitItem
from gateway.web.auth import AGGREGATES, TEAM, web_state
from gateway.web.charts import bar_chart
from gateway.web.pages_analysis import MEASURES, Waits, per_month_items, read_waits
from gateway.web.params import reference_date, scope_of
from gateway.web.render import page
from handlers.insight.fmt import nl_month
from handlers.insight.waiting import PERIODS, first_month, ranked
from storage import waits_table
from storage.insight_queries import analysis
from storage.insight_queries.analysis import OpenRequest

router = APIRouter()
Aggregates = Annotated[Principal, Depends(AGGREGATES)]
Team = Annotated[Principal, Depends(TEAM)]
On = Annotated[date, Depends(reference_date)]
Months = Annotated[int, Query(description="months looked back over: 3, 6 or 12")]
SHOWN_OPEN = 200  # the page's live list; the API gives all


def _months(maanden: int) -> int:
    return maanden if maanden in PERIODS else 12


async def rank_items(request: Request, who: Principal, on: date, months: int,
                     waits: Waits | None = None) -> list[RankItem]:
    """The ranking over the period; `waits` when the caller read them already (the page reads once)."""
    waits = waits if waits is not None else await read_waits(request, who)
    since, until = first_month(on, months), on.strftime("%Y-%m")
    if waits.rows is None:  # PostgreSQL ranks the derived table
        async with web_state(request).sessions() as session:
            ranks = await waits_table.ranked(session, scope_of(who), since, until)
    else:
        ranks = {measure: await asyncio.to_thread(ranked, rows, since, until)
                 for measure, rows in waits.rows.items()}
    items = [(RankItem(measure=measure, provider=r.provider, category=r.category, count=r.summary.count,
                       p50=r.summary.p50, p90=r.summary.p90, max=r.summary.max), r.clients)
             for measure, rows in ranks.items() for r in rows]
    minimum = web_state(request).min_group_size if who.role == "analyst" else None
    return small_groups.ranks(items, minimum) if minimum else [item for item, _ in items]


def _open_item(r: OpenRequest, on: date) -> OpenRequestItem:
    return OpenRequestItem(gemeente=r.gemeente, aanbieder=r.aanbieder, kind=r.kind,
                           referentie_aanbieder=r.referentie, state=r.state, category=r.category,
                           since=r.since, age_days=(on - r.since).days, client_id=r.client_public_id)


async def open_items(request: Request, who: Principal, on: date) -> list[OpenRequestItem]:
    """The waiting list: from the derived table once it was refreshed, else live."""
    async with web_state(request).sessions() as session:
        if await waits_table.refreshed(session) is not None:
            rows = await waits_table.open_requests(session, on, scope_of(who))
        else:
            rows = await analysis.open_requests(session, on, scope_of(who))
    return [_open_item(r, on) for r in rows]


def _open_counts(items: list[OpenRequestItem], minimum: int | None) -> list[tuple[str, str, int | None]]:
    """Per provider and category: how many wait, most first; None when the requests are of fewer distinct
    clients than the analyst's minimum (one client's several requests are still one client)."""
    counted = Counter((i.aanbieder, i.category) for i in items)
    clients: dict[tuple[str, str], set[str]] = defaultdict(set)
    for i in items:
        clients[(i.aanbieder, i.category)].add(i.client_id)
    return [(provider, category, None if minimum and len(clients[(provider, category)]) < minimum else count)
            for (provider, category), count in counted.most_common()]


@dataclass(frozen=True, slots=True)
class OpenView:
    shown: list[OpenRequestItem]  # the team's first SHOWN_OPEN; none for an analyst
    total: int
    counts: list[tuple[str, str, int | None]]


async def _open_view(request: Request, who: Principal, on: date, minimum: int | None) -> OpenView:
    """The page's part of the waiting list: counted in SQL on the derived table, else from the live list."""
    team, scope = who.role == "team", scope_of(who)
    async with web_state(request).sessions() as session:
        if await waits_table.refreshed(session) is not None:
            shown = await waits_table.open_requests(session, on, scope, SHOWN_OPEN) if team else []
            grouped = await waits_table.open_counts(session, on, scope)
            total = await waits_table.open_total(session, on, scope)
            counts = [(provider, category, None if minimum and clients < minimum else count)
                      for provider, category, count, clients in grouped]
            return OpenView([_open_item(r, on) for r in shown], total, counts)
    waiting = await open_items(request, who, on)
    return OpenView(waiting[:SHOWN_OPEN] if team else [], len(waiting), _open_counts(waiting, minimum))


def _trend_charts(items: list[WaitItem]) -> dict[str, Markup]:
    charts = {}
    for measure, title in MEASURES.items():
        # At most 20 groups (a legible chart), and only those shown with their figures.
        rows = [i for i in items if i.measure == measure and not i.suppressed][-20:]
        labels = [f"{i.provider} cat. {i.category}, {nl_month(i.month)}" for i in rows]
        series = [("mediaan (p50)", [i.p50 or 0 for i in rows]), ("p90", [i.p90 or 0 for i in rows])]
        charts[measure] = bar_chart(f"{title}: mediaan en p90 in dagen", labels, series)
    return charts


@router.get("/wachttijden", include_in_schema=False)
async def waiting_page(request: Request, who: Aggregates, on: On, maanden: Months = 12) -> Response:
    months = _months(maanden)
    waits = await read_waits(request, who)  # read once: the ranking and the months come from the same waits
    items = await per_month_items(request, who, waits)
    ranks = await rank_items(request, who, on, months, waits)
    minimum = web_state(request).min_group_size if who.role == "analyst" else None
    waiting = await _open_view(request, who, on, minimum)
    small = small_groups.label(minimum) if minimum else ""
    return await page(request, "waiting.html", title="Wachttijden", items=items, measures=MEASURES,
                      charts=_trend_charts(items), small=small, on=on, months=months, periods=PERIODS,
                      ranks=ranks, since=first_month(on, months), updated=waits.updated,
                      waiting=waiting.shown, waiting_total=waiting.total, open_counts=waiting.counts)


@router.get("/api/waiting/ranked", response_model=list[RankItem], tags=["aggregates"])
async def ranked_api(request: Request, who: Aggregates, on: On, maanden: Months = 12) -> list[RankItem]:
    """Per provider and category over the last 3, 6 or 12 months (to `on`), longest median first."""
    return await rank_items(request, who, on, _months(maanden))


@router.get("/api/waiting/open", response_model=list[OpenRequestItem], tags=["team"])
async def open_api(request: Request, _who: Team, on: On) -> list[OpenRequestItem]:
    """The live waiting list: requests not yet honoured nor rejected on `on`, oldest first."""
    return await open_items(request, _who, on)

"""Wachttijden (team and analyst): ranked per provider and category over 3, 6 or 12 months (paged), the
trend per month over the caller's scope or one chosen provider and/or category (server-side SVG), and the
live waiting list (paged, with its total and counts per provider and category).

The ranking folds every group of one wait into `overig`. The live waiting list is the requests
(315/317) not yet honoured nor rejected, with their age in calendar days on the reference date: a
team sees each request with a link to the client (no names), an analyst a count per provider and
category, withheld under the minimum group size like every analyst figure. Nothing here lists every
provider, category and month at once: that table grows with the register, not with the question.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from markupsafe import Markup

from gateway.web import small_groups
from gateway.web.accounts import Principal
from gateway.web.api_models import (
    OpenCountItem,
    OpenRequestItem,
    OpenRequestPage,
    RankItem,
    RankPage,
    WaitItem,
)
from gateway.web.auth import AGGREGATES, TEAM, web_state
from gateway.web.charts import bar_chart
from gateway.web.pages_analysis import MEASURES, Waits, read_waits, trend_items
from gateway.web.params import Paging, paging, reference_date, scope_of
from gateway.web.render import csv_response, page
from handlers.insight.fmt import nl_month
from handlers.insight.waiting import ALL, PERIODS, TREND_MONTHS, RankRow, first_month, ranked
from storage import waits_table
from storage.insight_queries import analysis
from storage.insight_queries.analysis import OpenRequest

router = APIRouter()
Aggregates = Annotated[Principal, Depends(AGGREGATES)]
Team = Annotated[Principal, Depends(TEAM)]
On = Annotated[date, Depends(reference_date)]
Months = Annotated[int, Query(description="months looked back over: 3, 6 or 12")]
Provider = Annotated[str | None, Query(pattern=r"^(\d{8})?$", description="the trend of one provider")]
Category = Annotated[str | None, Query(max_length=2, description="the trend of one category ('-': none)")]
SHOWN_OPEN = 200  # the page's first page of the live list
RANK_PAGE = 50  # ranking rows per measure on a page
SHOWN_COUNTS = 50  # the page's counts of the waiting list: the providers and categories where most wait


def rank_paging(page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                per_page: Annotated[int, Query(ge=1, le=1000)] = RANK_PAGE) -> Paging:
    return Paging(page, per_page)


RankPaging = Annotated[Paging, Depends(rank_paging)]
OpenPaging = Annotated[Paging, Depends(paging)]


def _months(maanden: int) -> int:
    return maanden if maanden in PERIODS else 12


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value else None


async def _ranks(request: Request, who: Principal, on: date, months: int,
                 waits: Waits | None) -> dict[str, list[RankRow]]:
    waits = waits if waits is not None else await read_waits(request, who)
    since, until = first_month(on, months), on.strftime("%Y-%m")
    if waits.rows is None:  # PostgreSQL ranks the derived table
        async with web_state(request).sessions() as session:
            return await waits_table.ranked(session, scope_of(who), since, until)
    return {measure: await asyncio.to_thread(ranked, rows, since, until)
            for measure, rows in waits.rows.items()}


def _rank_items(request: Request, who: Principal, ranks: dict[str, list[RankRow]]) -> list[RankItem]:
    items = [(RankItem(measure=measure, provider=r.provider, category=r.category, count=r.summary.count,
                       p50=r.summary.p50, p90=r.summary.p90, max=r.summary.max), r.clients)
             for measure, rows in ranks.items() for r in rows]
    minimum = web_state(request).min_group_size if who.role == "analyst" else None
    return small_groups.ranks(items, minimum) if minimum else [item for item, _ in items]


async def rank_items(request: Request, who: Principal, on: date, months: int,
                     waits: Waits | None = None) -> list[RankItem]:
    """The whole ranking over the period; `waits` when the caller read them already (the page reads once)."""
    return _rank_items(request, who, await _ranks(request, who, on, months, waits))


async def rank_page(request: Request, who: Principal, on: date, months: int, paged: Paging,
                    waits: Waits | None = None) -> RankPage:
    """`paged.per_page` rows of each measure's ranking, in the ranking's order (longest median first)."""
    ranks = await _ranks(request, who, on, months, waits)
    shown = {measure: ranks[measure][paged.offset:paged.offset + paged.per_page] for measure in MEASURES
             if measure in ranks}
    return RankPage(since=first_month(on, months), until=on.strftime("%Y-%m"), page=paged.page,
                    per_page=paged.per_page, totals={measure: len(ranks[measure]) for measure in shown},
                    items=_rank_items(request, who, shown))


def trend_since(on: date) -> str:
    return first_month(on, TREND_MONTHS)


def _open_item(r: OpenRequest, on: date) -> OpenRequestItem:
    return OpenRequestItem(gemeente=r.gemeente, aanbieder=r.aanbieder, kind=r.kind,
                           referentie_aanbieder=r.referentie, state=r.state, category=r.category,
                           since=r.since, age_days=(on - r.since).days, client_id=r.client_public_id)


def _open_counts(rows: list[OpenRequest]) -> list[tuple[str, str, int, int]]:
    """Per provider and category: (provider, category, requests, distinct clients), most requests first,
    ties in the order their first request has in the list (as waits_table.open_counts)."""
    counted = Counter((r.aanbieder, r.category) for r in rows)
    clients: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        clients[(r.aanbieder, r.category)].add(r.client_public_id)
    return [(provider, category, count, len(clients[(provider, category)]))
            for (provider, category), count in counted.most_common()]


@dataclass(frozen=True, slots=True)
class OpenView:
    shown: list[OpenRequestItem]  # the page asked for; none for an analyst
    total: int
    counts: list[tuple[str, str, int, int]]  # provider, category, requests, distinct clients


async def open_view(request: Request, who: Principal, on: date, paged: Paging) -> OpenView:
    """One page of the waiting list, its total and its counts: SQL on the derived table once it was
    refreshed, else from the live list."""
    team, scope = who.role == "team", scope_of(who)
    async with web_state(request).sessions() as session:
        if await waits_table.refreshed(session) is not None:
            shown = await waits_table.open_requests(session, on, scope, paged.per_page, paged.offset) \
                if team else []
            counts = await waits_table.open_counts(session, on, scope)
            total = await waits_table.open_total(session, on, scope)
            return OpenView([_open_item(r, on) for r in shown], total, counts)
        waiting = await analysis.open_requests(session, on, scope)
    shown = waiting[paged.offset:paged.offset + paged.per_page] if team else []
    return OpenView([_open_item(r, on) for r in shown], len(waiting), _open_counts(waiting))


def _trend_charts(items: list[WaitItem]) -> dict[str, Markup]:
    charts = {}
    for measure, title in MEASURES.items():
        rows = [i for i in items if i.measure == measure and not i.suppressed]
        labels = [nl_month(i.month) for i in rows]
        series = [("mediaan (p50)", [i.p50 or 0 for i in rows]), ("p90", [i.p90 or 0 for i in rows])]
        charts[measure] = bar_chart(f"{title}: mediaan en p90 in dagen per maand", labels, series)
    return charts


@router.get("/wachttijden", include_in_schema=False)
async def waiting_page(request: Request, who: Aggregates, on: On, paged: RankPaging, maanden: Months = 12,
                       aanbieder: Provider = None, categorie: Category = None) -> Response:
    months, provider, category = _months(maanden), _blank(aanbieder), _blank(categorie)
    waits = await read_waits(request, who)  # read once: the ranking and the trend come from the same waits
    # Three questions, each on a session of its own: PostgreSQL answers them side by side.
    ranks, items, waiting = await asyncio.gather(
        rank_page(request, who, on, months, paged, waits),
        trend_items(request, who, waits, trend_since(on), on.strftime("%Y-%m"), provider, category),
        open_view(request, who, on, Paging(1, SHOWN_OPEN)))
    minimum = web_state(request).min_group_size if who.role == "analyst" else None
    counts = [(p, c, None if minimum and clients < minimum else count)
              for p, c, count, clients in waiting.counts]
    small = small_groups.label(minimum) if minimum else ""
    return await page(request, "waiting.html", title="Wachttijden", items=items, measures=MEASURES,
                      charts=_trend_charts(items), small=small, on=on, months=months, periods=PERIODS,
                      ranks=ranks, last_page=max(paged.last_page(n) for n in [0, *ranks.totals.values()]),
                      since=ranks.since, trend_since=trend_since(on), provider=provider, category=category,
                      updated=waits.updated, waiting=waiting.shown, waiting_total=waiting.total,
                      open_counts=counts[:SHOWN_COUNTS], open_groups=len(counts))


@router.get("/api/waiting/ranked", response_model=RankPage, tags=["aggregates"])
async def ranked_api(request: Request, who: Aggregates, on: On, paged: RankPaging,
                     maanden: Months = 12) -> RankPage:
    """Per provider and category over the last 3, 6 or 12 months (to `on`), longest median first; one page
    of each measure (`per_page` rows, default 50) and each measure's number of rows."""
    return await rank_page(request, who, on, _months(maanden), paged)


@router.get("/api/waiting", response_model=list[WaitItem], tags=["aggregates"])
async def waiting_api(request: Request, who: Aggregates, on: On, aanbieder: Provider = None,
                      categorie: Category = None) -> list[WaitItem]:
    """The trend: waiting days per month over the 24 months to `on` (count, p50, p90 nearest rank, max),
    over every provider and category of the caller (`alle`), or of the chosen provider and/or category."""
    return await trend_items(request, who, await read_waits(request, who), trend_since(on),
                             on.strftime("%Y-%m"), _blank(aanbieder), _blank(categorie))


@router.get("/api/waiting.csv", tags=["aggregates"], response_class=Response)
async def waiting_csv(request: Request, who: Aggregates, on: On, maanden: Months = 12,
                      aanbieder: Provider = None, categorie: Category = None) -> Response:
    """The ranking of the period (every row); with a provider and/or category: that trend per month."""
    minimum = web_state(request).min_group_size if who.role == "analyst" else None
    provider, category = _blank(aanbieder), _blank(categorie)
    if provider or category:
        header = tuple(WaitItem.model_fields)
        months_of = await trend_items(request, who, await read_waits(request, who), trend_since(on),
                                      on.strftime("%Y-%m"), provider, category)
        name = f"wachttijden-{provider or ALL}-{category or ALL}-{on}.csv"
        return await csv_response(request, name, header, _rows(months_of, header, minimum))
    months = _months(maanden)
    since, until = first_month(on, months), on.strftime("%Y-%m")
    fields = tuple(RankItem.model_fields)
    ranks = await rank_items(request, who, on, months)
    rows = [[since, until, *row] for row in _rows(ranks, fields, minimum)]
    header = ("first_month", "last_month", *fields)
    return await csv_response(request, f"wachttijden-{since}-{until}.csv", header, rows)


def _rows(items: Sequence[WaitItem | RankItem], header: tuple[str, ...],
          minimum: int | None) -> list[list[Any]]:
    if minimum is None:
        return [[getattr(i, h) for h in header] for i in items]
    return small_groups.csv_rows(items, header, minimum)


@router.get("/api/waiting/open", response_model=OpenRequestPage, tags=["team"])
async def open_api(request: Request, who: Team, on: On, paged: OpenPaging) -> OpenRequestPage:
    """The live waiting list on `on`, oldest first: one page (`per_page`, default 100), the total and the
    requests and distinct clients per provider and category of the whole list."""
    view = await open_view(request, who, on, paged)
    return OpenRequestPage(total=view.total, page=paged.page, per_page=paged.per_page, items=view.shown,
                           counts=[OpenCountItem(provider=p, category=c, count=n, clients=k)
                                   for p, c, n, k in view.counts])

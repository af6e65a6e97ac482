"""Wachttijden and benutting (team and analyst): pages, JSON API, CSV (the wijkanalyse: pages_area).

Analysts get aggregates only: no per-allocation rows, no client ids, never a name or BSN, and no
figure about fewer clients than the minimum group size (gateway.web.small_groups).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from gateway.web import pages_usage, small_groups
from gateway.web.accounts import Principal
from gateway.web.api_models import (
    UsageAllocationItem,
    UsageGroupItem,
    UsageResponse,
    WaitItem,
)
from gateway.web.audit import audit_list
from gateway.web.auth import AGGREGATES, TEAM, web_state
from gateway.web.params import Paging, paging, reference_date, scope_of
from gateway.web.render import csv_response, page
from handlers.insight.fmt import AMSTERDAM
from handlers.insight.usage import per_group
from handlers.insight.waiting import Wait, per_month
from storage import waits_table
from storage.insight_queries import analysis

router = APIRouter()
Team = Annotated[Principal, Depends(TEAM)]
Aggregates = Annotated[Principal, Depends(AGGREGATES)]
On = Annotated[date, Depends(reference_date)]
Page = Annotated[Paging, Depends(paging)]
MEASURES = {"request_to_allocation": "Aanvraag → toewijzing", "allocation_to_start": "Toewijzing → start"}


def _minimum(request: Request, who: Principal) -> int | None:
    """The minimum group size that applies to the caller: analysts only."""
    return web_state(request).min_group_size if who.role == "analyst" else None


def _small(request: Request, who: Principal) -> str:
    """How a withheld figure reads on the caller's pages ("< 5"); empty when nothing is withheld."""
    minimum = _minimum(request, who)
    return small_groups.label(minimum) if minimum else ""


def _csv_rows(request: Request, who: Principal, items: Sequence[Any],
              header: Sequence[str]) -> list[list[Any]]:
    minimum = _minimum(request, who)
    if minimum is None:
        return [[getattr(i, h) for h in header] for i in items]
    return small_groups.csv_rows(items, header, minimum)


@dataclasses.dataclass(frozen=True, slots=True)
class Waits:
    """The waits a request summarises: read from the derived table (storage.waits_table) once it was
    refreshed, else computed live; `rows` None when PostgreSQL summarises the table itself."""

    rows: dict[str, list[Wait]] | None
    updated: str | None  # "HH:MM" (Europe/Amsterdam) of the table's refresh; None: computed live


async def read_waits(request: Request, who: Principal) -> Waits:
    async with web_state(request).sessions() as session:
        done = await waits_table.refreshed(session)
        if done is None:
            return Waits(await analysis.waits(session, scope_of(who)), None)
        updated = done.computed_at.astimezone(AMSTERDAM).strftime("%H:%M")
        if waits_table.postgres(session):
            return Waits(None, updated)
        return Waits(await waits_table.waits(session, scope_of(who)), updated)


async def wait_items(request: Request, who: Principal) -> list[WaitItem]:
    return await per_month_items(request, who, await read_waits(request, who))


async def per_month_items(request: Request, who: Principal, waits: Waits) -> list[WaitItem]:
    """Count, p50, p90 and max per provider, category and month of both measures (small groups withheld)."""
    if waits.rows is None:
        async with web_state(request).sessions() as session:
            result = await waits_table.per_month(session, scope_of(who))
    else:
        result = {measure: await asyncio.to_thread(per_month, rows) for measure, rows in waits.rows.items()}
    items = [(WaitItem(measure=measure, provider=r.provider, category=r.category, month=r.month,
                       count=r.summary.count, p50=r.summary.p50, p90=r.summary.p90, max=r.summary.max),
              r.clients)
             for measure, rows in result.items() for r in rows]
    minimum = _minimum(request, who)
    return small_groups.waits(items, minimum) if minimum else [item for item, _ in items]


@router.get("/api/waiting", response_model=list[WaitItem], tags=["aggregates"])
async def waiting_api(request: Request, who: Aggregates) -> list[WaitItem]:
    """Waiting days per provider, product category and month: count, p50, p90 (nearest rank), max."""
    return await wait_items(request, who)


@router.get("/api/waiting.csv", tags=["aggregates"], response_class=Response)
async def waiting_csv(request: Request, who: Aggregates) -> Response:
    header = tuple(WaitItem.model_fields)
    items = await wait_items(request, who)
    return await csv_response(request, "wachttijden.csv", header, _csv_rows(request, who, items, header))


async def usage_response(request: Request, who: Principal, on: date,
                         paged: Paging | None = None) -> UsageResponse:
    """Groups in full; the team's per-allocation rows one page at a time (all of them without `paged`)."""
    minimum = _minimum(request, who)
    async with web_state(request).sessions() as session:
        rows = await analysis.usage_rows(session, on, scope_of(who))
        clients = await analysis.usage_clients(session, on, scope_of(who)) if minimum else {}
    groups = [UsageGroupItem(**dataclasses.asdict(g), ratio=g.ratio,
                             never_started_share=g.never_started_share)
              for g in per_group((p, c, u) for _, p, c, u in rows)]
    shown = rows[paged.offset:paged.offset + paged.per_page] if paged else rows
    detail = [UsageAllocationItem(toewijzingnummer=n, provider=p, category=c, allocated_days=u.allocated_days,
                                  delivered_days=u.delivered_days, started=u.started) for n, p, c, u in shown]
    team = who.role == "team"
    return UsageResponse(on=on, groups=small_groups.usage(groups, clients, minimum) if minimum else groups,
                         allocations=detail if team else None, allocations_total=len(rows) if team else None)


@router.get("/benutting", include_in_schema=False)
async def usage_page(request: Request, who: Aggregates, on: On, paged: Page,
                     idle_months: pages_usage.IdleMonths = None, over: pages_usage.Over = False) -> Response:
    result = await usage_response(request, who, on, paged)
    claimed = await pages_usage.claimed_response(request, who, on, idle_months, over, paged)
    if claimed.allocations is not None:
        await audit_list(request, who, "lijst:benutting-declaraties", len(claimed.allocations))
    last_page = paged.last_page(result.allocations_total or 0)
    claimed_last_page = paged.last_page(claimed.allocations_total or 0)
    # One pager walks both lists (same page and per_page): as far as the longer one goes.
    return await page(request, "usage.html", title="Benutting", on=on, result=result, claimed=claimed,
                      small=_small(request, who), paged=paged, last_page=last_page,
                      claimed_last_page=claimed_last_page, pages=max(last_page, claimed_last_page))


@router.get("/api/usage", response_model=UsageResponse, tags=["aggregates"])
async def usage_api(request: Request, who: Aggregates, on: On, paged: Page) -> UsageResponse:
    """Allocated against delivered days up to `on`, never-started share; per allocation (paged) for teams."""
    return await usage_response(request, who, on, paged)


@router.get("/api/usage.csv", tags=["aggregates"], response_class=Response)
async def usage_csv(request: Request, who: Aggregates, on: On) -> Response:
    header = tuple(UsageGroupItem.model_fields)
    groups = (await usage_response(request, who, on)).groups
    return await csv_response(request, f"benutting-{on}.csv", header,
                              _csv_rows(request, who, groups, header))

"""Usage from what was claimed (issue 11): the JSON API and CSV behind the claimed half of /benutting.

Per provider, product category, area (PC4) and month: allocated volume from the Omvang, declared and
awarded volume and amount from the 323 claim lines, and the share used (handlers.insight.claimed says
how each figure is made). Teams also get the rows per allocation and month, one page at a time.
Analysts get the groups only, and no group of fewer clients than the minimum group size
(gateway.web.small_groups). Two filters: `idle_months` (running allocations without an awarded claim
in the N full months before the reference month) and `over` (months declared beyond the allocation).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from gateway.web import small_groups
from gateway.web.accounts import Principal
from gateway.web.api_models import (
    ClaimedAllocationItem,
    ClaimedGroupItem,
    ClaimedTotals,
    ClaimedUsageResponse,
)
from gateway.web.audit import audit_list
from gateway.web.auth import AGGREGATES, web_state
from gateway.web.params import BadParameter, Paging, paging, reference_date, scope_of
from gateway.web.render import csv_response
from handlers.insight.claimed import GroupUsage, MonthUsage, filtered, per_group
from storage.insight_queries.claimed import usage_months

router = APIRouter()
Aggregates = Annotated[Principal, Depends(AGGREGATES)]
On = Annotated[date, Depends(reference_date)]
Page = Annotated[Paging, Depends(paging)]
IDLE_MAX = 36


def idle_months_param(idle_months: Annotated[str | None, Query(
        max_length=4, description="running, no awarded claim for N (1-36) months")] = None) -> int | None:
    """The idle filter; an empty field of the page's form means no filter."""
    if idle_months is None or not idle_months.strip():
        return None
    text = idle_months.strip()
    if not text.isdigit() or not 1 <= int(text) <= IDLE_MAX:
        raise BadParameter(f"Het aantal maanden zonder toegekende declaratie is {text!r}: kies een geheel "
                           f"getal van 1 tot en met {IDLE_MAX}.")
    return int(text)


IdleMonths = Annotated[int | None, Depends(idle_months_param)]
Over = Annotated[bool, Query(description="only months declared beyond the allocated volume")]


def _volume(value: float) -> float:
    return round(value, 2)


def _month(day: date) -> str:
    return day.strftime("%Y-%m")


def _group(g: GroupUsage) -> ClaimedGroupItem:
    return ClaimedGroupItem(provider=g.provider, category=g.category, pc4=g.pc4, month=_month(g.month),
                            allocations=g.allocations, started=g.started, allocated_volume=g.allocated,
                            declared_volume=_volume(g.declared_volume),
                            awarded_volume=_volume(g.awarded_volume),
                            declared_amount=g.declared_amount, awarded_amount=g.awarded_amount,
                            share=g.share)


def _row(r: MonthUsage) -> ClaimedAllocationItem:
    a = r.allocation
    return ClaimedAllocationItem(toewijzingnummer=a.key[2], standard=a.key[0], provider=a.provider,
                                 category=a.category, pc4=a.pc4, month=_month(r.month), started=a.started,
                                 eenheid=a.omvang.eenheid if a.omvang else None, allocated_volume=r.allocated,
                                 declared_volume=_volume(r.declared_volume),
                                 awarded_volume=_volume(r.awarded_volume), declared_amount=r.declared_amount,
                                 awarded_amount=r.awarded_amount, share=r.share, over=r.over)


def totals(groups: Sequence[ClaimedGroupItem]) -> ClaimedTotals:
    shown = [g for g in groups if not g.suppressed]
    allocated = [g.allocated_volume for g in shown]
    known = None if any(v is None for v in allocated) else sum(v or 0 for v in allocated)
    awarded = _volume(sum(g.awarded_volume or 0.0 for g in shown))
    return ClaimedTotals(allocated_volume=known, declared_volume=_volume(sum(g.declared_volume or 0.0
                                                                            for g in shown)),
                         awarded_volume=awarded, declared_amount=sum(g.declared_amount or 0 for g in shown),
                         awarded_amount=sum(g.awarded_amount or 0 for g in shown),
                         share=awarded / known if known else None)


async def claimed_response(request: Request, who: Principal, on: date, idle_months: int | None = None,
                           over: bool = False, paged: Paging | None = None) -> ClaimedUsageResponse:
    async with web_state(request).sessions() as session:
        rows = await usage_months(session, on, scope_of(who))
    rows = filtered(rows, on, idle_months, over)
    grouped = per_group(rows)
    items = [_group(g) for g in grouped]
    if who.role == "analyst":
        items = small_groups.claimed([(item, len(g.clients)) for item, g in zip(items, grouped, strict=True)],
                                     web_state(request).min_group_size)
    team = who.role == "team"
    shown = rows[paged.offset:paged.offset + paged.per_page] if paged else rows
    return ClaimedUsageResponse(on=on, idle_months=idle_months, over=over, groups=items, totals=totals(items),
                                allocations=[_row(r) for r in shown] if team else None,
                                allocations_total=len(rows) if team else None)


@router.get("/api/usage/claimed", response_model=ClaimedUsageResponse, tags=["aggregates"])
async def claimed_api(request: Request, who: Aggregates, on: On, paged: Page, idle_months: IdleMonths = None,
                      over: Over = False) -> ClaimedUsageResponse:
    """Allocated, declared and awarded volume and amount per provider, category, PC4 and month up to `on`."""
    result = await claimed_response(request, who, on, idle_months, over, paged)
    if result.allocations is not None:
        await audit_list(request, who, "api:benutting-declaraties", len(result.allocations))
    return result


@router.get("/api/usage/claimed.csv", tags=["aggregates"], response_class=Response)
async def claimed_csv(request: Request, who: Aggregates, on: On, idle_months: IdleMonths = None,
                      over: Over = False) -> Response:
    """The groups of /api/usage/claimed; a team gets its rows per allocation and month instead."""
    result = await claimed_response(request, who, on, idle_months, over)
    if result.allocations is not None:
        await audit_list(request, who, "csv:benutting-declaraties", len(result.allocations))
        header = tuple(ClaimedAllocationItem.model_fields)
        return await csv_response(request, f"benutting-declaraties-{on}.csv", header,
                                  [[getattr(r, h) for h in header] for r in result.allocations])
    header = tuple(ClaimedGroupItem.model_fields)
    rows = small_groups.csv_rows(result.groups, header, web_state(request).min_group_size)
    return await csv_response(request, f"benutting-declaraties-{on}.csv", header, rows)

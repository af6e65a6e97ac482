"""Lopende toewijzingen and the cliëntbeeld (team only): pages, JSON API and CSV exports."""

from __future__ import annotations

import dataclasses
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.web.accounts import Principal
from gateway.web.api_models import RunningItem, RunningResponse
from gateway.web.area_data import with_own_pc4
from gateway.web.audit import audit_list
from gateway.web.auth import TEAM, web_state
from gateway.web.identity import listed_identities
from gateway.web.pages_client import name_of
from gateway.web.pages_signals import KIND_NAMES, open_counts
from gateway.web.params import running_filter, scope_of
from gateway.web.render import csv_response, page
from storage.insight_queries.running import (
    RunningPage,
    RunningRow,
    custom_plans,
    page_rows,
    running_allocations,
)
from storage.insight_queries.running_set import RunningFilter

router = APIRouter()
Team = Annotated[Principal, Depends(TEAM)]
Filter = Annotated[RunningFilter, Depends(running_filter)]
STATE_NAMES = {"not_started": "niet gestart", "started": "gestart",
               "temporarily_stopped": "tijdelijk gestopt", "stopped": "gestopt"}
COLUMNS = ("toewijzingnummer", "standard", "gemeente", "aanbieder", "categorie", "code", "ingangsdatum",
           "einddatum", "state", "pc4", "client_id", "client_name")


def _item(row: RunningRow) -> RunningItem:
    values = dataclasses.asdict(row)
    values["client_id"] = values.pop("client_public_id")
    return RunningItem(**values)


def _csv_row(row: RunningRow) -> list[object]:
    """The CSV cells of a row: the API item's fields, read from the row itself (an export has thousands)."""
    return [row.client_public_id if column == "client_id" else getattr(row, column) for column in COLUMNS]


async def _own_identities(session: AsyncSession, rows: list[RunningRow], who: Principal) -> list[RunningRow]:
    """Name and PC4 as the team's own gemeenten know the client (see gateway.web.identity)."""
    known = await listed_identities(session, [r.client_public_id for r in rows], scope_of(who))
    if not known:
        return rows
    return [dataclasses.replace(r, client_name=name_of(known[r.client_public_id]),
                                pc4=(known[r.client_public_id].postcode or "")[:4] or None)
            if r.client_public_id in known else r for r in rows]


async def _running(request: Request, who: Principal, f: RunningFilter) -> RunningPage:
    async with web_state(request).sessions() as session:
        scope = scope_of(who)
        result = await running_allocations(session, await with_own_pc4(session, f, scope), scope)
        return dataclasses.replace(result, rows=await _own_identities(session, result.rows, who))


def _query(f: RunningFilter, **changes: object) -> str:
    values: dict[str, object] = {
        "on": f.on.isoformat(), "standard": f.standard, "gemeente": f.gemeente, "aanbieder": f.aanbieder,
        "categorie": f.categorie, "code": f.code, "pc4": f.pc4, "state": f.state, "sort": f.sort,
        "desc": "true" if f.descending else None, "page": f.page, "per_page": f.per_page}
    values.update(changes)
    return urlencode({key: value for key, value in values.items() if value not in (None, "")})


@router.get("/lopend", include_in_schema=False)
async def running_page(request: Request, who: Team, f: Filter) -> Response:
    result = await _running(request, who, f)
    await audit_list(request, who, "lijst:lopend", len(result.rows))
    last_page = max(1, -(-result.total // f.per_page))
    signal_counts = await open_counts(request, who, f.on)
    return await page(request, "running.html", title="Lopende toewijzingen", f=f, result=result,
                      signal_counts=signal_counts, kind_names=KIND_NAMES,
                      state_names=STATE_NAMES, last_page=last_page, query=lambda **c: _query(f, **c),
                      sorts=("toewijzingnummer", "aanbieder", "categorie", "ingangsdatum", "einddatum", "pc4",
                             "state"))


@router.get("/api/running", response_model=RunningResponse, tags=["team"])
async def running_api(request: Request, who: Team, f: Filter) -> RunningResponse:
    """Running allocations on `on` (filters, sort, page) with totals over the whole filtered set."""
    result = await _running(request, who, f)
    await audit_list(request, who, "api:lopend", len(result.rows))
    return RunningResponse(on=f.on, total=result.total, clients=result.clients, by_state=result.by_state,
                           by_standard=result.by_standard, estimated=result.estimated,
                           sample_modulus=result.sample_modulus, page=f.page, per_page=f.per_page,
                           items=[_item(row) for row in result.rows])


@router.get("/api/running.csv", tags=["team"], response_class=Response)
async def running_csv(request: Request, who: Team, f: Filter) -> Response:
    """All rows of the filtered set (no paging) as CSV."""
    async with web_state(request).sessions() as session:
        await custom_plans(session)
        f = await with_own_pc4(session, f, scope_of(who))
        rows = await _own_identities(session, await page_rows(session, f, scope_of(who), 0, None), who)
    await audit_list(request, who, "csv:lopend", len(rows))
    return await csv_response(request, f"lopende-toewijzingen-{f.on}.csv", COLUMNS,
                              (_csv_row(row) for row in rows))

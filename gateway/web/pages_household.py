"""Huishouden (team only): the client and everyone at the same address, their running allocations and
providers on one screen, with flags for many providers or both laws.

Who belongs to the household and what the page shows of each comes from the team's own gemeenten
(gateway.web.identity). Every member shown is written to the audit log before the page is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response

from gateway.web.accounts import Principal
from gateway.web.audit import audit_list, record_refused, record_view
from gateway.web.auth import TEAM, web_state
from gateway.web.identity import household_in_scope, identities_in_scope, identity_in_scope
from gateway.web.pages_client import address_of, name_of
from gateway.web.params import reference_date, scope_of
from gateway.web.render import page
from handlers.insight.fmt import AMSTERDAM
from handlers.insight.household import MANY_PROVIDERS, flags
from storage import household_table
from storage.area_figures import from_table
from storage.insight_queries.client import Identity, find_client
from storage.insight_queries.household import FlaggedHousehold, Running, flagged_households, running_of
from storage.unit_of_work import unit_of_work

router = APIRouter()
Team = Annotated[Principal, Depends(TEAM)]
On = Annotated[date, Depends(reference_date)]


@dataclass(frozen=True, slots=True)
class Member:
    public_id: str
    identity: Identity
    allocations: list[Running]


@router.get("/huishouden/{public_id}", include_in_schema=False)
async def household_page(request: Request, who: Team, public_id: str, on: On) -> Response:
    state, scope = web_state(request), scope_of(who)
    async with state.sessions() as session:
        client = await find_client(session, public_id, scope)
        if client is not None:
            identity = await identity_in_scope(session, client, scope)
            others = await household_in_scope(session, client, identity, scope)
            people = [(client, identity), *others]
            running = await running_of(session, [row.id for row, _ in people], on, scope)
    async with unit_of_work(state.sessions) as session:
        if client is None:
            await record_refused(session, who, request, "huishouden")
        else:
            for row, _ in people:
                await record_view(session, who, row.id, "huishouden", "huishouden", request)
    if client is None:
        raise HTTPException(404, "unknown client")
    members = [Member(row.public_id, known, [r for r in running if r.client_id == row.id])
               for row, known in people]
    household_flags = flags((r.standard, r.aanbieder) for r in running)
    providers = sorted({r.aanbieder for r in running})
    title = f"Huishouden van {name_of(identity) or 'onbekend'}"
    return await page(request, "household.html", title=title, on=on, members=members, flags=household_flags,
                      providers=providers, address=address_of(identity), name_of=name_of, public_id=public_id)


FLAGGED_LIMIT = 200


@router.get("/huishoudens", include_in_schema=False)
async def flagged_page(request: Request, who: Team, on: On) -> Response:
    """Households to look at for one plan: 3+ providers or both laws, each shown as the team knows it."""
    scope = scope_of(who)
    async with web_state(request).sessions() as session:
        refreshed = await from_table(session, on, household_table.NAME)
        if refreshed is not None:
            found = await household_table.flagged_households(session, scope, MANY_PROVIDERS, FLAGGED_LIMIT)
        else:
            found = await flagged_households(session, on, scope, MANY_PROVIDERS, FLAGGED_LIMIT)
        known = await identities_in_scope(session, [h.client_public_id for h in found], scope)
        rows: list[tuple[FlaggedHousehold, Identity]] = [
            (household, known[household.client_public_id][1]) for household in found
            if household.client_public_id in known]
    await audit_list(request, who, "lijst:huishoudens", len(rows))
    return await page(request, "households.html", title="Huishoudens voor één plan", on=on, rows=rows,
                      many=MANY_PROVIDERS, limit=FLAGGED_LIMIT, address_of=address_of,
                      updated=refreshed.astimezone(AMSTERDAM).strftime("%H:%M") if refreshed else None)

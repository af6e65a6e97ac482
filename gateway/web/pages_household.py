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
from gateway.web.audit import record_refused, record_view
from gateway.web.auth import TEAM, web_state
from gateway.web.identity import household_in_scope, identity_in_scope
from gateway.web.pages_client import address_of, name_of
from gateway.web.params import reference_date, scope_of
from gateway.web.render import page
from handlers.insight.household import flags
from storage.insight_queries.client import Identity, find_client
from storage.insight_queries.household import Running, running_of
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
    return page(request, "household.html", title=f"Huishouden van {name_of(identity) or 'onbekend'}", on=on,
                members=members, flags=household_flags, providers=providers, address=address_of(identity),
                name_of=name_of, public_id=public_id)

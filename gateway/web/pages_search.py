"""Find a client (team only): one search box on every page; BSN, name, birth date or address.

The search text is personal data, so it travels only in a POST body (a same-site form with its
CSRF token, or the API with a bearer token), never in a URL. Every search is audited with the kinds
of term and the number of hits, not the terms. A hit is shown only when the identity the team's
own gemeenten know answers the search too (the stored row may hold another gemeente's 301).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import BaseModel, Field

from gateway.web.accounts import Principal
from gateway.web.audit import record_search
from gateway.web.auth import TEAM, check_csrf, web_state
from gateway.web.identity import identity_in_scope
from gateway.web.pages_client import address_of, name_of
from gateway.web.params import BadParameter, scope_of
from gateway.web.render import page
from handlers.insight.search_terms import MAX_QUERY, Known, SearchError, SearchTerms, matches, parse_terms
from storage.insight_queries.client import Identity
from storage.insight_queries.search import search_clients
from storage.unit_of_work import unit_of_work

router = APIRouter()
Team = Annotated[Principal, Depends(TEAM)]
LIMIT = 50
# Hits read from the register before the in-scope check; a few spare for those the check drops.
CANDIDATES = LIMIT + 25


@dataclass(frozen=True, slots=True)
class Hit:
    public_id: str
    identity: Identity


@dataclass(frozen=True, slots=True)
class Found:
    hits: list[Hit]
    more: bool  # there may be more hits than shown: the search should be narrowed


class SearchRequest(BaseModel):
    q: str = Field(max_length=MAX_QUERY, description="BSN, name, birth date (dd-mm-jjjj) and/or postcode "
                                                     "and house number")


class SearchHit(BaseModel):
    client_id: str
    bsn: str
    name: str
    geboortedatum: date | None
    address: str


class SearchResponse(BaseModel):
    items: list[SearchHit]
    more: bool = Field(description="true: more clients may match than listed; narrow the search")


def _known(identity: Identity) -> Known:
    return Known(identity.bsn, identity.geboortedatum, identity.postcode, identity.huisnummer,
                 (identity.geslachtsnaam, identity.voornamen, identity.voorvoegsel, identity.straatnaam,
                  identity.plaatsnaam))


async def find(request: Request, who: Principal, terms: SearchTerms, via: str) -> Found:
    """Search, keep what the team's own gemeenten know to match, audit the search (committed first)."""
    scope = scope_of(who)
    async with web_state(request).sessions() as session:
        rows = await search_clients(session, terms, scope, CANDIDATES)
        hits = [Hit(row.public_id, identity) for row in rows
                if matches(terms, _known(identity := await identity_in_scope(session, row, scope)))]
    async with unit_of_work(web_state(request).sessions) as session:
        await record_search(session, who, request, via, terms.kinds(), min(len(hits), LIMIT))
    return Found(hits[:LIMIT], len(rows) == CANDIDATES or len(hits) > LIMIT)


def _terms(text: str) -> SearchTerms:
    try:
        return parse_terms(text)
    except SearchError as error:
        raise BadParameter(str(error)) from None


@router.get("/zoeken", include_in_schema=False)
async def search_page(request: Request, _who: Team) -> Response:
    return await page(request, "search.html", title="Cliënt zoeken", found=None, q="", name_of=name_of,
                      address_of=address_of)


@router.post("/zoeken", include_in_schema=False)
async def search_results(request: Request, who: Team, q: Annotated[str, Form(max_length=MAX_QUERY)] = "",
                         csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf)
    try:
        terms = parse_terms(q)
    except SearchError as error:
        return await page(request, "search.html", 400, title="Cliënt zoeken", found=None, q=q,
                          error=str(error), name_of=name_of, address_of=address_of)
    found = await find(request, who, terms, "zoeken")
    return await page(request, "search.html", title="Cliënt zoeken", found=found, q=q, name_of=name_of,
                      address_of=address_of)


@router.post("/api/clients/search", response_model=SearchResponse, tags=["team"])
async def search_api(request: Request, who: Team, body: SearchRequest) -> SearchResponse:
    """Clients of the team's gemeenten that answer the search (at most 50); every call is audited."""
    found = await find(request, who, _terms(body.q), "api:zoeken")
    items = [SearchHit(client_id=h.public_id, bsn=h.identity.bsn, name=name_of(h.identity),
                       geboortedatum=h.identity.geboortedatum, address=address_of(h.identity))
             for h in found.hits]
    return SearchResponse(items=items, more=found.more)

"""Cliëntbeeld (team only): every showing is written to the audit log before any personal data is read.

The reason in the audit log is the caller's own words only when the caller provably typed it: a
same-site POST of the page's form (CSRF token) or an API call with a bearer token. A link (GET)
can be made by anyone on any site, so a GET records only its fixed origin (`via`), never free text.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, Response

from gateway.web.accounts import Principal
from gateway.web.api_models import (
    AnswerItem,
    ClaimItem,
    ClientResponse,
    DeliveryItem,
    HouseholdMember,
    RequestItem,
    TimelineItem,
    VersionItem,
)
from gateway.web.audit import REASON_MAX, record_refused, record_view
from gateway.web.auth import TEAM, check_csrf, web_state
from gateway.web.identity import household_in_scope, identity_in_scope
from gateway.web.params import scope_of
from gateway.web.render import csv_response, page
from storage.insight_queries.client import ClientPicture, Identity, client_picture, find_client
from storage.unit_of_work import unit_of_work

router = APIRouter()
Team = Annotated[Principal, Depends(TEAM)]
Reason = Annotated[str, Query(max_length=REASON_MAX, description="why the data is shown (audit log)")]
VIA = {"lopende-toewijzingen": "via lopende toewijzingen", "signalen": "via signalen",
       "huishouden": "via huishouden", "zoeken": "via zoeken",
       "wachtlijst": "via wachtlijst"}


def name_of(client: Identity) -> str:
    parts = [client.voorletters or client.voornamen, client.voorvoegsel, client.geslachtsnaam]
    return " ".join(part for part in parts if part)


def address_of(client: Identity) -> str:
    house = "".join(str(p) for p in (client.huisnummer, client.huisletter) if p)
    if client.huisnummer_toevoeging:
        house += f"-{client.huisnummer_toevoeging}"
    street = " ".join(p for p in (client.straatnaam, house) if p)
    return ", ".join(p for p in (street, " ".join(q for q in (client.postcode, client.plaatsnaam) if q)) if p)


async def _picture(request: Request, who: Principal, public_id: str, view: str, reason: str) -> ClientPicture:
    """Find the client in scope, commit the audit row, then read the picture (fail closed)."""
    state = web_state(request)
    async with unit_of_work(state.sessions) as session:
        client = await find_client(session, public_id, scope_of(who))
        if client is not None:
            await record_view(session, who, client.id, view, reason, request)
        else:
            await record_refused(session, who, request, view)
    if client is None:
        raise HTTPException(404, "unknown client")
    scope = scope_of(who)
    async with state.sessions() as session:
        identity = await identity_in_scope(session, client, scope)
        household = await household_in_scope(session, client, identity, scope)
        return await client_picture(session, client, identity, scope, household)


def _api_reason(request: Request, reden: str, default: str) -> str:
    """Free text only from a bearer-token caller: a browser session may have followed someone's link."""
    return (reden or default) if getattr(request.state, "via_token", False) else default


async def _client_page(request: Request, picture: ClientPicture, reden: str) -> Response:
    title = f"Cliëntbeeld {name_of(picture.identity) or 'onbekend'}"
    return await page(request, "client.html", title=title, p=picture, name_of=name_of,
                      address=address_of(picture.identity), reden=reden)


@router.get("/clienten/{public_id}", include_in_schema=False)
async def client_page(request: Request, who: Team, public_id: str, via: str = "") -> Response:
    picture = await _picture(request, who, public_id, "clientbeeld", VIA.get(via, "clientbeeld"))
    return await _client_page(request, picture, "")


@router.post("/clienten/{public_id}", include_in_schema=False)
async def client_page_with_reason(request: Request, who: Team, public_id: str,
                                  reden: Annotated[str, Form(max_length=REASON_MAX)] = "",
                                  csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf)
    picture = await _picture(request, who, public_id, "clientbeeld", reden or "clientbeeld")
    return await _client_page(request, picture, reden)


def _versions(p: ClientPicture) -> list[VersionItem]:
    return [VersionItem(standard=a.standard, gemeente=a.gemeente, toewijzingnummer=a.toewijzingnummer,
                        aanbieder=v.aanbieder, categorie=v.product_categorie, code=v.product_code,
                        ingangsdatum=v.ingangsdatum, einddatum=v.einddatum,
                        toewijzingsdatum=v.toewijzingsdatum, reden_wijziging=v.reden_wijziging,
                        current=v.is_current, voided=v.voided, deleted=v.deleted) for a, v in p.versions]


def _deliveries(p: ClientPicture) -> list[DeliveryItem]:
    return [DeliveryItem(kind=d.kind, aanbieder=d.aanbieder, toewijzingnummer=d.toewijzingnummer,
                         begindatum=d.begindatum, einddatum=d.einddatum,
                         reden_beeindiging=d.reden_beeindiging, removed=d.removed_by_message_id is not None)
            for d in p.deliveries]


def _response(p: ClientPicture) -> ClientResponse:
    c, i = p.client, p.identity
    return ClientResponse(
        client_id=c.public_id, name=name_of(i), bsn=i.bsn, geboortedatum=i.geboortedatum,
        address=address_of(i), gemeenten=p.gemeenten, versions=_versions(p), deliveries=_deliveries(p),
        requests=[RequestItem(kind=r.kind, aanbieder=r.aanbieder, referentie_aanbieder=r.referentie_aanbieder,
                              state=r.state) for r in p.requests],
        answers=[AnswerItem(aanbieder=x.aanbieder, referentie_aanbieder=x.referentie_aanbieder,
                            verzoek_antwoord=x.verzoek_antwoord, reden_afwijzing=x.reden_afwijzing,
                            voided=x.voided) for x in p.answers],
        timeline=[TimelineItem(at=t.at, message=t.message_name, identificatie=t.identificatie,
                               status=t.status, retour=t.retour, retour_codes=t.retour_codes)
                  for t in p.timeline],
        household=[HouseholdMember(client_id=m.public_id, name=name_of(known)) for m, known in p.household],
        claims=[ClaimItem(toewijzingnummer=x.toewijzingnummer, aanbieder=x.aanbieder,
                          referentienummer=x.referentienummer, begindatum=x.begindatum, einddatum=x.einddatum,
                          volume=x.volume, eenheid=x.eenheid, bedrag=x.bedrag, debet_credit=x.debet_credit,
                          status=x.status, codes=[str(c) for c in x.codes]) for x in p.claims])


@router.get("/api/clients/{public_id}", response_model=ClientResponse, tags=["team"])
async def client_api(request: Request, who: Team, public_id: str, reden: Reason = "") -> ClientResponse:
    """One client's integral picture; every call is written to the audit log first."""
    reason = _api_reason(request, reden, "api:clientbeeld")
    return _response(await _picture(request, who, public_id, "api:clientbeeld", reason))


@router.get("/api/clients/{public_id}/timeline.csv", tags=["team"], response_class=Response)
async def client_timeline_csv(request: Request, who: Team, public_id: str, reden: Reason = "") -> Response:
    """The client's message timeline (no personal data in the rows; the file is about one client)."""
    reason = _api_reason(request, reden, "csv:clientbeeld")
    p = await _picture(request, who, public_id, "csv:clientbeeld", reason)
    rows = [[t.at.isoformat(), t.message_name, t.identificatie, t.status, t.retour, " ".join(t.retour_codes)]
            for t in p.timeline]
    header = ("at", "message", "identificatie", "status", "retour", "retour_codes")
    return await csv_response(request, "tijdlijn.csv", header, rows)

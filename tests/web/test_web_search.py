"""Find a client: the search box (page and API) on the scenario register and on the two-gemeente register.

Scenario (register_scenario.py), gemeente 0599 (team `wijk`): P Jansen 999900006 and K Jansen
999900018 at 3011AB 10, A Vries 999900031, T Smit 999900055, all born 01-01-1950 on the
Hoofdstraat in Rotterdam; M Bakker 999900043 has only gemeente 0344's allocation (team `ander`).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.insight.search_terms import SearchError, SearchTerms, parse_terms
from storage.web_models import AuditRow
from tests.web.test_web_gemeente_scope import FORGED, SHARED, _ingest
from tests.web.web_helpers import bearer, csrf_of, login


async def _search(client: httpx.AsyncClient, token: str, q: str) -> Any:
    response = await client.post("/api/clients/search", json={"q": q}, headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()


def _bsns(body: Any) -> list[str]:
    return [item["bsn"] for item in body["items"]]


def test_the_search_text_is_read_part_by_part() -> None:
    assert parse_terms(" kade  10 3011 ab ") == SearchTerms(postcode="3011AB", huisnummer=10, words=("kade",))
    terms = parse_terms("999900067 17-5-1980 Visser")
    assert (terms.bsn, terms.geboortedatum.isoformat() if terms.geboortedatum else None, terms.words) == (
        "999900067", "1980-05-17", ("visser",))
    assert parse_terms("1980-05-17").kinds() == ["geboortedatum"]
    for bad, says in (("", "Vul een BSN"), ("123456789", "elfproef"), ("31-02-1980", "geen bestaande datum"),
                      ("a", "te kort"), ("1234567", "geen BSN"), ("x" * 101, "te lang")):
        with pytest.raises(SearchError, match=says):
            parse_terms(bad)


async def test_a_team_finds_its_clients_by_name_address_birth_date_and_bsn(
    client: httpx.AsyncClient, register: dict[str, str]
) -> None:
    wijk = register["wijk"]
    jansen = await _search(client, wijk, "jansen")
    assert sorted(_bsns(jansen)) == ["999900006", "999900018"]
    assert {i["address"] for i in jansen["items"]} == {"Hoofdstraat 10, 3011AB Rotterdam"}
    assert jansen["more"] is False
    assert sorted(_bsns(await _search(client, wijk, "3011 ab 10"))) == ["999900006", "999900018"]
    assert _bsns(await _search(client, wijk, "01-01-1950 Vries")) == ["999900031"]
    assert [(i["name"], i["geboortedatum"]) for i in (await _search(client, wijk, "999900055"))["items"]] == [
        ("T Smit", "1950-01-01")]
    assert _bsns(await _search(client, wijk, "3011AB 11")) == []  # nobody at number 11
    # Bakker has only the other gemeente's allocation: not for 0599's team, by name nor by BSN.
    assert _bsns(await _search(client, wijk, "bakker")) == []
    assert _bsns(await _search(client, wijk, "999900043")) == []
    assert _bsns(await _search(client, register["ander"], "bakker")) == ["999900043"]


async def test_bad_search_text_is_a_dutch_400_and_other_roles_are_refused(
    client: httpx.AsyncClient, register: dict[str, str]
) -> None:
    team = bearer(register["wijk"])
    response = await client.post("/api/clients/search", json={"q": "123456789"}, headers=team)
    assert (response.status_code, response.json()["detail"]) == (
        400, "123456789 is geen geldig BSN (de elfproef klopt niet).")
    for role in ("ana", "beheer"):
        refused = await client.post("/api/clients/search", json={"q": "jansen"},
                                    headers=bearer(register[role]))
        assert refused.status_code == 403


async def test_the_search_page_posts_from_every_page_and_is_audited_without_the_terms(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    await login(client, "wijk")
    running = await client.get("/lopend", params={"on": "2025-03-10"})
    assert 'action="/zoeken"' in running.text  # the box in the layout
    csrf = csrf_of(running.text)
    found = await client.post("/zoeken", data={"q": "Jansen 3011AB", "csrf": csrf})
    assert found.status_code == 200
    assert found.text.count("?via=zoeken") == 2
    assert "P Jansen" in found.text
    assert "K Jansen" in found.text
    assert "zoeken?" not in found.text
    assert "jansen" not in str(found.url).lower()
    bad = await client.post("/zoeken", data={"q": "31-02-1980", "csrf": csrf})
    assert bad.status_code == 400
    assert "geen bestaande datum" in bad.text
    forged = await client.post("/zoeken", data={"q": "Jansen"})  # no CSRF token: a cross-site form
    assert forged.status_code == 403

    async with sessions() as session:
        searches = select(AuditRow).where(AuditRow.view.in_(("zoeken", "api:zoeken")))
        rows = list(await session.scalars(searches))
    assert [(r.username, r.view, r.filter, r.row_count, r.outcome) for r in rows] == [
        ("wijk", "zoeken", "postcode,words", 2, "shown")]
    assert all("jansen" not in f"{r.reason} {r.filter}".lower() for r in rows)

    await login(client, "ana")
    analyst = await client.get("/wachttijden", params={"on": "2025-03-10"})
    assert 'action="/zoeken"' not in analyst.text


async def test_a_search_shows_only_what_the_teams_own_gemeente_knows(
    client: httpx.AsyncClient, tokens: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    """The forged 315 made FORGED findable for 0344 by BSN only; SHARED shows 0344 its own 301's address."""
    ids = await _ingest(sessions)
    ander, wijk = tokens["ander"], tokens["wijk"]
    visser = await _search(client, ander, "visser")
    assert [(i["client_id"], i["address"]) for i in visser["items"]] == [
        (ids[SHARED], "Dorpsweg 10, 3511XX Utrecht")]
    assert _bsns(await _search(client, ander, "Kade")) == []  # 0599's street for SHARED and FORGED
    assert _bsns(await _search(client, ander, "3011AB")) == []
    # Both were born 17-05-1980 as 0599 knows them; 0344 knows that of SHARED only (its own 301).
    assert _bsns(await _search(client, ander, "17-05-1980")) == [SHARED]
    by_bsn = (await _search(client, ander, FORGED))["items"]
    assert [(i["client_id"], i["name"], i["address"], i["geboortedatum"]) for i in by_bsn] == [
        (ids[FORGED], "", "", None)]
    own = await _search(client, wijk, "visser kade")
    assert sorted(i["client_id"] for i in own["items"]) == sorted([ids[FORGED], ids[SHARED]])

"""Cliëntbeeld: the integral picture of one client, the household link, gemeente scope and the audit log."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import ClientRow
from storage.web_models import AuditRow
from tests.web.web_helpers import bearer, csrf_of, login


async def _public_id(sessions: async_sessionmaker[AsyncSession], bsn: str) -> tuple[str, int]:
    async with sessions() as session:
        row = (
            await session.execute(select(ClientRow.public_id, ClientRow.id).where(ClientRow.bsn == bsn))
        ).one()
    return row[0], row[1]


async def _audit(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, int | None, str, str]]:
    async with sessions() as session:
        rows = await session.execute(
            select(AuditRow.username, AuditRow.client_id, AuditRow.view, AuditRow.reason).order_by(
                AuditRow.id
            )
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]


async def test_client_picture_across_laws_and_providers(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    public_id, internal = await _public_id(sessions, "999900006")
    response = await client.get(
        f"/api/clients/{public_id}", params={"reden": "keukentafelgesprek"}, headers=bearer(register["wijk"])
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    assert body["name"] == "P Jansen"
    assert body["address"] == "Hoofdstraat 10, 3011AB Rotterdam"
    # Allocation 1001 in two versions (the extension is current), 1002, and the deleted 1005.
    versions = [(v["toewijzingnummer"], v["einddatum"], v["current"], v["deleted"]) for v in body["versions"]]
    assert versions == [
        (1001, "2025-12-31", True, False),
        (1001, "2025-06-30", False, False),
        (1002, None, True, False),
        (1005, "2025-02-01", True, True),
    ]
    assert [(d["kind"], d["toewijzingnummer"], d["begindatum"]) for d in body["deliveries"]] == [
        ("start", 1001, "2025-01-13")
    ]
    assert [(r["referentie_aanbieder"], r["state"]) for r in body["requests"]] == [
        ("REF-A1", "honoured"),
        ("REF-Q2", "under_investigation"),
    ]
    assert [(a["referentie_aanbieder"], a["verzoek_antwoord"]) for a in body["answers"]] == [("REF-Q2", "2")]
    # In date order: 315 REF-A1 (20-12), 301 v1 (02-01), 315 REF-Q2 (06-01), 319 (08-01), 305 (13-01),
    # 301 of 1005 (20-01), 301 of 1002 (31-01), 301 v2 (15-02); each with its (accepted) retour.
    names = [t["message"] for t in body["timeline"]]
    assert names == ["WMO315", "WMO301", "WMO315", "WMO319", "WMO305", "WMO301", "WMO301", "WMO301"]
    assert {t["retour"] for t in body["timeline"]} == {"accepted"}
    assert body["household"] == [
        {"client_id": (await _public_id(sessions, "999900018"))[0], "name": "K Jansen"}
    ]
    assert await _audit(sessions) == [("wijk", internal, "api:clientbeeld", "keukentafelgesprek")]


async def test_household_member_shows_the_jeugd_allocation(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    public_id, _ = await _public_id(sessions, "999900018")
    body = (await client.get(f"/api/clients/{public_id}", headers=bearer(register["wijk"]))).json()
    assert [(v["standard"], v["toewijzingnummer"]) for v in body["versions"]] == [
        ("ijw", 2001),
        ("iwmo", 1011),
    ]
    assert [(d["kind"], d["reden_beeindiging"]) for d in body["deliveries"]] == [
        ("start", None),
        ("stop", "20"),
    ]
    assert [m["name"] for m in body["household"]] == ["P Jansen"]


async def test_client_of_another_gemeente_is_not_found_and_the_refusal_audited(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    public_id, internal = await _public_id(sessions, "999900043")
    response = await client.get(f"/api/clients/{public_id}", headers=bearer(register["wijk"]))
    assert response.status_code == 404
    assert (
        await client.get(f"/api/clients/{public_id}", headers=bearer(register["ander"]))
    ).status_code == 200
    assert [(user, client_id, reason) for user, client_id, _, reason in await _audit(sessions)] == [
        ("wijk", None, "geweigerd"), ("ander", internal, "api:clientbeeld")]


async def test_analyst_and_ops_never_get_a_client(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    public_id, _ = await _public_id(sessions, "999900006")
    for user in ("ana", "beheer"):
        for path in (f"/api/clients/{public_id}", f"/api/clients/{public_id}/timeline.csv"):
            response = await client.get(path, headers=bearer(register[user]))
            assert response.status_code == 403
            assert "Jansen" not in response.text
            assert "999900006" not in response.text
    # Each refusal is audited, without a client.
    assert {(client_id, view, reason) for _, client_id, view, reason in await _audit(sessions)} == {
        (None, "rol:analyst", "geweigerd"), (None, "rol:ops", "geweigerd")}


async def test_client_page_audits_the_view_and_links_the_household(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    public_id, internal = await _public_id(sessions, "999900006")
    member, _ = await _public_id(sessions, "999900018")
    await login(client, "wijk")
    response = await client.get(f"/clienten/{public_id}", params={"via": "lopende-toewijzingen"})
    assert response.status_code == 200
    assert "Cliëntbeeld P Jansen" in response.text
    assert f'href="/clienten/{member}?via=huishouden"' in response.text
    assert "13-01-2025" in response.text
    assert await _audit(sessions) == [("wijk", internal, "clientbeeld", "via lopende toewijzingen")]
    assert "999900006" not in str(response.url)


async def test_timeline_csv(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    public_id, _ = await _public_id(sessions, "999900031")
    response = await client.get(f"/api/clients/{public_id}/timeline.csv", params={"format": "plain"},
                                headers=bearer(register["wijk"]))
    lines = response.text.strip().splitlines()
    assert lines[0] == "at,message,identificatie,status,retour,retour_codes"
    # 301 of 1003, 305, 315 REF-A5 (10-02), 301 of 1004 (20-02), 315 REF-Q1 (28-02), 305 (03-03), 307 (05-03)
    assert [line.split(",")[1] for line in lines[1:]] == [
        "WMO301",
        "WMO305",
        "WMO315",
        "WMO301",
        "WMO315",
        "WMO305",
        "WMO307",
    ]
    assert [view for _, _, view, _ in await _audit(sessions)] == ["csv:clientbeeld"]


async def test_a_link_cannot_choose_the_audit_reason(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    """A cross-site link (GET with the session cookie) records its fixed origin; free text needs the form."""
    public_id, internal = await _public_id(sessions, "999900006")
    await login(client, "wijk")
    await client.get(f"/clienten/{public_id}", params={"reden": "door aanvaller gekozen"})
    await client.get(f"/api/clients/{public_id}", params={"reden": "door aanvaller gekozen"})
    form = await client.get(f"/clienten/{public_id}")
    assert (await client.post(f"/clienten/{public_id}", data={"reden": "zonder token"})).status_code == 403
    posted = await client.post(f"/clienten/{public_id}", data={"reden": "keukentafelgesprek",
                                                                 "csrf": csrf_of(form.text)})
    assert posted.status_code == 200
    assert [reason for _, _, _, reason in await _audit(sessions)] == [
        "clientbeeld", "api:clientbeeld", "clientbeeld", "keukentafelgesprek"]
    assert {client_id for _, client_id, _, _ in await _audit(sessions)} == {internal}

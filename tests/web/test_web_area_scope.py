"""The PC4 of the wijkanalyse and of /lopend's filter is the address the allocation's own gemeente knows.

On the register of test_web_gemeente_scope.py (the real Processor): 999900109 is allocated by 0344
at 3511XX (Utrecht) on 10 January and by 0599 at 3011AB (Rotterdam) on 17 January. The register's
client row holds 0599's later 301, so 3011; 0344's figures must still place the client in 3511.
"""

from __future__ import annotations

import httpx
from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.client_areas import ClientAreaRow
from tests.web.test_web_gemeente_scope import _ingest
from tests.web.web_helpers import bearer, migration_fill

ON = {"on": "2025-03-10"}


async def test_each_gemeente_counts_a_shared_client_at_its_own_address(
    client: httpx.AsyncClient, tokens: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _ingest(sessions)
    await _areas_are_own(client, tokens)


async def _areas_are_own(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    ander = (await client.get("/api/area", params=ON, headers=bearer(tokens["ander"]))).json()
    assert [(r["area"], r["clients"], r["clients_wmo"], r["clients_18_64"]) for r in ander["rows"]] == [
        ("3511", 1, 1, 1), ("Totaal", 1, 1, 1)]  # born 1980-05-17 per 0344's own 301
    wijk = (await client.get("/api/area", params=ON, headers=bearer(tokens["wijk"]))).json()
    assert [(r["area"], r["clients"]) for r in wijk["rows"]] == [("3011", 2), ("Totaal", 2)]
    # An analyst sees both gemeenten: the shared client once in each gemeente's area.
    every = (await client.get("/api/area", params=ON, headers=bearer(tokens["ana"]))).json()
    assert [(r["area"], r["clients"]) for r in every["rows"]] == [("3011", 2), ("3511", 1), ("Totaal", 3)]
    csv = await client.get("/api/area.csv", params={**ON, "format": "plain"}, headers=bearer(tokens["ander"]))
    assert "3011" not in csv.text


async def test_the_running_pc4_filter_uses_the_own_gemeentes_address(
    client: httpx.AsyncClient, tokens: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _ingest(sessions)
    await _running_filter_is_own(client, tokens)


async def _running_filter_is_own(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:

    async def numbers(team: str, pc4: str) -> list[int]:
        response = await client.get("/api/running", params={**ON, "pc4": pc4}, headers=bearer(tokens[team]))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["total"] == len(body["items"])
        return [i["toewijzingnummer"] for i in body["items"]]

    assert await numbers("ander", "3511") == [4101]
    assert await numbers("ander", "3011") == []  # 0599's address of the client: not 0344's
    assert sorted(await numbers("wijk", "3011")) == [3001, 3101]
    assert await numbers("wijk", "3511") == []
    csv = await client.get("/api/running.csv", params={**ON, "pc4": "3511", "format": "plain"},
                           headers=bearer(tokens["ander"]))
    assert len(csv.text.splitlines()) == 2


async def test_a_register_filled_by_the_migration_places_clients_alike(
    client: httpx.AsyncClient, tokens: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Migration 0402 on a register written before client_areas: the same rows as the write paths,
    except the shared client's 0344 row, which only that gemeente's 301 can place (pending, decoded)."""
    await _ingest(sessions)
    a = ClientAreaRow
    query = select(a.client_id, a.gemeente, a.pc4, a.geboortedatum, a.message_id).order_by(a.client_id,
                                                                                           a.gemeente)
    async with sessions() as session:
        written = (await session.execute(query)).all()
        await session.execute(delete(ClientAreaRow))
        await session.execute(text(migration_fill()))
        await session.commit()
        filled = (await session.execute(query)).all()
        pending = (await session.execute(select(a.gemeente, a.pc4).where(a.pending.is_(True)))).all()
    assert pending == [("0344", None)]  # its client row holds 0599's later 301
    assert [row for row in filled if row.gemeente != "0344" or row.pc4] == [
        row for row in written if row.gemeente != "0344" or row.pc4 != "3511"]
    assert [r.message_id for r in filled] == [r.message_id for r in written]
    await _areas_are_own(client, tokens)
    await _running_filter_is_own(client, tokens)

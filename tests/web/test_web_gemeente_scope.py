"""Cross-gemeente isolation of the cliëntbeeld, on a register built by the real Processor.

Gemeente 0599 (team `wijk`) allocates to 999900067 and 999900109; gemeente 0344 (team `ander`)
allocates to 999900109 too, at another address. A provider then sends 0344 a 315 naming
999900067 with a wrong name and birth date, which is accepted: that makes the client findable for
`ander`, but must show nothing 0599 knows (name, address, allocation, its 301).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.processing.processor import Processor
from gateway.settings import Settings
from storage.models import ClientRow
from storage.unit_of_work import unit_of_work
from tests.web.ingest_messages import toewijzing, vot
from tests.web.web_helpers import bearer, login

OWN, OTHER = "0599", "0344"
FORGED, SHARED = "999900067", "999900109"


def _for(raw: bytes, gemeente: str) -> bytes:
    """The same message exchanged with another gemeente (sender of a 301, receiver of a 315)."""
    return raw.replace(f">{OWN}<".encode(), f">{gemeente}<".encode())


def _elsewhere(raw: bytes) -> bytes:
    return raw.replace(b"Kade", b"Dorpsweg").replace(b"3011AB", b"3511XX").replace(b"Rotterdam", b"Utrecht")


MESSAGES = (
    (date(2025, 1, 10), _for(_elsewhere(toewijzing("T0101", SHARED, "S", 4101, date(2025, 1, 10),
                                                   date(2025, 2, 1))), OTHER)),
    (date(2025, 1, 16), toewijzing("T0001", FORGED, "A", 3001, date(2025, 1, 16), date(2025, 2, 3))),
    (date(2025, 1, 17), toewijzing("T0002", SHARED, "S", 3101, date(2025, 1, 17), date(2025, 2, 3))),
    (date(2025, 2, 3), _for(vot("V0009", FORGED, "X9", date(2025, 2, 3), date(2025, 3, 1))
                            .replace(b"Visser", b"Nepnaam").replace(b"1980-05-17", b"1971-01-01"), OTHER)),
)


async def _ingest(sessions: async_sessionmaker[AsyncSession]) -> dict[str, str]:
    processor = Processor(Settings())
    outcomes = []
    for day, raw in MESSAGES:
        async with unit_of_work(sessions) as session:
            result = await processor.process(session, raw, received_at=datetime.combine(day, time(10), UTC),
                                             today=day)
        outcomes.append(result.outcome)
    assert outcomes == ["recorded", "recorded", "recorded", "accepted"]  # the forged 315 too
    async with sessions() as session:
        rows = await session.execute(select(ClientRow.bsn, ClientRow.public_id))
        return {bsn: public_id for bsn, public_id in rows}


async def test_a_forged_315_shows_the_other_gemeente_nothing(
    client: httpx.AsyncClient, tokens: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    ids = await _ingest(sessions)
    body = (await client.get(f"/api/clients/{ids[FORGED]}", headers=bearer(tokens["ander"]))).json()
    assert (body["name"], body["address"], body["geboortedatum"]) == ("", "", None)
    assert body["gemeenten"] == [OTHER]
    assert body["versions"] == []
    assert [t["message"] for t in body["timeline"]] == ["WMO315"]
    assert [r["referentie_aanbieder"] for r in body["requests"]] == ["X9"]
    assert body["household"] == []

    csv = await client.get(f"/api/clients/{ids[FORGED]}/timeline.csv", headers=bearer(tokens["ander"]))
    assert "WMO301" not in csv.text
    await login(client, "ander")
    html = (await client.get(f"/clienten/{ids[FORGED]}")).text
    for secret in ("Visser", "Kade", "3011", "Rotterdam", "3001", "17-05-1980"):
        assert secret not in html

    own = (await client.get(f"/api/clients/{ids[FORGED]}", headers=bearer(tokens["wijk"]))).json()
    assert (own["name"], own["address"]) == ("A Visser", "Kade 10, 3011AB Rotterdam")
    assert [v["toewijzingnummer"] for v in own["versions"]] == [3001]
    assert [t["message"] for t in own["timeline"]] == ["WMO301"]  # not the other gemeente's 315


async def test_a_client_of_two_gemeenten_shows_each_team_its_own(
    client: httpx.AsyncClient, tokens: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    ids = await _ingest(sessions)
    pictures = {team: (await client.get(f"/api/clients/{ids[SHARED]}", headers=bearer(tokens[team]))).json()
                for team in ("wijk", "ander")}
    wijk, ander = pictures["wijk"], pictures["ander"]
    assert (wijk["address"], wijk["gemeenten"]) == ("Kade 10, 3011AB Rotterdam", [OWN])
    assert [v["toewijzingnummer"] for v in wijk["versions"]] == [3101]
    assert [h["client_id"] for h in wijk["household"]] == [ids[FORGED]]
    # The register row holds 0599's later 301; 0344's team reads its own 301 instead.
    assert (ander["name"], ander["address"]) == ("S Visser", "Dorpsweg 10, 3511XX Utrecht")
    assert ander["gemeenten"] == [OTHER]
    assert [v["toewijzingnummer"] for v in ander["versions"]] == [4101]
    assert [t["identificatie"] for t in ander["timeline"]] == ["T0101"]
    assert ander["household"] == []

    # The lists too: 0344's running allocation shows the PC4 of 0344's own 301, not 0599's.
    on = {"on": "2025-03-10"}
    response = await client.get("/api/running", params=on, headers=bearer(tokens["ander"]))
    assert [(i["toewijzingnummer"], i["pc4"]) for i in response.json()["items"]] == [(4101, "3511")]
    csv = await client.get("/api/running.csv", params=on, headers=bearer(tokens["ander"]))
    assert "3011" not in csv.text
    own = await client.get("/api/running", params=on, headers=bearer(tokens["wijk"]))
    assert {(i["toewijzingnummer"], i["pc4"]) for i in own.json()["items"]} == {(3001, "3011"),
                                                                               (3101, "3011")}

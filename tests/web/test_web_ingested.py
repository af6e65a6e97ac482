"""The insight views on a register built by the real pipeline (Processor) from iWmo 3.2 XML messages."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import ClientRow
from tests.web.ingest_messages import ingest
from tests.web.web_helpers import bearer

ON = {"on": "2025-03-10"}


async def test_views_on_an_ingested_register(
    client: httpx.AsyncClient, tokens: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    assert await ingest(sessions) == ["accepted", "recorded", "accepted", "recorded"]
    team = bearer(tokens["wijk"])
    running = (await client.get("/api/running", params=ON, headers=team)).json()
    assert (running["total"], running["clients"]) == (2, 2)
    assert running["by_state"] == {"started": 1, "not_started": 1}
    assert [(i["toewijzingnummer"], i["state"], i["pc4"]) for i in running["items"]] == [
        (3001, "started", "3011"),
        (3002, "not_started", "3011"),
    ]

    async with sessions() as session:
        first = await session.scalar(select(ClientRow.public_id).where(ClientRow.bsn == "999900067"))
        second = await session.scalar(select(ClientRow.public_id).where(ClientRow.bsn == "999900079"))
    picture = (await client.get(f"/api/clients/{first}", headers=team)).json()
    assert picture["household"] == [{"client_id": second, "name": "B Visser"}]
    assert [t["message"] for t in picture["timeline"]] == ["WMO315", "WMO301", "WMO305"]
    assert [(r["referentie_aanbieder"], r["state"]) for r in picture["requests"]] == [("V1", "honoured")]

    waits = (await client.get("/api/waiting", params=ON, headers=bearer(tokens["ana"]))).json()
    assert [(w["measure"], w["month"], w["count"], w["p50"]) for w in waits] == [
        ("request_to_allocation", "2025-01", 1, 10),  # 315 of 6 Jan → 301 of 16 Jan
        ("allocation_to_start", "2025-02", 1, 2),  # Ingangsdatum 3 Feb → start 5 Feb
    ]

    signals = (await client.get("/api/signals", params=ON, headers=team)).json()
    assert [(s["rule"], s["subject"], s["due"]) for s in signals] == [  # newest first
        ("OP090", "WMO301 T0002", "2025-02-13"),  # no 302 on the 301 of Mon 10 Feb (17 working days late)
        ("OP271", "toewijzing 3002", "2025-02-17"),  # 3002 from Mon 10 Feb, never started (15 late)
        ("OP090", "WMO301 T0001", "2025-01-21"),  # nor on the 301 of Thu 16 Jan
    ]

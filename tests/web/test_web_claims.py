"""Cliëntbeeld with claims: a 323 processed for a client's allocation shows each line and its verdict."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.processing.processor import Processor
from gateway.settings import Settings
from storage.models import ClientRow
from storage.unit_of_work import unit_of_work
from tests.web.web_helpers import bearer

NS = "http://www.istandaarden.nl/iwmo/3_2"


def _line(ref: str, nr: int, begin: str, end: str, volume: int, tarief: int) -> str:
    return (f"<m:Prestatie><m:ProductReferentie><b:ReferentieNummer>{ref}</b:ReferentieNummer>"
            f"</m:ProductReferentie><m:ToewijzingNummer>{nr}</m:ToewijzingNummer>"
            "<m:ProductCategorie>02</m:ProductCategorie><m:ProductCode>02A01</m:ProductCode>"
            f"<m:ProductPeriode><b:Begindatum>{begin}</b:Begindatum><b:Einddatum>{end}</b:Einddatum>"
            f"</m:ProductPeriode><m:GeleverdVolume>{volume}</m:GeleverdVolume><m:Eenheid>04</m:Eenheid>"
            f"<m:ProductTarief>{tarief}</m:ProductTarief><m:IngediendBedrag><b:Bedrag>{volume * tarief}"
            "</b:Bedrag><b:DebetCredit>D</b:DebetCredit></m:IngediendBedrag></m:Prestatie>")


def declaratie_323() -> bytes:
    """Allocation 1001 of the scenario (gemeente 0599, provider 12345678) claimed for January, and a
    line on an allocation that does not exist (9999)."""
    lines = _line("RJAN", 1001, "2025-01-06", "2025-01-31", 4, 5000) + _line("RX", 9999, "2025-02-01",
                                                                            "2025-02-28", 2, 5000)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<m:Bericht xmlns:m="{NS}/wmo323/schema" xmlns:b="{NS}/basisschema/schema"><m:Header>
<m:BerichtCode>484</m:BerichtCode><m:BerichtVersie>3</m:BerichtVersie><m:BerichtSubversie>2</m:BerichtSubversie>
<m:Afzender>12345678</m:Afzender><m:Ontvanger>0599</m:Ontvanger><m:BerichtIdentificatie>
<b:Identificatie>DECL1</b:Identificatie><b:Dagtekening>2025-03-03</b:Dagtekening></m:BerichtIdentificatie>
<m:XsdVersie><b:BasisschemaXsdVersie>1.0.0</b:BasisschemaXsdVersie><b:BerichtXsdVersie>1.0.0</b:BerichtXsdVersie>
</m:XsdVersie></m:Header><m:Declaratie><m:DeclaratieNummer>N2025FEB</m:DeclaratieNummer>
<m:DeclaratiePeriode><b:Begindatum>2025-02-01</b:Begindatum><b:Einddatum>2025-02-28</b:Einddatum>
</m:DeclaratiePeriode><m:DeclaratieDagtekening>2025-03-03</m:DeclaratieDagtekening>
<m:TotaalIngediendBedrag><b:TotaalBedrag>30000</b:TotaalBedrag><b:DebetCredit>D</b:DebetCredit>
</m:TotaalIngediendBedrag><m:Clienten><m:Client><m:Bsn>999900006</m:Bsn><m:Prestaties>{lines}
</m:Prestaties></m:Client></m:Clienten></m:Declaratie></m:Bericht>""".encode()


async def test_client_picture_shows_claims_and_their_verdict(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with unit_of_work(sessions) as session:
        done = await Processor(Settings()).process(session, declaratie_323(), received_at=datetime.now(UTC),
                                                   today=date(2025, 3, 10))
    assert (done.outcome, done.codes) == ("partial", ("0200", "9338"))
    async with sessions() as session:
        public_id = await session.scalar(select(ClientRow.public_id).where(ClientRow.bsn == "999900006"))
    response = await client.get(f"/api/clients/{public_id}", headers=bearer(register["wijk"]))
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    assert [(c["referentienummer"], c["toewijzingnummer"], c["bedrag"], c["status"], c["codes"])
            for c in body["claims"]] == [("RJAN", 1001, 20000, "awarded", []),
                                         ("RX", 9999, 10000, "rejected", ["9338"])]  # fmt: skip
    assert ("WMO323", "DECL1", "partial") in {(t["message"], t["identificatie"], t["status"])
                                              for t in body["timeline"]}  # fmt: skip
    page = await client.get(f"/clienten/{public_id}", headers=bearer(register["wijk"]))
    assert page.status_code == 200
    assert 'id="claims"' in page.text
    assert "RJAN" in page.text
    assert "€ 200.00" in page.text
    other = await client.get(f"/api/clients/{public_id}", headers=bearer(register["ander"]))
    assert other.status_code == 404  # the other gemeente's team does not find this client

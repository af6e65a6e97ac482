"""The cliëntbeeld in headless Chromium after a declaration: each claimed line of the client's allocation
with its verdict, the figures checked against the declaration register.

Register (ingest_messages.py): allocation 3001 of A Visser from 3 Feb 2025, 8 hours per month; the
provider then claims February (6 hours at 50.00, awarded) and a line on an allocation it does not have.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

from playwright.sync_api import BrowserContext
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from gateway.processing.processor import Processor
from gateway.settings import Settings
from storage.engine import session_factory
from storage.models import ClaimLineRow
from storage.unit_of_work import unit_of_work
from tests.web.browser.browser_kit import HOUSEHOLD, Site, log_in, screenshot

A = "999900067"
NS = "http://www.istandaarden.nl/iwmo/3_2"


def _line(ref: str, nr: int, begin: str, volume: int) -> str:
    return (f"<m:Prestatie><m:ProductReferentie><b:ReferentieNummer>{ref}</b:ReferentieNummer>"
            f"</m:ProductReferentie><m:ToewijzingNummer>{nr}</m:ToewijzingNummer>"
            "<m:ProductCategorie>02</m:ProductCategorie><m:ProductCode>02A01</m:ProductCode>"
            f"<m:ProductPeriode><b:Begindatum>{begin}</b:Begindatum><b:Einddatum>2025-02-28</b:Einddatum>"
            f"</m:ProductPeriode><m:GeleverdVolume>{volume}</m:GeleverdVolume><m:Eenheid>04</m:Eenheid>"
            f"<m:ProductTarief>5000</m:ProductTarief><m:IngediendBedrag><b:Bedrag>{volume * 5000}</b:Bedrag>"
            "<b:DebetCredit>D</b:DebetCredit></m:IngediendBedrag></m:Prestatie>")


DECLARATIE = f"""<?xml version="1.0" encoding="UTF-8"?>
<m:Bericht xmlns:m="{NS}/wmo323/schema" xmlns:b="{NS}/basisschema/schema"><m:Header>
<m:BerichtCode>484</m:BerichtCode><m:BerichtVersie>3</m:BerichtVersie><m:BerichtSubversie>2</m:BerichtSubversie>
<m:Afzender>12345678</m:Afzender><m:Ontvanger>0599</m:Ontvanger><m:BerichtIdentificatie>
<b:Identificatie>DECLFEB</b:Identificatie><b:Dagtekening>2025-03-03</b:Dagtekening></m:BerichtIdentificatie>
<m:XsdVersie><b:BasisschemaXsdVersie>1.0.0</b:BasisschemaXsdVersie><b:BerichtXsdVersie>1.0.0</b:BerichtXsdVersie>
</m:XsdVersie></m:Header><m:Declaratie><m:DeclaratieNummer>NFEB</m:DeclaratieNummer>
<m:DeclaratiePeriode><b:Begindatum>2025-02-01</b:Begindatum><b:Einddatum>2025-02-28</b:Einddatum>
</m:DeclaratiePeriode><m:DeclaratieDagtekening>2025-03-03</m:DeclaratieDagtekening>
<m:TotaalIngediendBedrag><b:TotaalBedrag>40000</b:TotaalBedrag><b:DebetCredit>D</b:DebetCredit>
</m:TotaalIngediendBedrag><m:Clienten><m:Client><m:Bsn>{A}</m:Bsn><m:Prestaties>
{_line("FEB1", 3001, "2025-02-03", 6)}{_line("FEB2", 3999, "2025-02-01", 2)}
</m:Prestaties></m:Client></m:Clienten></m:Declaratie></m:Bericht>""".encode()


async def _declare(url: str) -> list[tuple[str, int, str, list[str]]]:
    """Process the 323 on the site's register; the claimed lines as stored."""
    engine = create_async_engine(url)
    try:
        async with unit_of_work(session_factory(engine)) as session:
            done = await Processor(Settings()).process(session, DECLARATIE, received_at=datetime.now(UTC),
                                                       today=date(2025, 3, 10))
            assert (done.outcome, done.codes) == ("partial", ("0200", "9338"))
        async with session_factory(engine)() as session:
            rows = await session.scalars(select(ClaimLineRow).order_by(ClaimLineRow.id))
            return [(r.referentienummer, r.bedrag, r.status, list(r.codes)) for r in rows]
    finally:
        await engine.dispose()


def test_client_view_shows_the_claims_and_their_verdict(
    site: Site, context: BrowserContext, tmp_path: Path
) -> None:
    url = site.app.state.web.engine.url.render_as_string(hide_password=False)
    with ThreadPoolExecutor(max_workers=1) as pool:  # Playwright's loop runs in this thread
        stored = pool.submit(asyncio.run, _declare(url)).result()
    assert stored == [("FEB1", 30000, "awarded", []), ("FEB2", 10000, "rejected", ["9338"])]
    page = context.new_page()
    log_in(page, site.base, "wijk")
    page.goto(f"{site.base}/clienten/{site.public_ids[A]}")
    assert page.inner_text("h1") == f"Cliëntbeeld {HOUSEHOLD[A]}"
    rows = [row.split("\t") for row in page.locator("#claims tbody tr").all_inner_texts()]
    assert [(r[0], r[2], r[5], r[6].strip()) for r in rows] == [
        ("3001", "FEB1", "€ 300.00", "toegekend"),  # 30000 cents in the register
        ("3999", "FEB2", "€ 100.00", "afgewezen 9338"),
    ]
    assert "DECLFEB" in page.inner_text("#timeline")
    screenshot(page, tmp_path, "clientbeeld-declaraties.png")

"""/benutting in headless Chromium after real 301, 305 and 323 messages: the usage from what was
claimed per allocation and month, its total and the 'over' filter, figures checked against the register.

Register: the site's (ingest_messages.py: 3001 and 3002, never claimed) plus claimed_messages.py
(4001-4003 of gemeente 0599 with their declarations, 5001 of gemeente 0344).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time
from pathlib import Path

from playwright.sync_api import BrowserContext
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from gateway.processing.processor import Processor
from gateway.settings import Settings
from storage.engine import session_factory
from storage.models import ClaimLineRow
from storage.unit_of_work import unit_of_work
from tests.web.browser.browser_kit import Site, log_in, screenshot
from tests.web.claimed_messages import MESSAGES, ON


async def _claim(url: str) -> dict[tuple[int, str], float]:
    """Process the messages on the site's register; awarded hours per (allocation, month) of gemeente
    0599 read back from claim_lines (awarded or later credited debits minus awarded credits)."""
    engine = create_async_engine(url)
    processor = Processor(Settings())
    try:
        for day, raw, expected in MESSAGES:
            async with unit_of_work(session_factory(engine)) as session:
                done = await processor.process(session, raw, received_at=datetime.combine(day, time(10), UTC),
                                               today=day)
            assert done.outcome == expected
        async with session_factory(engine)() as session:
            own = select(ClaimLineRow).where(ClaimLineRow.gemeente == "0599")
            rows = (await session.execute(own)).scalars()
            awarded: dict[tuple[int, str], float] = defaultdict(float)
            for r in rows:
                if r.status == "awarded" or (r.status == "credited" and r.debet_credit == "D"):
                    sign = -1 if r.debet_credit == "C" else 1
                    awarded[(r.toewijzingnummer, r.begindatum.strftime("%Y-%m"))] += sign * r.volume
            return dict(awarded)
    finally:
        await engine.dispose()


MONTHS = {"januari": "01", "februari": "02", "maart": "03", "april": "04", "mei": "05"}


def _month(text: str) -> str:
    name, year = text.split()
    return f"{year}-{MONTHS[name]}"


def test_usage_page_shows_claimed_against_allocated(site: Site, context: BrowserContext,
                                                    tmp_path: Path) -> None:
    url = site.app.state.web.engine.url.render_as_string(hide_password=False)
    with ThreadPoolExecutor(max_workers=1) as pool:  # Playwright's loop runs in this thread
        awarded = pool.submit(asyncio.run, _claim(url)).result()
    assert awarded == {(4001, "2025-01"): 8, (4001, "2025-03"): 0, (4002, "2025-01"): 20,
                       (4002, "2025-04"): 10}
    page = context.new_page()
    log_in(page, site.base, "wijk")
    page.goto(f"{site.base}/benutting?on={ON.isoformat()}")
    rows = [r.split("\t") for r in page.locator("#usage-claimed-allocations tbody tr").all_inner_texts()]
    shown = {(int(r[0]), _month(r[4])): (r[7], r[9]) for r in rows}
    assert {n for n, *_ in (r for r in rows if r[5] == "ja")} == {"3001", "4001"}  # started (305)
    # 3001 and 3002 (ingest_messages, from February; 8 hours a month) plus 4001-4003: 22 rows.
    assert len(shown) == 22
    for key, (_allocated, awarded_text) in shown.items():
        assert float(awarded_text.replace(",", ".")) == awarded.get(key, 0), key
    assert shown[(4001, "2025-02")][0] == "10"  # 10 hours per month
    assert shown[(4003, "2025-03")][0] == "24"  # 4 hours a week, six ISO weeks touch March 2025
    assert shown[(3001, "2025-02")][0] == "8"
    total = page.inner_text("#usage-claimed-total").split("\t")
    assert total[-3:-1] == ["€ 2.500,00", "€ 1.900,00"]  # declared and awarded, Dutch notation
    screenshot(page, tmp_path, "benutting-declaraties.png")
    page.check("#claimed-filters input[name=over]")
    with page.expect_navigation():
        page.click("#claimed-filters button[type=submit]")
    over = page.locator("#usage-claimed-allocations tbody tr").all_inner_texts()
    assert "over=true" in page.url
    assert len(over) == 1
    assert over[0].split("\t")[:2] == ["4001", "12345678"]
    assert "(meer dan toegewezen)" in over[0]
    assert "999900006" not in page.content()  # no BSN on the page

"""/wijken in headless Chromium: with a population loaded an analyst sees rates, and "< 5" for a small cell.

Register: the site's (ingest_messages.py: two clients of gemeente 0599 at 3011AB, one allocation each).
The population file is loaded as `istd areas load` would, into the site's database.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import BrowserContext
from sqlalchemy.ext.asyncio import create_async_engine

from handlers.insight.area_file import AreaPopulation
from storage.areas import replace_areas
from storage.engine import session_factory
from storage.unit_of_work import unit_of_work
from tests.web.browser.browser_kit import PERSONAL, Site, log_in, screenshot

ON = "2025-03-10"


async def _load(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with unit_of_work(session_factory(engine)) as session:
            await replace_areas(session, [AreaPopulation("3011", 4000, (800, 2400, 800), "Centrum")],
                                datetime.now(UTC))
    finally:
        await engine.dispose()


def test_an_analyst_sees_rates_and_small_cells_withheld(site: Site, context: BrowserContext,
                                                        tmp_path: Path) -> None:
    url = site.app.state.web.engine.url.render_as_string(hide_password=False)
    with ThreadPoolExecutor(max_workers=1) as pool:  # Playwright's loop runs in this thread
        pool.submit(asyncio.run, _load(url)).result()
    page = context.new_page()
    log_in(page, site.base, "ana")
    page.goto(f"{site.base}/wijken?on={ON}")
    header = page.locator("#area thead th").all_inner_texts()
    assert header[:4] == ["Wijk", "Inwoners", "Cliënten", "per 1.000"]
    rows = {r.split("\t")[0]: r.split("\t") for r in page.locator("#area tbody tr").all_inner_texts()}
    assert set(rows) == {"Centrum", "Totaal"}
    centrum = rows["Centrum"]
    assert centrum[1] == "4.000"  # Dutch thousands
    assert (centrum[2], centrum[3]) == ("< 5", "< 5")  # two clients: the count and its rate withheld
    withheld = page.locator("#area td.suppressed")
    assert withheld.count() >= 2
    assert withheld.first.inner_text() == "< 5"
    assert page.locator("svg.chart").count() == 1
    trend = page.locator("#area-trend tbody tr").all_inner_texts()
    assert len(trend) == 12
    body = page.content()
    assert [value for value in PERSONAL if value in body] == []
    screenshot(page, tmp_path, "wijkanalyse-analist.png")

    # The filters are a form: the law narrows the table, the choice stays selected.
    page.select_option("select[name=standard]", "ijw")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert "standard=ijw" in page.url
    assert page.locator("select[name=standard]").input_value() == "ijw"

"""A wijkteam member's day in headless Chromium: find a client from the search box, open the household,
see the signals for one provider and mark one handled, compare waiting times; provider names, not codes.

Register (ingest_messages.py, reference date 2025-03-10): A Visser (allocation 3001, started) and
B Visser (3002, from 10 Feb, never started) live at 3011AB 10; provider 12345678, gemeente 0599.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

from handlers.insight.provider_file import Provider
from storage.engine import create_engine, session_factory
from storage.providers import replace_providers
from storage.unit_of_work import unit_of_work
from tests.web.browser.browser_kit import HOUSEHOLD, Site, log_in, screenshot

ON = "2025-03-10"
A, B = "999900067", "999900079"
PROVIDER = "Zorg Noord B.V. (12345678)"


async def _load_providers(url: str) -> None:
    engine = create_engine(url)
    async with unit_of_work(session_factory(engine)) as session:
        await replace_providers(session, [Provider("12345678", "Zorg Noord B.V.")], datetime.now(UTC))
    await engine.dispose()


@pytest.fixture(scope="module", autouse=True)
def providers(site: Site) -> None:
    """The gemeente's provider register, written as `istd providers load` would (same storage call)."""
    asyncio.run(_load_providers(site.app.state.web.engine.url.render_as_string(hide_password=False)))


def _search(page: Page, text: str) -> None:
    """The box in the page header, as a person uses it: type, press Enter."""
    page.fill("header form.search input[name=q]", text)
    with page.expect_navigation():
        page.press("header form.search input[name=q]", "Enter")


def test_a_wijkteam_members_day(site: Site, context: BrowserContext, tmp_path: Path) -> None:
    page = context.new_page()
    log_in(page, site.base, "wijk")
    page.goto(f"{site.base}/lopend?on={ON}")

    _search(page, "visser 3011 ab")
    assert page.url.endswith("/zoeken")  # the search text is in no URL
    assert page.locator("#hits tbody tr td:first-child").all_inner_texts() == [HOUSEHOLD[A], HOUSEHOLD[B]]
    screenshot(page, tmp_path, "zoeken.png")

    _search(page, "123456789")
    assert "elfproef" in page.inner_text("#search-error")

    _search(page, A)
    with page.expect_navigation():
        page.click("#hits a")
    assert page.inner_text("h1") == f"Cliëntbeeld {HOUSEHOLD[A]}"
    assert A not in page.url
    assert page.locator("#versions tbody tr td:nth-child(2)").all_inner_texts() == [PROVIDER]
    with page.expect_navigation():
        page.click("#household-screen")  # the whole household on one screen
    assert page.inner_text("h1") == f"Huishouden van {HOUSEHOLD[A]}"
    page.fill("form.filters input[name=on]", ON)  # the register's day, not today
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    rows = page.locator("#household-allocations tbody tr")
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())] == [
        HOUSEHOLD[A], HOUSEHOLD[B]]
    assert page.locator("#household-providers li").all_inner_texts() == [PROVIDER]
    assert page.inner_text("#household-flags").endswith("Geen signalen voor één plan")  # 1 provider, Wmo
    screenshot(page, tmp_path, "dag-huishouden.png")
    with page.expect_navigation():
        page.click(f"#household-allocations a[href^='/clienten/{site.public_ids[B]}']")
    assert page.inner_text("h1") == f"Cliëntbeeld {HOUSEHOLD[B]}"

    page.goto(f"{site.base}/lopend?on={ON}")  # the start page counts the open signals per kind
    assert page.inner_text("#signal-counts [data-kind=start_missing]") == "1"
    with page.expect_navigation():
        page.click("#signal-counts a[href*='soort=start_missing']")
    page.fill("form.filters input[name=aanbieder]", "12345678")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert "aanbieder=12345678" in page.url
    row = page.locator("#signals tbody tr", has_text="toewijzing 3002")
    assert row.locator("td:nth-child(4)").inner_text() == PROVIDER
    screenshot(page, tmp_path, "dag-signalen.png")
    row.locator("input[name=reden]").fill("aanbieder gebeld, start volgt maandag")
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    assert "aanbieder=12345678" in page.url  # back to the same filtered list
    assert page.locator("#signals tbody tr", has_text="toewijzing 3002").count() == 0
    page.check("form.filters input[name=afgehandeld]")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    handled = page.locator("#signals tbody tr", has_text="toewijzing 3002").locator(".handled").inner_text()
    assert handled.startswith("afgehandeld door wijk op ")
    assert handled.endswith(": aanbieder gebeld, start volgt maandag")
    screenshot(page, tmp_path, "dag-signaal-afgehandeld.png")

    page.goto(f"{site.base}/wachttijden?on={ON}")
    page.select_option("form.filters select[name=maanden]", "3")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert "maanden=3" in page.url
    # One started allocation (3001: from 03-02, started 05-02): a group of one, folded into 'overig'.
    ranked = page.locator("#ranked-allocation_to_start tbody tr td").all_inner_texts()
    assert ranked == ["1", "overig", "overig", "1", "2", "2", "2", ""]  # no trend of 'overig'
    # The trend of one provider: its months, under its name.
    page.fill("form.filters input[name=aanbieder]", "12345678")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert PROVIDER in page.locator("#verloop").inner_text()
    assert page.locator("#waiting-allocation_to_start tbody tr td").first.inner_text() == "februari 2025"
    screenshot(page, tmp_path, "dag-wachttijden.png")

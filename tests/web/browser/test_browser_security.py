"""Security points in a real browser: the audit reason from the page's own form, small groups for analysts."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from playwright.sync_api import BrowserContext

from tests.web.browser.browser_kit import Site, log_in, screenshot

ON = "2025-03-10"


def _audit(site: Site) -> list[tuple[str, str, str]]:
    """The client-view rows of the site's SQLite register (read directly: Playwright owns the loop)."""
    with closing(sqlite3.connect(str(site.app.state.web.engine.url.database))) as db:
        return db.execute("SELECT username, view, reason FROM web_audit_log WHERE client_id IS NOT NULL "
                          "ORDER BY id").fetchall()


def test_the_reason_comes_from_the_form_not_from_a_link(site: Site, context: BrowserContext,
                                                        tmp_path: Path) -> None:
    page = context.new_page()
    log_in(page, site.base, "wijk")
    client = site.public_ids["999900067"]
    before = len(_audit(site))
    page.goto(f"{site.base}/clienten/{client}?reden=gekozen+door+een+ander")  # a link from elsewhere
    page.fill("input[name=reden]", "keukentafelgesprek")
    with page.expect_navigation():
        page.click("form[aria-label='Reden van inzage'] button[type=submit]")
    assert page.locator("#person").is_visible()
    screenshot(page, tmp_path, "security-client-reason.png")
    rows = _audit(site)[before:]
    assert rows == [("wijk", "clientbeeld", "clientbeeld"), ("wijk", "clientbeeld", "keukentafelgesprek")]


def test_the_analyst_sees_small_groups_as_under_five(site: Site, context: BrowserContext,
                                                      tmp_path: Path) -> None:
    page = context.new_page()
    log_in(page, site.base, "ana")
    page.goto(f"{site.base}/wijken?on={ON}")
    cells = page.locator("td.suppressed").all_inner_texts()
    assert cells
    assert set(cells) == {"< 5"}
    screenshot(page, tmp_path, "security-area-small-groups.png")

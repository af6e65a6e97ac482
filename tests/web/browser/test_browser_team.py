"""A wijkteam member in headless Chromium: log in, filter the running allocations, export CSV, open a client
and follow the household link; and the same pages without JavaScript.

Register (ingest_messages.py, reference date 2025-03-10): allocation 3001 of A Visser, started on 5 Feb,
and 3002 of B Visser, from 10 Feb and never started; both live at 3011AB 10, one household.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import BrowserContext, Page

from tests.web.browser.browser_kit import HOUSEHOLD, Site, log_in, screenshot

ON = "2025-03-10"
A, B = "999900067", "999900079"


def _allocation_numbers(page: Page) -> list[str]:
    cells = page.locator("#allocations tbody tr td:first-child").all_inner_texts()
    return [cell.split()[0] for cell in cells]


def _filter_not_started(page: Page) -> None:
    """Use the filter form as a person would: reference date, delivery state, submit."""
    page.fill("form.filters input[name=on]", ON)
    page.select_option("form.filters select[name=state]", "not_started")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")


def _export_csv(page: Page, tmp_path: Path) -> list[dict[str, str]]:
    with page.expect_download() as download:
        page.click("#csv")
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    # The form Dutch Excel opens: a byte-order mark, semicolons, Dutch column names.
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_team_member_filters_exports_and_follows_the_household(
    site: Site, context: BrowserContext, tmp_path: Path
) -> None:
    page = context.new_page()
    log_in(page, site.base, "wijk")
    assert page.url.endswith("/lopend")  # the team's start page
    page.goto(f"{site.base}/lopend?on={ON}")
    assert page.inner_text("#total") == "2"
    assert _allocation_numbers(page) == ["3001", "3002"]

    _filter_not_started(page)
    assert "state=not_started" in page.url
    assert (page.inner_text("#total"), page.inner_text("#clients")) == ("1", "1")
    assert _allocation_numbers(page) == ["3002"]
    screenshot(page, tmp_path, "lopende-toewijzingen-niet-gestart.png")

    rows = _export_csv(page, tmp_path)
    assert rows == [{"toewijzingnummer": "3002", "wet": "iwmo", "gemeente": "0599",
                     "aanbieder": "12345678", "categorie": "02", "code": "02A01",
                     "ingangsdatum": "2025-02-10", "einddatum": "2025-12-31", "levering": "not_started",
                     "pc4": "3011", "client_id": site.public_ids[B], "naam": HOUSEHOLD[B]}]

    with page.expect_navigation():
        page.click(f"#allocations a[href^='/clienten/{site.public_ids[B]}']")
    assert page.inner_text("h1") == f"Cliëntbeeld {HOUSEHOLD[B]}"
    assert site.public_ids[B] in page.url
    assert B not in page.url  # the opaque id, never the BSN
    assert _version_numbers(page) == ["3002"]
    screenshot(page, tmp_path, "clientbeeld.png")

    household = page.locator("#household a")
    assert household.all_inner_texts() == [HOUSEHOLD[A]]
    with page.expect_navigation():
        household.click()
    assert page.inner_text("h1") == f"Cliëntbeeld {HOUSEHOLD[A]}"
    assert site.public_ids[A] in page.url
    assert _version_numbers(page) == ["3001"]
    assert page.locator("#household a").all_inner_texts() == [HOUSEHOLD[B]]  # the link goes both ways
    screenshot(page, tmp_path, "clientbeeld-huishouden.png")


def _version_numbers(page: Page) -> list[str]:
    cells = page.locator("#versions tbody tr td:first-child").all_inner_texts()
    return [cell.split()[0] for cell in cells]


def test_pages_work_without_javascript(site: Site, browser_no_js: BrowserContext, tmp_path: Path) -> None:
    """Redirected to the login form, logged in by a plain form post, filtered by a plain GET form."""
    page = browser_no_js.new_page()
    page.goto(f"{site.base}/lopend?on={ON}")
    assert page.url.endswith("/login")
    assert page.locator("form.login").count() == 1
    assert not any(value in page.content() for value in (A, B, "Visser"))
    screenshot(page, tmp_path, "inloggen-zonder-javascript.png")
    log_in(page, site.base, "wijk")
    assert page.url.endswith("/lopend")
    _filter_not_started(page)
    assert _allocation_numbers(page) == ["3002"]

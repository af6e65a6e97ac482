"""Roles seen from a real browser: nothing without login; an analyst never receives a BSN or a name.

Every response the browser receives (documents, stylesheets, downloads, API calls made with
the browser's own cookies) is kept and searched for the personal data of the register.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlsplit

from fastapi.routing import APIRoute
from playwright.sync_api import APIResponse, BrowserContext, Page, Route

from gateway.web import (
    pages_allocations,
    pages_analysis,
    pages_area,
    pages_client,
    pages_household,
    pages_login,
    pages_monitor,
    pages_search,
    pages_signals,
    pages_waiting,
)
from tests.web.browser.browser_kit import PERSONAL, Site, log_in, screenshot

ON = "2025-03-10"
MODULES = (pages_login, pages_allocations, pages_client, pages_household, pages_search, pages_signals,
           pages_waiting, pages_analysis, pages_area, pages_monitor)  # the app's routers


def _get_paths(site: Site) -> list[str]:
    """Every GET route of the app, a client route filled with a real client's opaque id."""
    client_id = next(iter(site.public_ids.values()))
    routes = [*site.app.routes, *(route for module in MODULES for route in module.router.routes)]
    routes = [r for r in routes if isinstance(r, APIRoute) and "GET" in (r.methods or set())]
    public = ("/login", "/health/live", "/health/ready")  # served without login on purpose
    return sorted(r.path.replace("{public_id}", client_id) for r in routes if r.path not in public)


def _has_personal_data(body: str) -> list[str]:
    return [value for value in PERSONAL if value in body]


def test_nothing_is_served_without_login(site: Site, context: BrowserContext) -> None:
    page = context.new_page()
    paths = _get_paths(site)
    assert len(paths) >= 20
    for path in paths:
        if path.startswith("/api/"):
            answer = context.request.get(f"{site.base}{path}?on={ON}")
            assert answer.status == 401, path
            assert _has_personal_data(answer.text()) == [], path
            continue
        response = page.goto(f"{site.base}{path}?on={ON}")
        assert response is not None
        assert urlsplit(page.url).path == "/login", path  # redirected to the login form
        assert _has_personal_data(page.content()) == [], path


class Received:
    """Every body the browser receives, kept by intercepting its requests (redirects passed on as is)."""

    def __init__(self, context: BrowserContext) -> None:
        self.bodies: list[str] = []
        context.route("**/*", self._relay)

    def _relay(self, route: Route) -> None:
        response = route.fetch(max_redirects=0)
        self.bodies.append(response.text())
        route.fulfill(response=response)


def _links(page: Page, base: str) -> set[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    urls = {urljoin(page.url, href) for href in hrefs}
    return {url for url in urls if url.startswith(base)}


def _crawl(page: Page, site: Site, seeds: list[str]) -> tuple[set[str], list[APIResponse]]:
    """Open every page reachable from the seeds by links; fetch exports and API links with the session."""
    todo, seen, fetched = [f"{site.base}{seed}" for seed in seeds], set[str](), []
    while todo and len(seen) < 40:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        path = urlsplit(url).path
        if path.startswith("/api/") or path.endswith(".csv"):
            fetched.append(page.context.request.get(url))
            continue
        page.goto(url)
        todo += sorted(_links(page, site.base) - seen)
    return seen, fetched


def test_analyst_never_receives_a_bsn_or_a_name(site: Site, context: BrowserContext, tmp_path: Path) -> None:
    page = context.new_page()
    received = Received(context)
    log_in(page, site.base, "ana")
    assert urlsplit(page.url).path == "/wachttijden"
    team_only = [f"/lopend?on={ON}", f"/clienten/{site.public_ids['999900067']}", f"/api/running?on={ON}",
                 f"/api/clients/{site.public_ids['999900067']}", f"/api/running.csv?on={ON}",
                 f"/signalen?on={ON}"]
    for path in team_only:
        status = page.context.request.get(f"{site.base}{path}").status
        assert status == 403, path
    seen, fetched = _crawl(page, site, ["/wachttijden", f"/benutting?on={ON}", f"/wijken?on={ON}",
                                        *team_only])
    page.goto(f"{site.base}/wijken?on={ON}")
    assert "3011" in page.inner_text("main")  # aggregates per PC4 do reach the analyst
    screenshot(page, tmp_path, "analist-wijkanalyse.png")

    bodies = received.bodies + [r.text() for r in fetched]
    assert len(seen) >= 8
    assert sum(r.ok for r in fetched) >= 3  # the analyst's own CSV exports were downloaded
    assert [found for body in bodies if (found := _has_personal_data(body))] == []

"""Browser test fixtures (marker `browser`): the real app under uvicorn on a free port, and Chromium.

The register is built by the real Processor from the iWmo XML messages of ingest_messages.py
(a household of two clients, one allocation started, one not). Chromium is Debian's package
driven by Playwright (`executable_path`, never `playwright install`). Locally a missing
/usr/bin/chromium skips the browser tests; under CI (CI=true) it fails them, because `.ci/run`
installs the package and a skip there would hide a broken pipeline.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright
from sqlalchemy import select

from gateway.settings import DatabaseSettings, Settings, WebSettings
from gateway.web import accounts
from gateway.web.app import create_web_app
from storage.engine import create_engine, ensure_migrated, session_factory
from storage.models import ClientRow
from storage.unit_of_work import unit_of_work
from tests.web.browser.browser_kit import Site
from tests.web.ingest_messages import ingest
from tests.web.web_helpers import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


async def _prepare(url: str) -> dict[str, str]:
    engine = create_engine(url)
    await ensure_migrated(engine)
    sessions = session_factory(engine)
    outcomes = await ingest(sessions)
    assert outcomes == ["accepted", "recorded", "accepted", "recorded"]
    async with unit_of_work(sessions) as session:
        await accounts.add_user(session, "wijk", PASSWORD, "team", ["0599"])
        await accounts.add_user(session, "ana", PASSWORD, "analyst", [])
        rows = (await session.execute(select(ClientRow.bsn, ClientRow.public_id))).all()
    await engine.dispose()
    return {bsn: public_id for bsn, public_id in rows}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_serving(base: str, thread: threading.Thread) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and thread.is_alive():
        try:
            if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)  # polling interval while uvicorn binds; the deadline bounds the wait
    raise AssertionError(f"uvicorn did not serve {base}/login within 20 s")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    url = f"sqlite:///{tmp_path_factory.mktemp('register') / 'register.sqlite3'}"
    public_ids = asyncio.run(_prepare(url))
    settings = Settings(database=DatabaseSettings(url=url),
                        web=WebSettings(secret_key="browser-test", cookie_secure=False))
    app = create_web_app(settings)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    _wait_until_serving(base, thread)
    yield Site(base, app, public_ids)
    server.should_exit = True
    thread.join(timeout=10)


def chromium_path() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} missing under CI: .ci/run should have installed Debian's chromium")
    pytest.skip(f"{CHROMIUM} missing: apt-get install chromium")


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=str(chromium_path()), args=FLAGS)
    yield chromium
    chromium.close()


def _profile(
    browser: Browser, *, accept_downloads: bool = False, java_script_enabled: bool = True
) -> Iterator[BrowserContext]:
    """A new profile at the pages' test size and timeout, closed after the test: every profile alike."""
    fresh = browser.new_context(
        viewport={"width": 1280, "height": 900},
        accept_downloads=accept_downloads,
        java_script_enabled=java_script_enabled,
    )
    fresh.set_default_timeout(15_000)
    yield fresh
    fresh.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh profile per test: no cookies carried from one user to the next."""
    yield from _profile(browser, accept_downloads=True)


@pytest.fixture
def browser_no_js(browser: Browser) -> Iterator[BrowserContext]:
    """A profile with JavaScript switched off: the pages must work as plain HTML forms and links."""
    yield from _profile(browser, java_script_enabled=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder drives the browser: marked, so `-m browser` / `-m "not browser"` work."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)

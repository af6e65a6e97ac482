"""Real pages in headless Chromium (Debian package `chromium`): log in, filter, open a client, household, CSV.

The app runs under uvicorn on localhost over a SQLite register built from the scenario.
Screenshots are kept as test artefacts in `var/test-artefacts/browser/` (and in tmp_path).
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from cdp_pipe import CHROMIUM, FLAGS, Browser
from register_scenario import build
from web_helpers import PASSWORD

from gateway.settings import DatabaseSettings, Settings, WebSettings
from gateway.web import accounts
from gateway.web.app import create_web_app
from storage.engine import create_engine, ensure_migrated, session_factory
from storage.unit_of_work import unit_of_work

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium missing: apt-get install chromium"),
]
ARTEFACTS = Path("var/test-artefacts/browser")


async def _prepare(url: str) -> None:
    engine = create_engine(url)
    await ensure_migrated(engine)
    async with unit_of_work(session_factory(engine)) as session:
        await build(session)
        await accounts.add_user(session, "wijk", PASSWORD, "team", ["0599"])
    await engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    asyncio.run(_prepare(url))
    settings = Settings(
        database=DatabaseSettings(url=url), web=WebSettings(secret_key="browser-test", cookie_secure=False)
    )
    port = _free_port()
    config = uvicorn.Config(
        create_web_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/login").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    yield base
    uv.should_exit = True
    thread.join(timeout=10)


def _keep(path: Path) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, ARTEFACTS / path.name)


def test_login_page_renders_without_javascript(server: str, tmp_path: Path) -> None:
    shot = tmp_path / "login.png"
    command = [
        str(CHROMIUM),
        *FLAGS,
        "--disable-javascript",
        f"--user-data-dir={tmp_path / 'p0'}",
        f"--screenshot={shot}",
        "--window-size=1280,700",
        f"{server}/lopend",
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    dom = subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={tmp_path / 'p1'}", "--dump-dom", f"{server}/lopend"],
        check=True,
        capture_output=True,
        timeout=60,
        text=True,
    ).stdout
    assert '<form method="post" action="/login"' in dom  # redirected to the login form
    assert "Jansen" not in dom
    assert shot.stat().st_size > 1000
    _keep(shot)


def test_team_member_filters_opens_a_client_and_its_household(server: str, tmp_path: Path) -> None:
    browser = Browser(tmp_path / "profile")
    try:
        browser.goto(f"{server}/login")
        browser.act_and_wait(
            "document.querySelector('input[name=username]').value = 'wijk';"
            f"document.querySelector('input[name=password]').value = '{PASSWORD}';"
            "document.querySelector('form.login').requestSubmit()"
        )
        assert browser.evaluate("location.pathname") == "/lopend"
        browser.goto(f"{server}/lopend?on=2025-03-10")
        browser.act_and_wait(
            "document.querySelector('select[name=state]').value = 'not_started';"
            "document.querySelector('form.filters').requestSubmit()"
        )
        assert browser.evaluate("document.getElementById('total').textContent") == "2"
        rows = browser.evaluate(
            "[...document.querySelectorAll('#allocations tbody tr')]"
            ".map(r => r.cells[0].textContent.trim().split(' ')[0])"
        )
        assert rows == ["1002", "1011"]
        browser.screenshot(tmp_path / "lopende-toewijzingen.png")
        _keep(tmp_path / "lopende-toewijzingen.png")
        csv_text = browser.evaluate("fetch(document.getElementById('csv').href).then(r => r.text())")
        assert csv_text.splitlines()[0].startswith("toewijzingnummer,standard,gemeente")
        assert len(csv_text.strip().splitlines()) == 3
        browser.act_and_wait("document.querySelector('#allocations a[href^=\"/clienten/\"]').click()")
        assert browser.evaluate("document.querySelector('h1').textContent") == "Cliëntbeeld P Jansen"
        assert "999900006" not in browser.evaluate("location.href")
        browser.screenshot(tmp_path / "clientbeeld.png")
        _keep(tmp_path / "clientbeeld.png")
        browser.act_and_wait("document.querySelector('#household a').click()")
        assert browser.evaluate("document.querySelector('h1').textContent") == "Cliëntbeeld K Jansen"
        versions = browser.evaluate("[...document.querySelectorAll('#versions tbody tr')].length")
        assert versions == 2  # 2001 (Jeugd) and 1011
    finally:
        browser.close()

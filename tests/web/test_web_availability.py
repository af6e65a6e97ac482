"""Availability and hardening: bounded dates, paged signals, work off the event loop, headers, redirects."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from gateway.settings import DatabaseSettings, Settings, WebSettings
from gateway.web import accounts, pages_signals, pages_waiting
from gateway.web.app import SECURITY_HEADERS, create_web_app
from handlers.insight import waiting
from storage.engine import create_engine, ensure_migrated, session_factory
from storage.unit_of_work import unit_of_work
from tests.web.ingest_messages import ingest
from tests.web.web_helpers import PASSWORD, bearer, login

ON = "2025-03-10"


def _has_security_headers(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name


async def test_a_date_far_away_is_a_clear_400_not_a_hang_or_500(
    client: httpx.AsyncClient, register: dict[str, str]
) -> None:
    api = await client.get("/api/signals", params={"on": "9999-12-31"}, headers=bearer(register["wijk"]))
    assert api.status_code == 400
    assert "buiten het bereik" in api.json()["detail"]
    await login(client, "ana")
    usage = await client.get("/benutting", params={"on": "9999-12-31"})
    assert usage.status_code == 400
    assert "text/html" in usage.headers["content-type"]
    assert "31-12-9999 valt buiten het bereik" in usage.text
    _has_security_headers(usage)
    typo = await client.get("/benutting", params={"on": "10-03-2025"})
    assert typo.status_code == 422
    assert "text/html" in typo.headers["content-type"]
    assert "Ongeldige waarde voor: peildatum" in typo.text
    old = await client.get("/api/usage", params={"on": "1900-01-01"}, headers=bearer(register["ana"]))
    assert old.status_code == 400
    ops = bearer(register["beheer"])
    monitor = await client.get("/api/messages", params={"since": "0001-01-01"}, headers=ops)
    assert monitor.status_code == 400


async def test_signals_are_paged_newest_first(client: httpx.AsyncClient, register: dict[str, str]) -> None:
    team = bearer(register["wijk"])
    every = (await client.get("/api/signals", params={"on": ON, "per_page": 1000}, headers=team)).json()
    first = await client.get("/api/signals", params={"on": ON, "per_page": 2}, headers=team)
    assert first.headers["X-Total-Count"] == str(len(every)) == "5"
    assert first.json() == every[:2]
    last = await client.get("/api/signals", params={"on": ON, "per_page": 2, "page": 3}, headers=team)
    assert last.json() == every[4:]
    assert [s["since"] for s in every] == sorted((s["since"] for s in every), reverse=True)
    await login(client, "wijk")
    html = (await client.get("/signalen", params={"on": ON, "per_page": 2})).text
    assert html.count("?via=signalen") <= 2
    assert 'rel="next"' in html


async def test_errors_carry_the_security_headers(
    app: FastAPI, register: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_args: Any) -> None:
        raise RuntimeError("a bug in a page")

    monkeypatch.setattr(pages_signals, "signal_items", broken)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        crash = await http.get("/api/signals", headers=bearer(register["wijk"]))
        assert crash.status_code == 500
        _has_security_headers(crash)
        missing = await http.get("/bestaat-niet")
        assert missing.status_code == 404
        _has_security_headers(missing)
        assert (await http.get("/api/signals", headers=bearer("wrong"))).status_code == 401


async def test_the_trailing_slash_redirect_ignores_the_host_header(client: httpx.AsyncClient) -> None:
    response = await client.get("/lopend/?page=2", headers={"Host": "evil.example"})
    assert response.status_code == 308
    assert response.headers["location"] == "/lopend?page=2"
    _has_security_headers(response)
    sneaky = await client.get("/%2Fevil.example/")  # the path //evil.example/ must not become //evil.example
    assert sneaky.headers["location"] == "/evil.example"


# ------------------------------------------------------------------ the real server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _prepare(url: str) -> str:
    engine = create_engine(url)
    await ensure_migrated(engine)
    sessions = session_factory(engine)
    await ingest(sessions)
    async with unit_of_work(sessions) as session:
        await accounts.add_user(session, "wijk", PASSWORD, "team", ["0599"])
        token = await accounts.add_api_token(session, "wijk", "tests")
    await engine.dispose()
    return token


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    url = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    token = asyncio.run(_prepare(url))
    app = create_web_app(Settings(database=DatabaseSettings(url=url),
                                  web=WebSettings(secret_key="availability-test", cookie_secure=False)))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(400):  # until uvicorn has bound the port (each try waits up to 0.05 s)
        if server.started:
            break
        threading.Event().wait(0.05)
    yield base, token
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=60) as client:
        yield client


async def test_a_heavy_request_does_not_block_the_login_page(
    server: tuple[str, str], http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the waiting times are being ranked (held here until released), /login still answers.

    The ranking is the heaviest Python work left in a request (signals are read from their table);
    it runs in a worker thread, so the event loop stays free.
    """
    base, token = server
    entered, release = threading.Event(), threading.Event()
    original = waiting.ranked

    def held(*args: Any) -> Any:
        entered.set()
        release.wait(timeout=30)  # the bound of the test when the loop is blocked
        return original(*args)

    monkeypatch.setattr(pages_waiting, "ranked", held)
    heavy = asyncio.create_task(http.get(f"{base}/api/waiting/ranked", params={"on": ON},
                                         headers=bearer(token)))
    assert await asyncio.to_thread(entered.wait, 30)
    try:
        login_page = await http.get(f"{base}/login", timeout=20)
        assert login_page.status_code == 200
        assert not heavy.done()  # the login answered while the heavy request was still in flight
    finally:
        release.set()
    assert (await heavy).status_code == 200

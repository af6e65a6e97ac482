"""`istd web`'s unauthenticated health endpoints, its start-up line and its access log (ECS JSON lines).

In process for the database answers (the register fixture's SQLite and PostgreSQL, and a PostgreSQL
port nobody listens on); the real `istd web` command for what it logs.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gateway.settings import DatabaseSettings, Settings
from gateway.web.app import create_web_app
from storage.engine import create_engine


async def test_live_and_ready_answer_without_login(client: httpx.AsyncClient) -> None:
    live = await client.get("/health/live")
    ready = await client.get("/health/ready")
    assert (live.status_code, live.json()) == (200, {"status": "live"})
    assert (ready.status_code, ready.json()) == (
        200, {"status": "ready", "failing": [], "checks": {"database": "ok"}}
    )
    assert (await client.get("/lopend")).status_code == 303  # the pages still want a login


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_ready_is_503_naming_the_database_when_it_cannot_be_reached() -> None:
    url = f"postgresql://postgres@127.0.0.1:{_free_port()}/nothing"  # a port nobody listens on
    engine = create_engine(url)
    app = create_web_app(Settings(database=DatabaseSettings(url=url)), engine=engine)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            ready = await http.get("/health/ready")
            live = await http.get("/health/live")
    finally:
        await engine.dispose()
    assert ready.status_code == 503
    assert ready.json()["failing"] == ["database"]
    assert ready.json()["checks"]["database"].startswith("unreachable (")
    assert live.status_code == 200


@pytest.fixture
def istd_web(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """The real `istd web` on a free port, run from tmp_path with the default (relative) register."""
    port, log = _free_port(), tmp_path / "web.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ISTD_")}
    env |= {"ISTD_WEB__SECRET_KEY": "test-secret-key-not-for-production", "ISTD_WEB__COOKIE_SECURE": "false"}
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("istd")), "web", "--port", str(port)],
            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
        )
    try:
        yield port, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def _get(url: str) -> httpx.Response | None:
    try:
        return httpx.get(url, timeout=5)
    except httpx.TransportError:
        return None


def test_istd_web_logs_its_register_and_access_as_ecs_json_lines(istd_web: tuple[int, Path]) -> None:
    port, log = istd_web
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while (ready := _get(f"{base}/health/ready")) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert ready is not None
    assert ready.status_code == 200
    assert httpx.get(f"{base}/lopend?reden=999999990", timeout=5).status_code == 303
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    [opened] = [e for e in lines if e["message"] == "register opened"]
    assert opened["istd.database"] == f"sqlite {log.parent.resolve() / 'var' / 'istd.sqlite3'}"
    access = [e for e in lines if e["log.logger"] == "uvicorn.access"]
    assert [(e["http.request.method"], e["url.path"], e["http.response.status_code"]) for e in access] == [
        ("GET", "/health/ready", 200), ("GET", "/lopend", 303)
    ]
    for entry in lines:
        assert {"@timestamp", "log.level", "message", "service.name"} <= entry.keys()
        assert entry["service.name"] == "istd-gateway"
    assert "999999990" not in log.read_text()  # the query string is not logged

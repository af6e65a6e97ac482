"""Outages and shutdown: readiness follows the database, no dead-lettering for it; SIGTERM is graceful."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg  # type: ignore[import-untyped]
import httpx
import pytest

from gateway.worker.app import App, create_app
from gateway.worker.topology import Topology
from storage.engine import create_engine
from tests.kit.services import (
    RABBIT_URL,
    bind_capture,
    count_rows,
    cut_database,
    drain,
    example,
    make_settings,
    scratch_database,
    wait_for,
)

pytestmark = pytest.mark.rabbitmq
ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
Probe = Callable[[], Awaitable[Any]]
STOP_S = 10.0  # the requirement: SIGTERM to exit
SLOW_S = 120.0  # anything else the SIGTERM test waits for, on a loaded machine


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(ADMIN)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture
async def own_database() -> AsyncIterator[str]:
    """A PostgreSQL database of this test alone, so it can be made unreachable without harming others."""
    async with scratch_database(f"istd_outage_{secrets.token_hex(4)}", _admin) as name:
        yield name


def _ready(app: App, expected: int) -> Probe:
    async def probe() -> dict[str, object] | None:
        transport = httpx.ASGITransport(app=app.http)
        async with httpx.AsyncClient(transport=transport, base_url="http://worker") as client:
            response = await client.get("/health/ready")
        body: dict[str, object] = response.json()
        return body if response.status_code == expected else None

    return probe


@pytest.mark.postgres
async def test_readiness_turns_503_while_the_database_is_down_and_messages_wait(
    own_database: str, rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str
) -> None:
    url = f"postgresql://postgres@127.0.0.1:5432/{own_database}"
    settings = make_settings(url, prefix)
    app = create_app(settings)
    await app.start()
    try:
        await wait_for(_ready(app, 200))
        await cut_database(own_database, _admin)
        down = await wait_for(_ready(app, 503))
        assert down["failing"] == ["database"]
        channel = await rabbit.channel()
        exchange = await channel.get_exchange(app.topology.inbound_exchange.name)
        await exchange.publish(aio_pika.Message(example("WMO315")), routing_key="")
        await wait_for(_outage_seen(app))
        await _admin(f'ALTER DATABASE "{own_database}" ALLOW_CONNECTIONS true')
        await wait_for(_ready(app, 200))
        await wait_for(_rows(app, 2))  # the 315 and its 316, committed once the database came back
        dead = await channel.declare_queue(app.topology.dead_queue.name, passive=True)
        assert dead.declaration_result.message_count == 0
    finally:
        await app.stop()


def _outage_seen(app: App) -> Probe:
    async def probe() -> bool:
        return app.pipeline.database_down is not None

    return probe


def _rows(app: App, count: int) -> Probe:
    async def probe() -> bool:
        return await count_rows(app.engine, "messages") == count

    return probe


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_sigterm_finishes_the_batch_acks_flushes_and_exits_0_within_10_s(
    sqlite_url: str, rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str, tmp_path: Path
) -> None:
    port = _free_port()
    env = {**os.environ, "ISTD_BROKER__URL": RABBIT_URL, "ISTD_BROKER__PREFIX": prefix,
           "ISTD_DATABASE__URL": sqlite_url, "ISTD_HTTP__PORT": str(port)}
    topology = Topology(prefix=prefix)
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gateway.cli.main", "worker", env=env,
        stderr=(tmp_path / "worker.log").open("wb"),
    )
    # Only the time from the signal to the exit is the requirement (10 s); start-up, the first retour
    # and the broker's bookkeeping afterwards get generous bounds, as a loaded machine slows them all.
    try:
        await wait_for(_http_ready(port), within=SLOW_S)
        capture = await bind_capture(rabbit, topology, topology.out_exchange.name)
        channel = await rabbit.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(topology.inbound_exchange.name)
        bodies = [example("WMO315").replace(b"VB3150001", f"{i:09d}".encode()) for i in range(40)]
        for body in bodies:
            await exchange.publish(aio_pika.Message(body), routing_key="")
        await drain(capture, 1, within=SLOW_S)  # processing is under way
        started = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(worker.wait(), 3 * STOP_S)  # beyond 10 s: fails below, with the figure
        elapsed = time.monotonic() - started
    finally:
        if worker.returncode is None:
            worker.kill()
    assert code == 0
    assert elapsed < STOP_S, f"SIGTERM to exit took {elapsed:.1f} s"
    engine = create_engine(sqlite_url)
    processed = await count_rows(engine, "messages", "WHERE direction = 'in'")
    pending = await count_rows(engine, "outbox", "WHERE published_at IS NULL")
    await engine.dispose()

    async def settled() -> bool:
        # Deliveries the worker had not acked go back to the quorum queue as its connection closes;
        # the broker counts them a moment after the process is gone.
        inbound = await channel.declare_queue(topology.inbound_queue.name, passive=True)
        return processed + (inbound.declaration_result.message_count or 0) == len(bodies)

    await wait_for(settled, within=SLOW_S)  # nothing lost, nothing twice
    assert pending == 0  # the outbox was flushed before exit
    rest = await drain(capture, processed - 1, within=SLOW_S)  # one retour was taken above
    assert await capture.get(no_ack=True, fail=False) is None  # exactly one retour per message
    assert len(rest) + 1 == processed


def _http_ready(port: int) -> Probe:
    async def probe() -> bool:
        try:
            async with httpx.AsyncClient() as client:
                response = await client.get(f"http://127.0.0.1:{port}/health/ready")
        except httpx.TransportError:
            return False
        return response.status_code == 200

    return probe

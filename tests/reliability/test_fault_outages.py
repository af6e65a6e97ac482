"""Outages under load: PostgreSQL unreachable or refusing writes for 30 s, RabbitMQ connections closed
or the broker restarted.

The database outage cuts the worker's own database (ALLOW_CONNECTIONS false and its backends
terminated): from the worker's side the same as a server that went away, and harmless to everyone
else. The read-only variant sets default_transaction_read_only on that database alone (as a standby
after a failover would answer). The variants that stop the PostgreSQL cluster or restart RabbitMQ
itself run only with ISTD_DISRUPTIVE_TESTS=1, on a machine where nothing else uses those services.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from pathlib import Path

import aio_pika
import pytest

from tests.kit.reliability import (
    HEEN_IN,
    RABBIT_URL,
    Clock,
    WorkerProcess,
    admin,
    assert_each_once,
    bind_capture,
    declare,
    drained,
    pg_url,
    processed_at_least,
    publish,
    queue_depth,
    read_out,
    reopened,
    scalar,
    take_all,
    tally,
    wait_until,
)
from tests.kit.services import allow_writes, cut_database, make_settings, refuse_writes
from tests.kit.traffic import Traffic

pytestmark = [pytest.mark.rabbitmq, pytest.mark.postgres, pytest.mark.slow]
OUTAGE_S = float(os.environ.get("ISTD_OUTAGE_SECONDS", "30"))
LOAD = int(os.environ.get("ISTD_OUTAGE_MESSAGES", "1500"))
DISRUPTIVE = os.environ.get("ISTD_DISRUPTIVE_TESTS") == "1"
disruptive = pytest.mark.skipif(not DISRUPTIVE, reason="stops a shared service: set ISTD_DISRUPTIVE_TESTS=1")
Outage = Callable[[], Awaitable[None]]


class Run:
    """One worker subprocess under load, and the checks every outage test ends with."""

    def __init__(self, prefix: str, database: str, tmp_path: Path,
                 rabbit: aio_pika.abc.AbstractRobustConnection, broker_url: str = RABBIT_URL) -> None:
        self.url, self.rabbit, self.clock = pg_url(database), rabbit, Clock()
        self.settings = make_settings(self.url, prefix)
        self.worker = WorkerProcess(prefix, self.url, tmp_path / "worker.log", ISTD_BROKER__URL=broker_url)
        self.bodies = list(Traffic(seed=7).messages(LOAD))

    async def start_under_load(self) -> None:
        """Topology, a capture queue on istd.out, a third of the load, the worker; once it is busy,
        the caller injects its fault and publishes the rest (`publish_rest`), so messages are in
        flight during the fault however fast the worker is."""
        self.topology = await declare(self.settings)
        self.capture = await bind_capture(self.rabbit, self.topology)
        await publish(self.rabbit, self.topology, self.bodies[: LOAD // 3])
        await self.worker.start(within=120)
        await wait_until(lambda: processed_at_least(self.url, LOAD // 10), within=120)

    def publish_rest(self) -> None:
        self.more = asyncio.create_task(publish(self.rabbit, self.topology, self.bodies[LOAD // 3:]))

    async def finish(self) -> str:
        """Wait until all is processed and published, stop gracefully, check lost = 0 and twice = 0."""
        await self.more
        queues = [self.topology.inbound_queue.name]
        await wait_until(lambda: drained(self.url, LOAD, self.rabbit, queues), within=180 + LOAD / 10)
        assert await self.worker.stop() == 0
        counts = tally(read_out(await take_all(self.capture)))
        await assert_each_once(self.url, LOAD, counts)
        assert await queue_depth(self.rabbit, self.topology.dead_queue.name) == 0
        return f"{LOAD} messages done at {self.clock()} s, {counts.redelivered} retours republished"


@pytest.fixture
async def run(
    prefix: str, rabbit: aio_pika.abc.AbstractRobustConnection, fresh_database: str, tmp_path: Path
) -> AsyncIterator[Run]:
    run = Run(prefix, fresh_database, tmp_path, rabbit)
    try:
        yield run
    finally:
        await run.worker.stop()


@pytest.mark.timeout(600)
async def test_database_cut_for_30_s_holds_consumption_reports_503_dead_letters_nothing_and_recovers(
    run: Run, fresh_database: str
) -> None:
    await run.start_under_load()
    await cut_database(fresh_database, admin)
    run.publish_rest()
    await _hold_while_down(run, OUTAGE_S)
    await admin(f'ALTER DATABASE "{fresh_database}" ALLOW_CONNECTIONS true')
    await wait_until(run.worker.ready, within=60)
    print(f"\ndatabase cut {OUTAGE_S} s: {await run.finish()}")


@pytest.mark.timeout(600)
async def test_database_refusing_writes_for_30_s_holds_consumption_reports_503_and_recovers_by_itself(
    run: Run, fresh_database: str
) -> None:
    await run.start_under_load()
    await refuse_writes(fresh_database, admin)
    run.publish_rest()
    try:
        down, waiting = await _hold_while_down(run, OUTAGE_S)
    finally:
        await allow_writes(fresh_database, admin)
    # No backend terminated this time: the sessions the worker opened during the outage are still
    # read-only, and it must renew them by itself.
    back = Clock()
    await wait_until(run.worker.ready, within=60)
    outages = await run.worker.metric("istd_database_outages_total")
    checks = down["checks"]
    assert isinstance(checks, dict)
    print(f"\ndatabase read-only {OUTAGE_S} s: 503 {checks['database']!r}, {waiting} messages "
          f"held in the queue, {outages:g} batch attempts deferred, ready {back()} s after the reset; "
          f"{await run.finish()}")


async def _hold_while_down(run: Run, seconds: float) -> tuple[dict[str, object], int]:
    """During the outage: 503 naming the database, no message consumed, nothing dead-lettered.
    Returns the 503's body and the depth the queue held."""
    down = await wait_until(lambda: _status(run, 503), within=30)
    assert down["failing"] == ["database"]
    await run.more
    queue = run.topology.inbound_queue.name
    waiting = await wait_until(lambda: _settled(run.rabbit, queue), within=30)
    await asyncio.sleep(seconds)  # the outage itself: its length is what is being tested
    assert await queue_depth(run.rabbit, queue) == waiting  # nothing acked, nothing more taken
    assert await queue_depth(run.rabbit, run.topology.dead_queue.name) == 0
    assert (await run.worker.health()) is not None  # the process stayed up
    return down, waiting


async def _settled(rabbit: aio_pika.abc.AbstractConnection, queue: str) -> int | None:
    """The ready count once it stays the same for 2 s: the worker's prefetch window is full and,
    as long as it acks nothing, RabbitMQ hands it nothing more."""
    depths = []
    for _ in range(5):
        depths.append(await queue_depth(rabbit, queue))
        await asyncio.sleep(0.5)
    return depths[0] if len(set(depths)) == 1 and depths[0] > 0 else None


async def _status(run: Run, code: int) -> dict[str, object] | None:
    answer = await run.worker.health()
    return answer[1] if answer is not None and answer[0] == code else None


@pytest.fixture
async def own_user(prefix: str) -> AsyncIterator[tuple[str, str]]:
    """A RabbitMQ user of this test alone, allowed only on its prefix, deleted afterwards."""
    user, password = f"istd-rel-{secrets.token_hex(4)}", secrets.token_hex(12)
    pattern = "^" + prefix.replace(".", r"\.") + ".*"
    await _rabbitmqctl("add_user", user, password)
    try:
        await _rabbitmqctl("set_permissions", "-p", "/", user, pattern, pattern, pattern)
        yield user, password
    finally:
        await _rabbitmqctl("delete_user", user)


async def _rabbitmqctl(*args: str) -> str:
    result = await asyncio.to_thread(
        subprocess.run, ["rabbitmqctl", "-q", *args], capture_output=True, text=True, timeout=60, check=True)
    return result.stdout


@pytest.mark.timeout(600)
async def test_closed_broker_connections_reconnect_resume_and_drain_the_outbox(
    prefix: str, rabbit: aio_pika.abc.AbstractRobustConnection, fresh_database: str, tmp_path: Path,
    own_user: tuple[str, str],
) -> None:
    user, password = own_user
    url = RABBIT_URL.replace("guest:guest@", f"{user}:{password}@")
    run = Run(prefix, fresh_database, tmp_path, rabbit, broker_url=url)
    try:
        await run.start_under_load()
        run.publish_rest()
        for _ in range(2):  # twice: once mid-stream, once again soon after it came back
            await _rabbitmqctl("close_all_user_connections", user, "reliability test: connection loss")
            await wait_until(lambda: _status(run, 200), within=60)
            more = min(await scalar(run.url, HEEN_IN) + 50, LOAD)
            await wait_until(partial(processed_at_least, run.url, more), within=120)  # consuming again
        print(f"\nconnections closed twice: {await run.finish()}")
    finally:
        await run.worker.stop()


@disruptive
@pytest.mark.timeout(600)
async def test_postgresql_cluster_stopped_for_30_s_under_load(run: Run) -> None:
    cluster = sorted(os.listdir("/etc/postgresql"))[-1]
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main"]
    await run.start_under_load()
    await asyncio.to_thread(subprocess.run, [*command, "stop"], check=True, timeout=120)
    run.publish_rest()
    try:
        await _hold_while_down(run, OUTAGE_S)
    finally:
        await asyncio.to_thread(subprocess.run, [*command, "start"], check=True, timeout=120)
    await wait_until(run.worker.ready, within=120)
    print(f"\npostgresql cluster stopped {OUTAGE_S} s: {await run.finish()}")


@disruptive
@pytest.mark.timeout(600)
async def test_rabbitmq_restarted_under_load_worker_reconnects_and_outbox_drains(run: Run) -> None:
    await run.start_under_load()
    run.publish_rest()
    await run.more  # our own publishing is not under test here; the worker's consuming and relaying is
    await _rabbitmqctl("stop_app")
    try:
        await wait_until(lambda: _status(run, 503), within=60)
    finally:
        await _rabbitmqctl("start_app")
    await wait_until(run.worker.ready, within=120)
    await wait_until(lambda: reopened(run.rabbit), within=60)
    print(f"\nrabbitmq restarted: {await run.finish()}")

"""kill -9 of `istd worker` with thousands of messages in flight, then a restart: nothing lost, nothing twice.

ISTD_FAULT_MESSAGES sets how many (default 10,000); the test's time grows with it and shrinks as the
worker gets faster.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path

import aio_pika
import asyncpg  # type: ignore[import-untyped]
import pytest
from bench_messages import Traffic
from reliability_kit import (
    EXPECTED_RETOURS,
    HEEN_IN,
    PENDING,
    RABBIT_URL,
    Clock,
    WorkerProcess,
    bind_capture,
    declare,
    per_message_max,
    pg_url,
    publish,
    queue_depth,
    read_out,
    scalar,
    take_all,
    tally,
    wait_until,
)

from gateway.settings import BrokerSettings, DatabaseSettings, Settings

MESSAGES = int(os.environ.get("ISTD_FAULT_MESSAGES", "10000"))
pytestmark = [pytest.mark.rabbitmq, pytest.mark.postgres, pytest.mark.slow]


@pytest.mark.timeout(300 + MESSAGES // 8)
async def test_kill_9_in_flight_then_restart_applies_each_message_once_and_answers_it_once(
    prefix: str, rabbit: aio_pika.abc.AbstractRobustConnection, fresh_database: str, tmp_path: Path
) -> None:
    url, clock = pg_url(fresh_database), Clock()
    bodies = list(Traffic(seed=6).messages(MESSAGES))
    settings = Settings(broker=BrokerSettings(url=RABBIT_URL, prefix=prefix),
                        database=DatabaseSettings(url=url))
    topology = await declare(settings)
    capture = await bind_capture(rabbit, topology)
    await publish(rabbit, topology, bodies[: MESSAGES // 2])
    first = WorkerProcess(prefix, url, tmp_path / "worker.log")
    await first.start()
    rest = asyncio.create_task(publish(rabbit, topology, bodies[MESSAGES // 2:]))  # more while it runs
    await wait_until(lambda: _processed_at_least(url, MESSAGES // 5), within=60 + MESSAGES / 10)
    await first.kill9()
    killed_at = (clock(), await scalar(url, HEEN_IN))
    await rest
    second = WorkerProcess(prefix, url, tmp_path / "worker.log")
    await second.start()
    try:
        await wait_until(lambda: _drained(rabbit, topology.inbound_queue.name, url, MESSAGES),
                         within=120 + MESSAGES / 10)
        assert await second.stop() == 0
    finally:
        await second.stop()
    published = read_out(await take_all(capture))
    counts = tally(published)
    print(f"\nkill -9: {MESSAGES} messages, killed at {killed_at[0]} s with {killed_at[1]} processed; "
          f"all done at {clock()} s; retours {counts.distinct} distinct, {counts.redelivered} republished "
          f"after the kill (same message_id)")
    assert await scalar(url, HEEN_IN) == MESSAGES  # every message stored, once (sha256 is unique)
    assert await _stored_hashes(url) == {hashlib.sha256(b).hexdigest() for b in bodies}
    assert set((await per_message_max(url)).values()) <= {0, 1}  # no effect applied twice
    assert await scalar(url, PENDING) == 0
    assert counts.distinct == counts.heen_answered == await scalar(url, EXPECTED_RETOURS)
    assert counts.heen_with_two_answers == 0
    assert counts.retours - counts.redelivered == counts.distinct  # extras: the same retour again
    forwarded = {p.message_id for p in published if p.identificatie_retour is None}
    assert len(forwarded) == await scalar(url, "SELECT count(*) FROM messages WHERE status = 'recorded'")
    assert await queue_depth(rabbit, topology.inbound_queue.name) == 0
    assert await queue_depth(rabbit, topology.dead_queue.name) == 0


async def _processed_at_least(url: str, count: int) -> bool:
    return await scalar(url, HEEN_IN) >= count


async def _drained(rabbit: aio_pika.abc.AbstractConnection, queue: str, url: str, total: int) -> bool:
    if await scalar(url, HEEN_IN) < total or await scalar(url, PENDING) > 0:
        return False
    return await queue_depth(rabbit, queue) == 0


async def _stored_hashes(url: str) -> set[str]:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch("SELECT sha256 FROM messages WHERE status <> 'sent'")
    finally:
        await connection.close()
    return {row[0] for row in rows}

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

from tests.kit.reliability import (
    HEEN_IN,
    PENDING,
    Clock,
    WorkerProcess,
    assert_each_once,
    bind_capture,
    declare,
    drained,
    pg_url,
    processed_at_least,
    publish,
    queue_depth,
    read_out,
    scalar,
    take_all,
    tally,
    wait_until,
)
from tests.kit.services import make_settings
from tests.kit.traffic import Traffic

MESSAGES = int(os.environ.get("ISTD_FAULT_MESSAGES", "10000"))
pytestmark = [pytest.mark.rabbitmq, pytest.mark.postgres, pytest.mark.slow]


@pytest.mark.timeout(300 + MESSAGES // 8)
async def test_kill_9_in_flight_then_restart_applies_each_message_once_and_answers_it_once(
    prefix: str, rabbit: aio_pika.abc.AbstractRobustConnection, fresh_database: str, tmp_path: Path
) -> None:
    url, clock = pg_url(fresh_database), Clock()
    bodies = list(Traffic(seed=6).messages(MESSAGES))
    topology = await declare(make_settings(url, prefix))
    capture = await bind_capture(rabbit, topology)
    await publish(rabbit, topology, bodies[: MESSAGES // 2])
    first = WorkerProcess(prefix, url, tmp_path / "worker.log")
    await first.start()
    rest = asyncio.create_task(publish(rabbit, topology, bodies[MESSAGES // 2:]))  # more while it runs
    await wait_until(lambda: processed_at_least(url, MESSAGES // 5), within=60 + MESSAGES / 10)
    await first.kill9()
    killed_at = (clock(), await scalar(url, HEEN_IN))
    await rest
    second = WorkerProcess(prefix, url, tmp_path / "worker.log")
    await second.start()
    try:
        await wait_until(lambda: drained(url, MESSAGES, rabbit, [topology.inbound_queue.name]),
                         within=120 + MESSAGES / 10)
        assert await second.stop() == 0
    finally:
        await second.stop()
    published = read_out(await take_all(capture))
    counts = tally(published)
    print(f"\nkill -9: {MESSAGES} messages, killed at {killed_at[0]} s with {killed_at[1]} processed; "
          f"all done at {clock()} s; retours {counts.distinct} distinct, {counts.redelivered} republished "
          f"after the kill (same message_id)")
    await assert_each_once(url, MESSAGES, counts)
    assert await _stored_hashes(url) == {hashlib.sha256(b).hexdigest() for b in bodies}
    assert await scalar(url, PENDING) == 0
    forwarded = {p.message_id for p in published if p.identificatie_retour is None}
    assert len(forwarded) == await scalar(url, "SELECT count(*) FROM messages WHERE status = 'recorded'")
    assert await queue_depth(rabbit, topology.inbound_queue.name) == 0
    assert await queue_depth(rabbit, topology.dead_queue.name) == 0


async def _stored_hashes(url: str) -> set[str]:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch("SELECT sha256 FROM messages WHERE status <> 'sent'")
    finally:
        await connection.close()
    return {row[0] for row in rows}

"""A poison message in normal traffic: bounded retries, parked with its reason, the rest unharmed."""

from __future__ import annotations

from pathlib import Path

import aio_pika
import pytest

from gateway.worker.app import create_app
from gateway.worker.topology import ERROR_HEADER
from tests.kit.reliability import (
    EXPECTED_RETOURS,
    HEEN_IN,
    bind_capture,
    drained,
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
from tests.kit.services import CRASH, FaultyProcessor, make_settings, variant
from tests.kit.traffic import Traffic

pytestmark = [pytest.mark.rabbitmq, pytest.mark.postgres]
NORMAL = 400
LIMIT = 3


async def test_a_poison_message_among_normal_traffic_is_retried_then_parked_and_the_rest_goes_through(
    prefix: str, rabbit: aio_pika.abc.AbstractRobustConnection, fresh_database: str, tmp_path: Path
) -> None:
    url = pg_url(fresh_database)
    settings = make_settings(url, prefix, delivery_limit=LIMIT)
    bodies = list(Traffic(seed=8).messages(NORMAL))
    poison = variant(bodies[NORMAL // 2], CRASH)  # a document the processor raises on, mid-stream
    processor = FaultyProcessor(settings)
    app = create_app(settings, processor=processor)
    await app.start()
    try:
        capture = await bind_capture(rabbit, app.topology)
        await publish(rabbit, app.topology, [*bodies[: NORMAL // 2], poison, *bodies[NORMAL // 2:]])
        await wait_until(lambda: drained(url, NORMAL, rabbit), within=120)
        await wait_until(lambda: _depth_is(rabbit, app.topology.dead_queue.name, 1), within=120)
    finally:
        await app.stop()
    channel = await rabbit.channel()
    [parked] = await take_all(await channel.get_queue(app.topology.dead_queue.name))
    assert parked.body == poison
    reason = str(parked.headers[ERROR_HEADER])
    assert reason.startswith("ZeroDivisionError at tests/kit/services.py")
    assert parked.headers["x-istd-attempts"] == LIMIT + 1
    assert app.metrics.failures._value.get() == LIMIT + 1  # bounded: the first delivery and LIMIT more
    assert app.metrics.dead_lettered._value.get() == 1
    assert await scalar(url, HEEN_IN) == NORMAL  # the rest of the stream processed, the poison not stored
    assert set((await per_message_max(url)).values()) <= {0, 1}
    counts = tally(read_out(await take_all(capture)))
    assert counts.distinct == counts.retours == await scalar(url, EXPECTED_RETOURS)
    assert await queue_depth(rabbit, app.topology.inbound_queue.name) == 0


async def _depth_is(rabbit: aio_pika.abc.AbstractConnection, queue: str, depth: int) -> bool:
    return await queue_depth(rabbit, queue) == depth

"""The worker on the real RabbitMQ: ack after commit, bounded retries then dead-letter, replay, examples."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aio_pika
import pytest

from gateway.cli.dead_letters import dead_letters
from gateway.cli.publish import publish
from gateway.settings import Settings
from gateway.worker.app import App, create_app
from gateway.worker.topology import ERROR_HEADER, Topology
from tests.kit.services import (
    CRASH,
    HOLD,
    FaultyProcessor,
    bind_capture,
    count_rows,
    drain,
    example,
    iwmo_examples,
    make_settings,
    variant,
    wait_for,
)

pytestmark = pytest.mark.rabbitmq


@asynccontextmanager
async def running(settings: Settings, **kwargs: Any) -> AsyncIterator[App]:
    app = create_app(settings, **kwargs)
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


async def _send(rabbit: aio_pika.abc.AbstractConnection, topology: Topology, *bodies: bytes) -> None:
    channel = await rabbit.channel(publisher_confirms=True)
    exchange = await channel.get_exchange(topology.inbound_exchange.name)
    for body in bodies:
        await exchange.publish(aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT), "")
    await channel.close()


async def _queue_depth(rabbit: aio_pika.abc.AbstractConnection, name: str) -> int:
    channel = await rabbit.channel()
    queue = await channel.declare_queue(name, passive=True)
    depth = queue.declaration_result.message_count or 0
    await channel.close()
    return depth


async def test_publishing_the_examples_yields_retours_on_istd_out_and_register_rows(
    database_url: str, rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str, tmp_path: Any
) -> None:
    settings = make_settings(database_url, prefix)
    files = []
    for i, body in enumerate(iwmo_examples()):
        path = tmp_path / f"{i}.xml"
        path.write_bytes(body)
        files.append(path)
    async with running(settings) as app:
        capture = await bind_capture(rabbit, app.topology, app.topology.out_exchange.name)
        assert await publish(settings, files) == 7
        retours = await drain(capture, 7)
        assert await count_rows(app.engine, "messages", "WHERE direction = 'in'") == 5
    assert sorted(m.routing_key or "" for m in retours) == [
        "87654321.wmo301", "87654321.wmo306", "87654321.wmo308", "87654321.wmo316", "87654321.wmo318",
        "87654321.wmo319", "87654321.wmo325",  # the 323 is answered with a 325
    ]
    assert all(m.delivery_mode == aio_pika.DeliveryMode.PERSISTENT for m in retours)
    assert await _queue_depth(rabbit, app.topology.inbound_queue.name) == 0


async def test_a_delivery_is_acked_only_after_its_commit(
    sqlite_url: str, rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str
) -> None:
    settings = make_settings(sqlite_url, prefix)
    processor = FaultyProcessor(settings)
    app = create_app(settings, processor=processor)
    await app.start()
    await _send(rabbit, app.topology, variant(example("WMO315"), HOLD))
    await wait_for(_is_set(processor.held))
    # Processing is under way: the delivery is unacked, nothing is committed. Its connection goes.
    await app.broker.stop()
    assert await count_rows(app.engine, "messages") == 0
    await wait_for(_depth_is(rabbit, app.topology.inbound_queue.name, 1))  # back in the queue
    async with running(settings) as second:
        await wait_for(_depth_is(rabbit, second.topology.inbound_queue.name, 0))
        await wait_for(_rows_are(second, "messages", 2))  # the 315 and its 316
    # The first worker's batch now finishes late: recognised as a duplicate, no second effect.
    processor.release.set()
    await app.batcher.stop()
    await app.engine.dispose()
    assert await count_rows(second.engine, "messages") == 2


async def test_a_crashing_message_is_retried_then_parked_with_its_reason_and_can_be_replayed(
    sqlite_url: str, rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str
) -> None:
    settings = make_settings(sqlite_url, prefix, delivery_limit=2)
    processor = FaultyProcessor(settings)
    poison = variant(example("WMO315"), CRASH)
    async with running(settings, processor=processor) as app:
        await _send(rabbit, app.topology, poison, example("WMO305"))
        dead = await rabbit.channel()
        [parked] = await drain(await dead.get_queue(app.topology.dead_queue.name), 1)
        await dead.close()
        assert app.metrics.failures._value.get() == 3  # deliveries 0, 1 and 2 of a limit of 2
        assert await count_rows(app.engine, "messages", "WHERE direction = 'in'") == 1  # the 305 went through
        assert app.metrics.dead_lettered._value.get() == 1
    reason = parked.headers[ERROR_HEADER]
    assert isinstance(reason, str)
    assert reason.startswith("ZeroDivisionError at tests/kit/services.py")
    assert parked.body == poison
    assert parked.headers["x-istd-attempts"] == 3


async def test_dead_letters_can_be_listed_and_replayed(
    sqlite_url: str, rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str
) -> None:
    settings = make_settings(sqlite_url, prefix, delivery_limit=0)
    processor = FaultyProcessor(settings)
    async with running(settings, processor=processor) as app:
        await _send(rabbit, app.topology, variant(example("WMO315"), CRASH))
        await wait_for(_depth_is(rabbit, app.topology.dead_queue.name, 1))
    [listed] = await dead_letters(settings, "list")
    assert (listed.position, listed.message, listed.attempts) == (1, "WMO315", "1")
    assert listed.reason.startswith("ZeroDivisionError at ")
    # Listing took nothing: its requeued messages are back once its channel has closed.
    await wait_for(_depth_is(rabbit, Topology(prefix=prefix).dead_queue.name, 1))
    async with running(settings) as app:  # the real processor: the replayed message goes through
        assert [p.position for p in await dead_letters(settings, "replay", ["1"])] == [1]
        await wait_for(_rows_are(app, "messages", 2))
    await wait_for(_depth_is(rabbit, app.topology.dead_queue.name, 0))


def _is_set(event: Any) -> Any:
    async def probe() -> bool:
        return bool(event.is_set())

    return probe


def _depth_is(rabbit: aio_pika.abc.AbstractConnection, queue: str, depth: int) -> Any:
    async def probe() -> bool:
        return await _queue_depth(rabbit, queue) == depth

    return probe


def _rows_are(app: App, table: str, count: int) -> Any:
    async def probe() -> bool:
        return await count_rows(app.engine, table) == count

    return probe

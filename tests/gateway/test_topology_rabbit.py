"""The topology on the real RabbitMQ: idempotent, quorum inbound queue, dead-lettering at the limit."""

from __future__ import annotations

from pathlib import Path

import aio_pika
import pytest
from faststream.rabbit import RabbitBroker
from gateway_testkit import RABBIT_URL, drain, make_settings, wait_for

from gateway.cli.publish import publish
from gateway.worker.topology import DELIVERY_COUNT_HEADER, Topology, declare

pytestmark = pytest.mark.rabbitmq


async def _declared(topology: Topology) -> None:
    async with RabbitBroker(RABBIT_URL, apply_types=False) as broker:
        await broker.connect()
        await declare(broker, topology)


async def test_declaring_twice_is_harmless_and_routes_inbound_to_the_quorum_queue(
    rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str
) -> None:
    topology = Topology(prefix=prefix, delivery_limit=2)
    await _declared(topology)
    await _declared(topology)
    channel = await rabbit.channel()
    exchange = await channel.get_exchange(topology.inbound_exchange.name)
    await exchange.publish(aio_pika.Message(b"<x/>"), routing_key="any key at all")
    queue = await channel.get_queue(topology.inbound_queue.name)
    [message] = await drain(queue, 1)
    assert message.body == b"<x/>"
    assert message.headers[DELIVERY_COUNT_HEADER] == 0  # only quorum queues set this header


async def test_a_message_requeued_past_the_limit_is_dead_lettered(
    rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str
) -> None:
    topology = Topology(prefix=prefix, delivery_limit=2)
    await _declared(topology)
    channel = await rabbit.channel()
    exchange = await channel.get_exchange(topology.inbound_exchange.name)
    await exchange.publish(aio_pika.Message(b"<poison/>"), routing_key="")
    inbound = await channel.get_queue(topology.inbound_queue.name)
    counts: list[int] = []

    async def nack_once() -> bool:
        message = await inbound.get(no_ack=False, fail=False)
        if message is not None:
            counts.append(message.headers[DELIVERY_COUNT_HEADER])  # type: ignore[arg-type]
            await message.nack(requeue=True)
        return len(counts) == 3

    await wait_for(nack_once)
    dead = await channel.get_queue(topology.dead_queue.name)
    [parked] = await drain(dead, 1)
    assert counts == [0, 1, 2]  # delivery limit 2: three deliveries, then the dead-letter exchange
    assert parked.body == b"<poison/>"
    assert parked.headers["x-first-death-reason"] == "delivery_limit"


async def test_error_reports_are_kept_in_their_queue(
    rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str
) -> None:
    topology = Topology(prefix=prefix)
    await _declared(topology)
    channel = await rabbit.channel()
    exchange = await channel.get_exchange(topology.errors_exchange.name)
    await exchange.publish(aio_pika.Message(b'{"error": "x"}'), routing_key="12345678.wmo305")
    [report] = await drain(await channel.get_queue(topology.errors_queue.name), 1)
    assert report.body == b'{"error": "x"}'


async def test_istd_publish_queues_files_in_the_order_given(
    rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str, tmp_path: Path
) -> None:
    # A client's 315 must reach the queue before the 301 that honours it: the worker keeps queue order.
    files = []
    for n in range(300):
        path = tmp_path / f"{n:03}.xml"
        path.write_bytes(b"<n>%d</n>" % n + b" " * (n * 997 % 20_000))  # sizes vary: reads finish unevenly
        files.append(path)
    settings = make_settings("sqlite:///unused", prefix)
    assert await publish(settings, files) == 300
    channel = await rabbit.channel()
    queue = await channel.get_queue(Topology(prefix=prefix).inbound_queue.name)
    taken = await drain(queue, 300)
    assert [message.body.split(b"</n>")[0] for message in taken] == [b"<n>%d" % n for n in range(300)]

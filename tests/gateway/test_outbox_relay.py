"""The outbox relay publishes committed rows as stored, marks them, and leaves refused rows pending."""

from __future__ import annotations

import asyncio
import secrets
from datetime import UTC, datetime

import aio_pika
import pytest
from aio_pika import IncomingMessage
from faststream.message import StreamMessage
from faststream.rabbit import RabbitBroker, RabbitQueue, TestRabbitBroker
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from gateway import wire
from gateway.worker.metrics import Metrics
from gateway.worker.outbox import OutboxRelay, Pending
from gateway.worker.publishers import declare_publishers
from gateway.worker.topology import Topology, declare
from storage.engine import session_factory
from storage.models import OutboxRow
from tests.kit.services import RABBIT_URL, bind_capture, drain

XML = "application/xml"


async def _whole(message: StreamMessage[IncomingMessage]) -> StreamMessage[IncomingMessage]:
    return message


def _row(routing_key: str, body: bytes, exchange: str = wire.EXCHANGE_OUT) -> OutboxRow:
    return OutboxRow(
        exchange=exchange, routing_key=routing_key, body=body, content_type=XML,
        message_id=secrets.token_hex(8), created_at=datetime.now(UTC),
    )


async def _insert(sessions: async_sessionmaker[AsyncSession], *rows: OutboxRow) -> None:
    async with sessions() as session, session.begin():
        session.add_all(rows)


async def _pending(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(select(OutboxRow).where(OutboxRow.published_at.is_(None)))
        return sorted(row.routing_key for row in rows)


async def test_rows_are_published_in_order_and_marked(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    topology = Topology(prefix="mem.")
    broker = RabbitBroker(apply_types=False)
    publishers = declare_publishers(broker, topology)
    received: list[tuple[str, bytes]] = []

    @broker.subscriber(RabbitQueue("capture", routing_key="#"), topology.out_exchange, decoder=_whole)
    async def capture(message: StreamMessage[IncomingMessage]) -> None:
        received.append((message.raw_message.routing_key or "", message.body))

    await _insert(sessions, _row("87654321.wmo306", b"<a/>"), _row("12345678.wmo302", b"<b/>"))
    relay = OutboxRelay(sessions, publishers.publish_row, Metrics())
    async with TestRabbitBroker(broker):
        assert await relay.flush() == 2
        assert await relay.flush() == 0
    assert received == [("87654321.wmo306", b"<a/>"), ("12345678.wmo302", b"<b/>")]
    assert await _pending(sessions) == []


async def test_a_refused_row_stays_pending_and_does_not_block_others(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    sent: list[str] = []

    async def publish(row: Pending) -> None:
        if row.routing_key.startswith("refused"):
            raise ConnectionError("broker said no")
        sent.append(row.routing_key)

    await _insert(sessions, _row("refused.wmo306", b"1"), _row("ok.wmo306", b"2"))
    relay = OutboxRelay(sessions, publish, Metrics(), page=1)
    assert await relay.flush() == 1
    assert sent == ["ok.wmo306"]
    assert await _pending(sessions) == ["refused.wmo306"]
    assert await relay.backlog() == 1


async def test_a_publish_that_is_never_confirmed_is_deferred_instead_of_holding_the_relay(
    engine: AsyncEngine,
) -> None:
    # A confirm lost with its channel never arrives: the page must end, the row wait for a new try.
    sessions = session_factory(engine)
    sent: list[str] = []

    async def publish(row: Pending) -> None:
        if row.routing_key.startswith("lost"):
            await asyncio.Event().wait()  # nobody will ever set it
        sent.append(row.routing_key)

    await _insert(sessions, _row("lost.wmo306", b"1"), _row("ok.wmo306", b"2"))
    relay = OutboxRelay(sessions, publish, Metrics(), publish_timeout_s=0.2)
    assert await asyncio.wait_for(relay.flush(), 10) == 1
    assert sent == ["ok.wmo306"]
    assert await _pending(sessions) == ["lost.wmo306"]


async def test_rolled_back_rows_are_never_published(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    sent: list[str] = []

    async def publish(row: Pending) -> None:
        sent.append(row.routing_key)

    async with sessions() as session, session.begin():
        session.add(_row("gone.wmo306", b"x"))
        await session.flush()
        await session.rollback()  # the batch failed after writing its retour
    assert await OutboxRelay(sessions, publish, Metrics()).flush() == 0
    assert sent == []


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_two_relays_on_postgres_publish_each_row_once(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    await _insert(sessions, *(_row(f"r{i:03d}.wmo306", b"x") for i in range(300)))
    sent: list[str] = []

    async def publish(row: Pending) -> None:
        await asyncio.sleep(0)  # let the other relay run while this one holds its page
        sent.append(row.routing_key)

    first = OutboxRelay(sessions, publish, Metrics(), page=25)
    second = OutboxRelay(sessions, publish, Metrics(), page=25)
    counts = await asyncio.gather(first.flush(), second.flush())
    assert sum(counts) == 300
    assert sorted(sent) == sorted(f"r{i:03d}.wmo306" for i in range(300))
    assert min(counts) > 0  # both took part


@pytest.mark.rabbitmq
async def test_rows_reach_the_real_exchange_persistent_and_confirmed(
    engine: AsyncEngine, rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str
) -> None:
    sessions = session_factory(engine)
    topology = Topology(prefix=prefix)
    broker = RabbitBroker(RABBIT_URL, apply_types=False)
    publishers = declare_publishers(broker, topology)
    await _insert(sessions, _row("87654321.wmo306", b"<retour/>"))
    async with broker:
        await broker.connect()
        await declare(broker, topology)
        capture = await bind_capture(rabbit, topology, topology.out_exchange.name, "87654321.*")
        assert await OutboxRelay(sessions, publishers.publish_row, Metrics()).flush() == 1
    [message] = await drain(capture, 1)
    assert (message.body, message.routing_key, message.content_type) == (b"<retour/>", "87654321.wmo306", XML)
    assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    assert await _pending(sessions) == []


@pytest.mark.rabbitmq
async def test_an_unroutable_row_is_published_into_istd_unrouted(
    engine: AsyncEngine, rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str
) -> None:
    sessions = session_factory(engine)
    topology = Topology(prefix=prefix)
    broker = RabbitBroker(RABBIT_URL, apply_types=False)
    publishers = declare_publishers(broker, topology)
    await _insert(sessions, _row("nobody.wmo306", b"<retour/>"))
    async with broker:
        await publishers.open(await broker.connect())  # the worker's own confirming channel
        await declare(broker, topology)
        assert await OutboxRelay(sessions, publishers.publish_row, Metrics()).flush() == 1
        await publishers.close()
    assert await _pending(sessions) == []  # kept by the broker, so not retried
    channel = await rabbit.channel()
    [kept] = await drain(await channel.get_queue(topology.unrouted_queue.name), 1)
    assert (kept.body, kept.routing_key) == (b"<retour/>", "nobody.wmo306")


@pytest.mark.rabbitmq
async def test_a_returned_row_stays_pending(
    engine: AsyncEngine, rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str
) -> None:
    # An istd.out without the alternate exchange (a broker set up by an earlier version, before
    # `istd unrouted migrate`) returns what it cannot route: the row waits for another try.
    sessions = session_factory(engine)
    topology = Topology(prefix=prefix)
    channel = await rabbit.channel()
    await channel.declare_exchange(topology.out_exchange.name, aio_pika.ExchangeType.TOPIC, durable=True)
    broker = RabbitBroker(RABBIT_URL, apply_types=False)
    publishers = declare_publishers(broker, topology)
    await _insert(sessions, _row("nobody.wmo306", b"<retour/>"))
    async with broker:
        await publishers.open(await broker.connect())
        assert await OutboxRelay(sessions, publishers.publish_row, Metrics()).flush() == 0
        await publishers.close()
    assert await _pending(sessions) == ["nobody.wmo306"]

"""The relay's page publishing on a real channel: one write for the page, one wait for its confirms."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import aio_pika
import aiormq
import pytest
from faststream.rabbit import RabbitBroker
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from gateway import wire
from gateway.worker.metrics import Metrics
from gateway.worker.outbox import OutboxRelay, Pending
from gateway.worker.publishers import declare_publishers
from gateway.worker.topology import Topology
from storage.engine import session_factory
from storage.models import OutboxRow
from tests.kit.services import RABBIT_URL, drain

XML = "application/xml"


def _row(routing_key: str, body: bytes) -> OutboxRow:
    return OutboxRow(
        exchange=wire.EXCHANGE_OUT, routing_key=routing_key, body=body, content_type=XML,
        message_id=secrets.token_hex(8), created_at=datetime.now(UTC),
    )


async def _pending(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(select(OutboxRow).where(OutboxRow.published_at.is_(None)))
        return sorted(row.routing_key for row in rows)


async def _one_by_one(row: Pending) -> None:
    raise AssertionError(f"row {row.id} went one by one; a page on a real channel goes at once")


@pytest.mark.rabbitmq
async def test_a_page_is_published_confirmed_in_order_and_a_returned_row_stays_pending(
    engine: AsyncEngine, rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str
) -> None:
    sessions = session_factory(engine)
    topology = Topology(prefix=prefix)
    channel = await rabbit.channel()
    # Without the alternate exchange (as before `istd unrouted migrate`), an unroutable row comes back.
    out = await channel.declare_exchange(
        topology.out_exchange.name, aio_pika.ExchangeType.TOPIC, durable=True)
    capture = await channel.declare_queue(f"{prefix}capture", durable=True)
    await capture.bind(out, routing_key="87654321.*")
    rows = [_row("87654321.wmo306", f"<retour n='{i}'/>".encode() * 200) for i in range(60)]
    rows.insert(30, _row("nobody.wmo306", b"<retour/>"))
    async with sessions() as session, session.begin():
        session.add_all(rows)
    ids = {row.message_id: row for row in rows}
    broker = RabbitBroker(RABBIT_URL, apply_types=False)
    publishers = declare_publishers(broker, topology)
    async with broker:
        await publishers.open(await broker.connect())
        relay = OutboxRelay(sessions, _one_by_one, Metrics(), publish_many=publishers.publish_many)
        assert await relay.flush() == 60
        underlay = await publishers._channel[0].get_underlay_channel()
        assert isinstance(underlay, aiormq.Channel)
        assert underlay.confirmations == {}  # every confirm (and the return) settled
        assert underlay.message_id_delivery_tag == {}  # nothing left behind per message id
        await publishers.close()
    assert await _pending(sessions) == ["nobody.wmo306"]
    got = await drain(capture, 60)
    assert [m.body for m in got] == [r.body for r in rows if r.routing_key != "nobody.wmo306"]
    for message in got:
        assert message.message_id is not None
        assert ids[message.message_id].body == message.body
        assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
        assert message.content_type == XML
        assert message.correlation_id
        assert message.timestamp is not None


async def test_in_memory_the_relay_goes_row_by_row() -> None:
    broker = RabbitBroker(apply_types=False)
    publishers = declare_publishers(broker, Topology(prefix="mem."))
    assert await publishers.publish_many([], 1.0) is None  # no channel of its own: publish_row instead

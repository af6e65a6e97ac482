"""The outbox relay while RabbitMQ blocks the connection (a memory or disk alarm), and a slow page.

aiormq sends a publish's frames at the unblock whatever became of the publish, so a page given up on
while blocked went out anyway and was then published again. The relay now starts no page while
blocked, times no page out while blocked, and `catch_up` never cancels a page still in flight.
The alarms themselves, on a real node: tests/reliability/test_broker_alarms.py.
"""

from __future__ import annotations

import asyncio
import secrets
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from gateway import wire
from gateway.worker.metrics import Metrics
from gateway.worker.outbox import OutboxRelay, Pending
from storage.engine import session_factory
from storage.models import OutboxRow


def _row(routing_key: str) -> OutboxRow:
    return OutboxRow(
        exchange=wire.EXCHANGE_OUT, routing_key=routing_key, body=b"<r/>", content_type="application/xml",
        message_id=secrets.token_hex(8), created_at=datetime.now(UTC),
    )


async def _insert(sessions: async_sessionmaker[AsyncSession], *keys: str) -> None:
    async with sessions() as session, session.begin():
        session.add_all(_row(key) for key in keys)


async def _pending(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(select(OutboxRow).where(OutboxRow.published_at.is_(None)))
        return sorted(row.routing_key for row in rows)


class Broker:
    """Publishes that wait for `confirm` (a broker whose confirms are held back), and a blocked flag."""

    def __init__(self) -> None:
        self.blocked = False
        self.confirm = asyncio.Event()
        self.written = asyncio.Event()  # a publish went out
        self.sent: Counter[str] = Counter()

    def is_blocked(self) -> bool:
        return self.blocked

    async def publish(self, row: Pending) -> None:
        self.sent[row.routing_key] += 1
        self.written.set()
        await self.confirm.wait()


async def test_a_blocked_connection_starts_no_page(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    broker = Broker()
    broker.blocked = True
    broker.confirm.set()
    await _insert(sessions, "a.wmo306", "b.wmo306")
    relay = OutboxRelay(sessions, broker.publish, Metrics(), blocked=broker.is_blocked)
    assert await relay.flush() == 0
    await relay.catch_up()
    assert broker.sent == Counter()
    assert await _pending(sessions) == ["a.wmo306", "b.wmo306"]
    broker.blocked = False
    assert await relay.flush() == 2
    assert broker.sent == Counter({"a.wmo306": 1, "b.wmo306": 1})


async def test_a_page_in_flight_is_not_timed_out_while_the_connection_is_blocked(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    broker = Broker()
    await _insert(sessions, "held.wmo306")
    relay = OutboxRelay(sessions, broker.publish, Metrics(), publish_timeout_s=0.2, blocked=broker.is_blocked)
    flush = asyncio.create_task(relay.flush())
    await asyncio.wait_for(broker.written.wait(), 10)
    broker.blocked = True  # the alarm came after the page was written
    await asyncio.sleep(1.0)  # five publish timeouts
    assert not flush.done()
    broker.blocked = False
    await asyncio.sleep(0.05)  # the frames go out at the unblock; the confirm follows
    broker.confirm.set()
    assert await asyncio.wait_for(flush, 10) == 1
    assert broker.sent == Counter({"held.wmo306": 1})
    assert await _pending(sessions) == []


async def test_after_the_unblock_a_confirm_that_never_comes_still_times_out(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    broker = Broker()
    await _insert(sessions, "lost.wmo306")
    relay = OutboxRelay(sessions, broker.publish, Metrics(), publish_timeout_s=0.2, blocked=broker.is_blocked)
    flush = asyncio.create_task(relay.flush())
    await asyncio.wait_for(broker.written.wait(), 10)
    broker.blocked = True
    await asyncio.sleep(0.5)
    broker.blocked = False  # ... and the confirm is lost with its channel: the row waits for a new try
    assert await asyncio.wait_for(flush, 10) == 0
    assert await _pending(sessions) == ["lost.wmo306"]


async def test_catch_up_leaves_a_slow_page_running_and_never_publishes_it_twice(engine: AsyncEngine) -> None:
    # Cancelling a page whose frames were written unmarked its rows, and the next call sent them again.
    sessions = session_factory(engine)
    broker = Broker()
    await _insert(sessions, "slow.wmo306")
    relay = OutboxRelay(sessions, broker.publish, Metrics(), catch_up_s=0.1)
    await relay.catch_up()
    await relay.catch_up()
    await relay.catch_up()
    broker.confirm.set()
    await asyncio.wait_for(relay.stop(), 10)
    assert broker.sent == Counter({"slow.wmo306": 1})
    assert await _pending(sessions) == []

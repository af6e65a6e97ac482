"""The relay's fast path: a committed batch hands its outbox rows over in memory, and the relay
publishes them without reading their bodies back; the table stays the source of truth (SQLite and
PostgreSQL): rows left in it go first, a refused row waits there, a row never committed never goes.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from gateway import wire
from gateway.worker import outbox
from gateway.worker.metrics import Metrics
from gateway.worker.outbox import OutboxRelay, Pending
from storage import messages as store
from storage.engine import session_factory
from storage.models import OutboxRow

XML = "application/xml"


def _entry(routing_key: str) -> store.OutboxEntry:
    return store.OutboxEntry(
        wire.EXCHANGE_OUT, routing_key, f"<retour key='{routing_key}'/>".encode(), XML, secrets.token_hex(8)
    )


async def _commit(sessions: async_sessionmaker[AsyncSession], *keys: str) -> list[store.OutboxEntry]:
    """Write rows as the Processor does (storage.messages.add_outbox), commit; what the session noted."""
    async with sessions() as session:
        async with session.begin():
            for key in keys:
                await store.add_outbox(session, _entry(key), created_at=datetime.now(UTC))
        return list(store.outbox_written(session))


async def _pending(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(select(OutboxRow).where(OutboxRow.published_at.is_(None)))
        return sorted(row.routing_key for row in rows)


@contextmanager
def _statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements sent to the database while inside."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)


class Sent:
    """The publish seam: records what went out, refuses routing keys in `refuse`."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.bodies: list[bytes] = []
        self.refuse: set[str] = set()

    async def publish(self, row: Pending) -> None:
        await asyncio.sleep(0)  # let another relay run while this one holds its page
        if row.routing_key in self.refuse:
            raise ConnectionError("broker said no")
        self.keys.append(row.routing_key)
        self.bodies.append(row.body)


async def test_offered_rows_are_published_from_memory_without_reading_their_bodies(
    engine: AsyncEngine,
) -> None:
    sessions = session_factory(engine)
    sent = Sent()
    relay = OutboxRelay(sessions, sent.publish, Metrics())
    assert await relay.flush() == 0  # the table is empty: nothing left over
    entries = await _commit(sessions, "a.wmo306", "b.wmo302", "c.wmo316")
    assert [e.routing_key for e in entries] == ["a.wmo306", "b.wmo302", "c.wmo316"]
    relay.offer(entries)
    with _statements(engine) as statements:
        await relay.catch_up()
    assert sent.keys == ["a.wmo306", "b.wmo302", "c.wmo316"]
    assert sent.bodies == [e.body for e in entries]
    assert await _pending(sessions) == []
    on_outbox = [s for s in statements if "outbox" in s]
    assert len(on_outbox) == 1, on_outbox  # one statement locks and marks the page
    assert "body" not in on_outbox[0]
    assert on_outbox[0].lstrip().upper().startswith("UPDATE")
    assert relay._metrics.registry.get_sample_value(
        "istd_outbox_published_total", {"exchange": wire.EXCHANGE_OUT}) == 3


async def test_rows_left_in_the_table_go_before_offered_ones(engine: AsyncEngine) -> None:
    # Rows a worker committed and never published (it was killed, or its publish failed) are in the
    # table only; the relay of the next start must send them before what its batches hand over.
    sessions = session_factory(engine)
    await _commit(sessions, *(f"left{i}.wmo306" for i in range(5)))
    sent = Sent()
    relay = OutboxRelay(sessions, sent.publish, Metrics(), page=2)
    relay.offer(await _commit(sessions, "new0.wmo306", "new1.wmo306"))
    await relay.catch_up()
    assert sent.keys == [*(f"left{i}.wmo306" for i in range(5)), "new0.wmo306", "new1.wmo306"]
    assert await _pending(sessions) == []
    relay.offer(await _commit(sessions, "new2.wmo306"))
    with _statements(engine) as statements:
        await relay.catch_up()
    assert sent.keys[-1] == "new2.wmo306"
    assert len(sent.keys) == 8  # nothing twice
    assert all("body" not in s for s in statements if "outbox" in s)  # from memory again


async def test_a_refused_offered_row_waits_in_the_table_and_goes_before_later_rows(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox, "_RETRY_AFTER_S", 0.0)  # retried at the next page, not after 5 s
    sessions = session_factory(engine)
    sent = Sent()
    relay = OutboxRelay(sessions, sent.publish, Metrics())
    await relay.flush()
    sent.refuse = {"r0.wmo306"}
    relay.offer(await _commit(sessions, "r0.wmo306", "a1.wmo306"))
    await relay.catch_up()
    assert sent.keys == ["a1.wmo306"]
    assert await _pending(sessions) == ["r0.wmo306"]  # unmarked: the table still has it to send
    sent.refuse = set()
    later = await _commit(sessions, "a2.wmo306")
    relay.offer(later)
    with _statements(engine) as statements:
        await relay.catch_up()
    assert sent.keys == ["a1.wmo306", "r0.wmo306", "a2.wmo306"]
    assert any("body" in s for s in statements if "outbox" in s)  # back to the table for the left-over
    assert await _pending(sessions) == []


async def test_an_offered_row_that_was_never_committed_is_not_published(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    sent = Sent()
    relay = OutboxRelay(sessions, sent.publish, Metrics())
    await relay.flush()
    async with sessions() as session:
        async with session.begin():
            await store.add_outbox(session, _entry("gone.wmo306"), created_at=datetime.now(UTC))
            await session.rollback()  # the batch failed after writing its retour
        gone = list(store.outbox_written(session))
    relay.offer([*gone, *(await _commit(sessions, "kept.wmo306"))])
    await relay.catch_up()
    assert sent.keys == ["kept.wmo306"]
    assert await _pending(sessions) == []


async def test_offered_rows_the_table_path_published_already_do_not_go_twice(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    sent = Sent()
    relay = OutboxRelay(sessions, sent.publish, Metrics())
    await relay.flush()
    relay.offer(await _commit(sessions, "x.wmo306", "y.wmo306"))
    assert await relay.flush() == 2  # the interval loop's page from the table took them first
    relay.offer(await _commit(sessions, "z.wmo306"))
    await relay.catch_up()
    assert sent.keys == ["x.wmo306", "y.wmo306", "z.wmo306"]


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_page_from_memory_and_another_workers_page_from_the_table_send_each_row_once(
    engine: AsyncEngine,
) -> None:
    sessions = session_factory(engine)
    sent = Sent()
    in_flight, release = asyncio.Event(), asyncio.Event()

    async def held(row: Pending) -> None:  # this relay's first page waits for its confirms
        in_flight.set()
        await release.wait()
        await sent.publish(row)

    mine = OutboxRelay(sessions, held, Metrics(), page=25)
    other = OutboxRelay(sessions, sent.publish, Metrics(), page=25)
    await mine.flush()
    keys = [f"r{i:03d}.wmo306" for i in range(300)]
    mine.offer(await _commit(sessions, *keys))

    async def drain_in_hand() -> None:
        while mine._in_hand:
            await mine.catch_up()

    draining = asyncio.create_task(drain_in_hand())
    await in_flight.wait()
    # Another worker's pages from the table skip the 25 rows locked by the page in flight and take
    # the rest, also the rows still in this relay's hand.
    assert await other.flush() == 275
    release.set()
    await draining
    assert sorted(sent.keys) == keys  # each once: the rows in hand the other took are skipped
    assert mine._metrics.registry.get_sample_value(
        "istd_outbox_published_total", {"exchange": wire.EXCHANGE_OUT}) == 25
    assert await _pending(sessions) == []

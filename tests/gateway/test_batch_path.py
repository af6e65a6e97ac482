"""The worker runs a batch through `Processor.process_batch`; a message that raises there sends the
batch down the per-message savepoint path, where only that message fails (in memory, SQLite and
PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from gateway.processing.batch import BatchItem
from gateway.processing.processed import Processed
from gateway.processing.processor import Processor
from gateway.settings import Settings
from storage.batch import writer as batch_writer
from storage.batch.snapshot import Keys, Snapshot
from storage.batch.writer import BatchWriter
from storage.engine import session_factory
from storage.unit_of_work import unit_of_work
from storage.writers import Writer
from tests.kit.services import (
    CRASH,
    count_rows,
    crash_in_the_middle,
    example,
    in_memory,
    make_settings,
    publish_together,
)
from tests.kit.traffic import Traffic


class CountingProcessor(Processor):
    """The real Processor; counts batch and single calls, and raises in `run` on a CRASH document."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.batches: list[int] = []
        self.singles = 0
        self.seconds: list[float] | None = None

    async def process_batch(
        self, session: AsyncSession, items: Sequence[BatchItem], today: date,
        seconds: list[float] | None = None,
    ) -> list[Processed]:
        self.batches.append(len(items))
        self.seconds = seconds
        return await super().process_batch(session, items, today, seconds)

    async def process(self, session: AsyncSession, raw: bytes, **kwargs: Any) -> Processed:
        self.singles += 1
        return await super().process(session, raw, **kwargs)

    async def run(self, session: Writer, raw: bytes, **kwargs: Any) -> Processed:
        if CRASH in raw:
            raise ZeroDivisionError("a bug in processing (test)")
        return await super().run(session, raw, **kwargs)


async def test_a_batch_goes_through_process_batch_once(database_url: str) -> None:
    settings = make_settings(database_url, batch_size=50, batch_wait_ms=300)
    processor = CountingProcessor(settings)
    async with in_memory(settings, processor=processor) as (app, captured, broker):
        await publish_together(app, broker, [example("WMO315"), example("WMO305"), example("WMO307")])
        assert await count_rows(app.engine, "messages", "WHERE direction = 'in'") == 3
        observed = app.metrics.registry.get_sample_value("istd_processing_seconds_count")
        total = app.metrics.registry.get_sample_value("istd_processing_seconds_sum")
    assert processor.batches == [3]
    assert processor.singles == 0
    # One observation per message, each its own time (not the batch's average three times).
    assert processor.seconds is not None
    assert len(processor.seconds) == 3
    assert all(seconds > 0 for seconds in processor.seconds)
    assert observed == 3
    assert total == pytest.approx(sum(processor.seconds))
    assert sorted(key for key, _ in captured.out) == ["87654321.wmo306", "87654321.wmo308", "87654321.wmo316"]


async def test_a_message_raising_in_the_batch_is_isolated_and_the_rest_commits(database_url: str) -> None:
    settings = make_settings(database_url, batch_size=50, batch_wait_ms=300)
    processor = CountingProcessor(settings)
    async with in_memory(settings, processor=processor) as (app, captured, broker):
        await publish_together(app, broker, crash_in_the_middle())
        assert await count_rows(app.engine, "messages", "WHERE direction = 'in'") == 2
        assert await count_rows(app.engine, "outbox") == 2
    assert processor.batches[0] == 3  # the fast path first, rolled back
    assert processor.singles >= 3  # then each message in its own savepoint
    assert sorted(key for key, _ in captured.out) == ["87654321.wmo308", "87654321.wmo316"]
    assert app.metrics.failures._value.get() >= 1


async def test_a_run_of_messages_loads_its_snapshot_once(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The keys read off the messages (handlers.reads) cover what the handlers read and write: the
    snapshot is loaded once per run of messages, never on demand while a message is processed."""
    opened, loaded = [0], [0]
    original_open, original_load = BatchWriter.open.__func__, batch_writer.load  # type: ignore[attr-defined]

    async def counting_open(cls: type[BatchWriter], *args: Any) -> BatchWriter:
        opened[0] += 1
        return await original_open(cls, *args)  # type: ignore[no-any-return]

    async def counting_load(snapshot: Snapshot, keys: Keys) -> None:
        loaded[0] += 1
        await original_load(snapshot, keys)

    monkeypatch.setattr(BatchWriter, "open", classmethod(counting_open))
    monkeypatch.setattr(batch_writer, "load", counting_load)
    processor = Processor(make_settings(str(engine.url)))
    today = date.today()  # the traffic's dates are relative to the day it is processed on
    bodies, now = list(Traffic(seed=7, today=today).messages(600)), datetime.now(UTC)
    sessions = session_factory(engine)
    outcomes: set[str] = set()
    for start in range(0, len(bodies), 100):
        async with unit_of_work(sessions) as session:
            items = [BatchItem(body, now) for body in bodies[start:start + 100]]
            outcomes |= {p.outcome for p in await processor.process_batch(session, items, today)}
    assert {"accepted", "rejected", "recorded"} <= outcomes
    assert opened[0] >= 6
    assert loaded[0] <= opened[0]

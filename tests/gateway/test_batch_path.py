"""The worker runs a batch through `Processor.process_batch`; a message that raises there sends the
batch down the per-message savepoint path, where only that message fails (in memory, SQLite and
PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.processing.batch import BatchItem
from gateway.processing.processed import Processed
from gateway.processing.processor import Processor
from gateway.settings import Settings
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

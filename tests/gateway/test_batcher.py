"""The micro-batcher: batches fill up to their size, every submitter gets its own result, stop drains."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import pytest

from gateway.worker.batcher import Batcher, BatcherClosed
from tests.kit.services import wait_for


class Recorder:
    """A batch function that doubles its inputs and remembers how they were grouped."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self, items: Sequence[int]) -> list[int]:
        self.batches.append(list(items))
        await self.release.wait()
        return [item * 2 for item in items]


def _has_batches(recorder: Recorder) -> Callable[[], Awaitable[bool]]:
    async def probe() -> bool:
        return bool(recorder.batches)

    return probe


async def test_concurrent_submissions_share_a_batch_and_get_their_own_results() -> None:
    recorder = Recorder()
    batcher: Batcher[int, int] = Batcher(recorder, size=4, wait_s=5.0)
    batcher.start()
    results = await asyncio.gather(*(batcher.submit(i) for i in range(8)))
    await batcher.stop()
    assert results == [i * 2 for i in range(8)]
    assert recorder.batches == [[0, 1, 2, 3], [4, 5, 6, 7]]


async def test_a_lone_submission_goes_after_the_wait() -> None:
    recorder = Recorder()
    batcher: Batcher[int, int] = Batcher(recorder, size=100, wait_s=0.01)
    batcher.start()
    assert await batcher.submit(21) == 42
    await batcher.stop()
    assert recorder.batches == [[21]]


async def test_submissions_during_a_running_batch_form_the_next_one() -> None:
    recorder = Recorder()
    recorder.release.clear()
    batcher: Batcher[int, int] = Batcher(recorder, size=10, wait_s=0.0)
    batcher.start()
    first = asyncio.ensure_future(batcher.submit(1))
    await wait_for(_has_batches(recorder))
    later = [asyncio.ensure_future(batcher.submit(i)) for i in (2, 3, 4)]
    await asyncio.sleep(0)
    recorder.release.set()
    assert await first == 2
    assert [await f for f in later] == [4, 6, 8]
    await batcher.stop()
    assert recorder.batches == [[1], [2, 3, 4]]


async def test_an_exception_of_the_batch_reaches_every_submitter() -> None:
    async def broken(items: Sequence[int]) -> list[int]:
        raise LookupError("batch failed")

    batcher: Batcher[int, int] = Batcher(broken, size=3, wait_s=1.0)
    batcher.start()
    results = await asyncio.gather(*(batcher.submit(i) for i in range(3)), return_exceptions=True)
    await batcher.stop()
    assert [type(r) for r in results] == [LookupError] * 3


async def test_stop_runs_what_was_submitted_and_refuses_more() -> None:
    recorder = Recorder()
    batcher: Batcher[int, int] = Batcher(recorder, size=50, wait_s=60.0)
    batcher.start()
    pending = [asyncio.ensure_future(batcher.submit(i)) for i in range(5)]
    await asyncio.sleep(0)
    await batcher.stop()  # does not wait the 60 s: stopping hurries the batch in hand
    assert [f.result() for f in pending] == [0, 2, 4, 6, 8]
    with pytest.raises(BatcherClosed):
        await batcher.submit(9)

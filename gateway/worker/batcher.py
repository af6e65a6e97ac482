"""Micro-batching: gather concurrent submissions up to `size` or `wait_s`, run them together, answer each one.

Each delivery's handler task calls `submit()` and waits, or a consumer callback calls `offer()` and
returns at once; one loop collects what arrived, calls the batch function once (one transaction for
the whole batch) and resolves every submission with its own result (an offered item's result is
the batch function's own business). Only one batch runs at a time, so batches commit in arrival order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")
RunBatch = Callable[[Sequence[T]], Awaitable[Sequence[R]]]
_Entry = tuple[T, "asyncio.Future[R] | None"]  # None: offered, nobody waits for the result


class BatcherClosed(RuntimeError):
    """A submission arrived after the batcher stopped."""


class Batcher(Generic[T, R]):
    """Collects items into batches for `run`, which returns one result per item, in order."""

    def __init__(
        self, run: RunBatch[T, R], *, size: int, wait_s: float,
        between: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        if size < 1:
            raise ValueError("batch size must be at least 1")
        self._run = run
        self._between = between  # awaited after each batch, before the next is collected
        self._size = size
        self._wait_s = wait_s
        self._pending: asyncio.Queue[_Entry[T, R] | None] = asyncio.Queue()
        self._arrived = asyncio.Event()
        self._hurry = False
        self._closed = False
        self._task: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        """Queue `item` for the next batch and wait for its result (or the batch's exception)."""
        if self._closed:
            raise BatcherClosed("the batcher has stopped")
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.put_nowait((item, future))
        self._arrived.set()
        return await future

    def offer(self, item: T) -> None:
        """Queue `item` for the next batch without waiting: `run` itself deals with its result."""
        if self._closed:
            raise BatcherClosed("the batcher has stopped")
        self._pending.put_nowait((item, None))
        self._arrived.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="istd-batcher")

    def hurry(self) -> None:
        """Shutdown is near: stop waiting for batches to fill; run what is in hand at once."""
        self._hurry = True
        self._arrived.set()

    async def stop(self) -> None:
        """Run everything already submitted, then end the loop."""
        self.hurry()
        self._closed = True
        if self._task is None:
            return
        self._pending.put_nowait(None)  # the loop ends when it reaches this, after all earlier items
        await self._task
        self._task = None

    def _take(self, batch: list[_Entry[T, R]]) -> bool:
        """Move waiting entries into `batch` up to the size; False once the end marker is reached."""
        while len(batch) < self._size and not self._pending.empty():
            entry = self._pending.get_nowait()
            if entry is None:
                return False
            batch.append(entry)
        return True

    async def _collect(self) -> tuple[list[_Entry[T, R]], bool]:
        first = await self._pending.get()
        if first is None:
            return [], False
        batch = [first]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._wait_s
        while True:
            if not self._take(batch):
                return batch, False
            remaining = deadline - loop.time()
            if len(batch) >= self._size or self._hurry or remaining <= 0:
                return batch, True
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                return batch, self._take(batch)

    async def _loop(self) -> None:
        going = True
        while going:
            batch, going = await self._collect()
            if batch:
                await self._run_batch(batch)
                if self._between is not None:
                    await self._between()

    async def _run_batch(self, batch: list[_Entry[T, R]]) -> None:
        try:
            results = await self._run([item for item, _ in batch])
        except Exception as exc:  # noqa: BLE001 - handed to every waiting submitter, who decides
            for _, future in batch:
                if future is not None and not future.done():
                    future.set_exception(exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if future is not None and not future.done():
                future.set_result(result)

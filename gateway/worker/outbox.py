"""The outbox relay: publishes pending outbox rows with publisher confirms, and marks them published.

Rows are written by the Processor in the batch transaction that holds their cause, so a rolled-back
batch leaves no row and sends nothing. The relay locks a page of pending rows
(`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several workers share the work; SQLite has one worker
and its writers are serialised by the app's write lock), marks them published, publishes them,
unmarks those the broker did not confirm and commits. A crash between confirm and commit publishes
those rows again after a restart: delivery is at least once, and each row keeps its `message_id` so
receivers can drop the duplicate.

The fast path: a committed batch hands the rows it wrote to the relay (`offer`), bodies and all, so
`catch_up` need not read them back. It locks and marks them in one statement by `message_id`
(unique), skipping rows locked or already marked (by a page of this relay or another worker), which
returns their ids and no bodies, and publishes what it got, in the batch's order. Memory is only the
fast path, the table stays the source of truth: the fast path runs only while this relay knows that
no row it could publish is left over in the table (`_clean`: its last page from the table was not
full, nothing in it was refused and nothing waits for a retry), so rows of earlier pages go first. A
refused row, a failed page or too many rows in hand sends the relay back to the table, which holds
every committed row until it is marked, also after a crash.

While RabbitMQ blocks the connection (a memory or disk alarm) nothing it is sent goes out: aiormq
holds the frames until the unblock, and then sends them whatever became of the publish. So a blocked
relay starts no page, and a page in flight is neither cancelled (`catch_up` leaves it running) nor
timed out: its confirm timeout counts from the last moment the connection was seen blocked. Timing a
held page out would unmark rows whose frames still go out at the unblock, and publish them twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Select, Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.logs import describe_exception, fields, get_logger
from gateway.processing.stages import STAGES
from gateway.worker.metrics import Metrics
from storage.messages import OutboxEntry
from storage.models import OutboxRow
from storage.sql import one_of


class Pending(Protocol):
    """What a publisher reads of a pending row: an `OutboxRow`, or the plain row the relay selects."""

    @property
    def id(self) -> int: ...
    @property
    def exchange(self) -> str: ...
    @property
    def routing_key(self) -> str: ...
    @property
    def body(self) -> bytes: ...
    @property
    def content_type(self) -> str: ...
    @property
    def message_id(self) -> str: ...


Publish = Callable[[Pending], Awaitable[None]]
# A whole page at once: per row None (confirmed) or why not; None when it cannot (then row by row).
PublishMany = Callable[[list[Pending], float], Awaitable["list[BaseException | None] | None"]]
_OUTBOX: Table = OutboxRow.__table__  # type: ignore[assignment]
_O = _OUTBOX.c
# Plain columns, not ORM entities: a page is read once and marked with one UPDATE, so identity-map
# bookkeeping and the UPDATE's session synchronisation were pure cost (a tenth of the worker's time).
_PAGE = (_O.id, _O.exchange, _O.routing_key, _O.body, _O.content_type, _O.message_id)
log = get_logger("outbox")
_RETRY_AFTER_S = 5.0  # a row the broker refused (nack, unroutable) waits this long before another try
_MAX_DEFERRED = 1000
# A publish whose confirm never comes (its channel died with the connection) would hold the page,
# its row locks and the relay loop for ever; after this long the row is deferred like a refused one.
PUBLISH_TIMEOUT_S = 15.0
_HELD_POLL_S = 0.5  # how often a wait for confirms looks whether the connection is (still) blocked
_MAX_IN_HAND = 5000  # rows offered and not yet taken beyond this: dropped, the table has them


@dataclass(frozen=True, slots=True)
class _Held:
    """A row offered from memory, with the id its lock returned."""

    id: int
    exchange: str
    routing_key: str
    body: bytes
    content_type: str
    message_id: str


def never_blocked() -> bool:
    return False


async def await_confirms(
    waits: Iterable[asyncio.Future[Any]], timeout_s: float, held: Callable[[], bool]
) -> set[asyncio.Future[Any]]:
    """Wait for `waits`; those not done within `timeout_s` of the moment `held()` was seen false again.

    `held` says whether the connection is blocked: frames then wait in aiormq for the unblock, so the
    timeout starts again from there rather than cancelling publishes that will still go out.
    """
    loop = asyncio.get_running_loop()
    pending = set(waits)
    deadline = loop.time() + timeout_s
    was_held = False
    while pending:
        is_held = held()
        if is_held or was_held:  # blocked now, or until some moment since the last look
            deadline = loop.time() + timeout_s
        was_held = is_held
        left = deadline - loop.time()
        if left <= 0:
            break
        _, pending = await asyncio.wait(pending, timeout=min(left, _HELD_POLL_S))
    return pending


class OutboxRelay:
    """Publish pending rows: after each batch (`catch_up`), and every `interval_s` in any case."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        publish: Publish,
        metrics: Metrics,
        *,
        write_lock: contextlib.AbstractAsyncContextManager[object] | None = None,
        page: int = 500,
        interval_s: float = 0.5,
        catch_up_s: float = 2.0,
        publish_timeout_s: float = PUBLISH_TIMEOUT_S,
        publish_many: PublishMany | None = None,
        blocked: Callable[[], bool] = never_blocked,
    ) -> None:
        self._sessions = sessions
        self._publish = publish
        self._publish_many = publish_many
        self._metrics = metrics
        self._write_lock = write_lock or contextlib.nullcontext()
        self._page = page
        self._interval_s = interval_s
        self._catch_up_s = catch_up_s
        self._publish_timeout_s = publish_timeout_s
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._deferred: dict[int, float] = {}
        self._blocked = blocked
        self._in_flight: asyncio.Task[tuple[int, bool]] | None = None  # a page catch_up left running
        self._in_hand: list[OutboxEntry] = []  # committed rows offered by the batches, in order
        self._clean = False  # no row this relay could publish is left in the table but those in hand

    def offer(self, rows: Sequence[OutboxEntry]) -> None:
        """Rows a batch has just committed, for `catch_up` to publish without reading them back."""
        if len(self._in_hand) + len(rows) > _MAX_IN_HAND:  # nothing takes them (a blocked broker)
            self._in_hand.clear()
            self._clean = False
            return
        self._in_hand.extend(rows)

    def wake(self) -> None:
        """Publish now rather than at the next interval (the batcher calls `catch_up` after each batch)."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="istd-outbox-relay")

    async def stop(self) -> None:
        """Stop the loop, then publish what is still pending (a final flush)."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
        if self._in_flight is not None:
            await asyncio.wait({self._in_flight})
        await self.flush()

    async def flush(self, *, from_table: bool = True) -> int:
        """Publish pending rows page by page until none is left that can go now; returns how many went.

        `from_table` False: the rows in hand first, as `catch_up` does, if the relay may (module docstring).
        """
        total = 0
        if self._blocked():
            return total
        while True:
            sent, more = await self._flush_page(from_table=from_table)
            total += sent
            if not more:
                break
        if not self._deferred and not self._blocked():
            self._metrics.outbox_backlog.set(0)
        return total

    async def catch_up(self) -> None:
        """Publish what the last batch committed before the next batch takes the event loop.

        Called by the batcher between batches: the loop alone gets too few turns while batches run
        back to back, and retours would lag behind by thousands. Bounded by `catch_up_s`, so a broker
        that stops confirming never holds the batches up; what is left goes with the next call or loop.
        A page still waiting for its confirms then is left running, never cancelled: its frames go
        out in any case, and a cancelled page would unmark its rows and publish them again.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._catch_up_s
        while loop.time() < deadline and not self._blocked():
            page = self._in_flight
            if page is None or page.done():
                page = self._in_flight = asyncio.ensure_future(self._flush_page(from_table=False))
                page.add_done_callback(_report_failure)
            # A page takes well under a second; only a broker that stopped confirming hits this.
            done, _ = await asyncio.wait({page}, timeout=max(deadline - loop.time(), 0))
            if not done or page.cancelled() or page.exception() is not None:
                return
            if not page.result()[1]:
                return

    async def backlog(self) -> int:
        """Rows not yet published (all workers)."""
        async with self._sessions() as session:
            count = await session.scalar(select(func.count()).where(OutboxRow.published_at.is_(None)))
        return int(count or 0)

    async def _run(self) -> None:
        while not self._stopping:
            idle = False
            try:
                await asyncio.wait_for(self._wake.wait(), self._interval_s)
            except TimeoutError:
                idle = True
            self._wake.clear()
            if self._stopping:
                break
            try:
                # Not the table first: this loop often takes the lock right after a batch's commit,
                # before its catch_up; with nothing in hand it reads the table (rows of other writers).
                await self.flush(from_table=False)
                if idle:
                    self._metrics.outbox_backlog.set(await self.backlog())
            except Exception as exc:  # noqa: BLE001 - the loop must outlive a database or broker outage
                log.warning("outbox flush failed", extra=fields(error=describe_exception(exc)))

    def _select_page(self) -> Select[Any]:
        now = time.monotonic()
        self._deferred = {i: t for i, t in self._deferred.items() if t > now}
        stmt = select(*_PAGE).where(_O.published_at.is_(None))
        if self._deferred:
            stmt = stmt.where(_O.id.not_in(list(self._deferred)))
        return stmt.order_by(_O.id).limit(self._page).with_for_update(skip_locked=True)

    async def _flush_page(self, *, from_table: bool) -> tuple[int, bool]:
        """One page: from memory when it may (see the module docstring), else from the table.

        Returns how many rows went and whether more may be waiting.
        """
        async with self._write_lock:
            with STAGES.timed("relay"):
                if self._blocked():  # a page would only wait for the unblock, and hold its rows meanwhile
                    return 0, False
                if not from_table and self._clean and self._in_hand:
                    return await self._flush_in_hand()
                return await self._flush_table()

    async def _flush_table(self) -> tuple[int, bool]:
        self._clean = False
        self._in_hand.clear()  # committed before this page's select, so the table holds them all
        async with self._sessions() as session, session.begin():
            rows: list[Pending] = list((await session.execute(self._select_page())).all())
            if rows:
                # Marked before publishing (the mark commits only with the confirms): a connection that
                # may not write (a read-only register) fails here, before it sends a page it cannot mark.
                postgres = session.get_bind().dialect.name == "postgresql"
                await self._mark(session, rows, postgres, datetime.now(UTC))
                confirmed = await self._publish_marked(session, rows, postgres)
            else:
                confirmed = []
        self._count(confirmed)
        full = len(rows) >= self._page
        self._clean = not full and len(confirmed) == len(rows) and not self._deferred
        return len(confirmed), full

    async def _flush_in_hand(self) -> tuple[int, bool]:
        """Publish rows offered from memory: locked and marked by `message_id`, their bodies not read."""
        self._clean = False  # until this page has gone through
        taken, self._in_hand = self._in_hand[:self._page], self._in_hand[self._page:]
        async with self._sessions() as session, session.begin():
            postgres = session.get_bind().dialect.name == "postgresql"
            by_message_id = {entry.message_id: entry for entry in taken}
            # Rows another page (this relay's, or another worker's) has locked or marked are skipped.
            free = (
                select(_O.id)
                .where(one_of(_O.message_id, by_message_id, postgres), _O.published_at.is_(None))
                .with_for_update(skip_locked=True)
            )
            marked = update(_OUTBOX).where(_O.id.in_(free)).values(published_at=datetime.now(UTC))
            returned = await session.execute(marked.returning(_O.message_id, _O.id))
            ids: dict[str, int] = {message_id: row_id for message_id, row_id in returned}
            rows: list[Pending] = [
                _Held(ids[e.message_id], e.exchange, e.routing_key, e.body, e.content_type, e.message_id)
                for e in taken if e.message_id in ids
            ]
            confirmed = await self._publish_marked(session, rows, postgres) if rows else []
        self._count(confirmed)
        self._clean = len(confirmed) == len(rows)
        return len(confirmed), bool(self._in_hand)

    async def _publish_marked(
        self, session: AsyncSession, rows: list[Pending], postgres: bool
    ) -> list[Pending]:
        """Publish `rows` (marked in `session`) and unmark those not confirmed; the confirmed ones."""
        results = await self._publish_page(rows)
        confirmed = [row for row, result in zip(rows, results, strict=True) if result is None]
        refused = [row for row, result in zip(rows, results, strict=True) if result is not None]
        for row, result in zip(rows, results, strict=True):
            if isinstance(result, BaseException):
                self._defer(row, result)
        if refused:
            await self._mark(session, refused, postgres, None)
        return confirmed

    def _count(self, confirmed: list[Pending]) -> None:
        for exchange, count in Counter(row.exchange for row in confirmed).items():
            self._metrics.outbox_published.labels(exchange).inc(count)

    @staticmethod
    async def _mark(session: AsyncSession, rows: list[Pending], postgres: bool, at: datetime | None) -> None:
        ids = one_of(_O.id, [row.id for row in rows], postgres)
        await session.execute(update(_OUTBOX).where(ids).values(published_at=at))

    async def _publish_page(self, rows: list[Pending]) -> list[BaseException | None]:
        """Publish `rows` at once; per row None (confirmed) or why not (a timeout after publish_timeout_s)."""
        if self._publish_many is not None:
            results = await self._publish_many(rows, self._publish_timeout_s)
            if results is not None:
                return results
        tasks = [asyncio.ensure_future(self._publish(row)) for row in rows]
        late = await await_confirms(tasks, self._publish_timeout_s, self._blocked)
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late)
        return [
            TimeoutError(f"no confirm within {self._publish_timeout_s} s") if task in late
            else task.exception() for task in tasks
        ]

    def _defer(self, row: Pending, error: BaseException) -> None:
        if len(self._deferred) < _MAX_DEFERRED:
            self._deferred[row.id] = time.monotonic() + _RETRY_AFTER_S
        log.warning(
            "outbox row not confirmed; will retry",
            extra=fields(outbox_id=row.id, exchange=row.exchange, routing_key=row.routing_key,
                         error=describe_exception(error)),
        )


def _report_failure(page: asyncio.Task[tuple[int, bool]]) -> None:
    """Log a catch-up page that failed (it may have been left running); the relay loop retries."""
    if not page.cancelled() and (error := page.exception()) is not None:
        log.warning("outbox catch-up failed", extra=fields(error=describe_exception(error)))

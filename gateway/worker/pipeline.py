"""The batch transaction: process many deliveries in one transaction, each in a savepoint, then commit.

The fast path hands the whole batch to `process_batch` (gateway.processing.batch: a few queries and one bulk
insert per table for the batch) when the processor has it; the isolated path runs `process` per delivery.

What each failure means for the delivery (decided here, nowhere else):

    processing raised ........................ the batch runs first without savepoints (two round trips
        │                                      per message saved); if a message raises, the batch is
        │                                      rolled back and run again with a SAVEPOINT per message:
        │                                      that savepoint is rolled back, the rest of the batch commits;
        │                                      the delivery is nacked (requeued: the quorum queue
        │                                      counts it), and on its last allowed delivery parked
        │                                      in the dead-letter queue with the reason (`x-istd-error`)
    database unreachable or read-only ........ whole batch rolled back and retried with back-off while
        │                                      the deliveries stay unacked (no redelivery is counted);
        │  (DatabaseDown)                      readiness reports the database; at shutdown: requeued
    commit failed for another reason ......... the batch is run again one delivery per transaction
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.logs import describe_exception, fields, get_logger
from gateway.processing.batch import BatchItem
from gateway.processing.senders import Origin
from gateway.processing.stages import STAGES
from gateway.worker.metrics import Metrics
from storage.engine import refuses_writes
from storage.messages import OutboxEntry, outbox_written

log = get_logger("worker")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_BACKOFF_S = (0.2, 0.5, 1.0, 2.0, 5.0)


class Processed(Protocol):
    """What the pipeline reads of a processing result: bounded labels and log identification."""

    @property
    def standard(self) -> str | None: ...
    @property
    def message_name(self) -> str | None: ...
    @property
    def identificatie(self) -> str | None: ...
    @property
    def sha256(self) -> str: ...
    @property
    def outcome(self) -> str: ...
    @property
    def codes(self) -> Sequence[str]: ...


class MessageProcessor(Protocol):
    """`gateway.processing.processor.Processor`: writes through the session, never commits."""

    async def process(
        self, session: AsyncSession, raw: bytes, *, received_at: datetime, today: date, origin: Origin | None
    ) -> Processed: ...


@runtime_checkable
class BatchProcessor(Protocol):
    """A processor that also takes a whole batch at once (`processing.batch`); same results as one by one."""

    async def process_batch(
        self, session: AsyncSession, items: Sequence[BatchItem], today: date,
        seconds: list[float] | None = None,
    ) -> Sequence[Processed]: ...


class Verdict(enum.Enum):
    """What the route does with the delivery once its batch is done."""

    ACK = "ack"  # effects and retour committed, or parked in the dead-letter queue
    RETRY = "retry"  # nack with requeue


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message as it came off the queue; headers are transport data, never used to classify it."""

    body: bytes
    delivery_count: int = 0
    message_id: str | None = None
    headers: dict[str, object] = field(default_factory=dict)
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    user_id: str | None = None  # RabbitMQ validates it against the connection's user: sender authentication
    # The broker's message, for settling it after the batch (gateway.worker.settlement); never read here.
    transport: object = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class _Done:
    processed: Processed
    seconds: float


@dataclass(frozen=True, slots=True)
class _Failed:
    reason: str
    seconds: float


_Outcome = _Done | _Failed
Park = Callable[[Delivery, str], Awaitable[None]]
# Given the outbox rows a batch wrote, once its transaction has committed (the relay's fast path).
Committed = Callable[[Sequence[OutboxEntry]], None]
_LOG_GROUP = 100  # at most this many messages in one "processed" line


class _Isolate(Exception):
    """A message raised on the fast path (no savepoints): the batch runs again with savepoints."""


class DatabaseDown(RuntimeError):
    """The database cannot be reached; nothing about the messages is wrong."""


# SQLSTATE classes that mean "the server cannot serve us now": connection exception (08), insufficient
# resources (53), operator intervention such as shutdown (57P), 55000 as PostgreSQL reports a
# database that does not accept connections (ALLOW_CONNECTIONS false), and 25006 for a session that
# refuses writes (default_transaction_read_only, a standby): every message would fail alike.
_OUTAGE_SQLSTATES = ("08", "53", "57P", "55000", "25006")


def is_database_down(exc: BaseException) -> bool:
    """Connection-level failures (refused, dropped, locked), as opposed to errors caused by the data."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OperationalError | InterfaceError | OSError | ConnectionError | TimeoutError):
        return True
    original = getattr(exc, "orig", None)
    causes = (exc, original, getattr(original, "__cause__", None), exc.__cause__)  # exc: a raw driver error
    for cause in causes:
        state = getattr(cause, "sqlstate", None)
        if isinstance(state, str) and state.startswith(_OUTAGE_SQLSTATES):
            return True
        if isinstance(cause, OSError | ConnectionError | TimeoutError):
            return True
    return False


class Pipeline:
    """Runs batches for the `Batcher`; one result per delivery, in order."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        processor: MessageProcessor,
        metrics: Metrics,
        *,
        park: Park,
        delivery_limit: int,
        write_lock: contextlib.AbstractAsyncContextManager[object] | None = None,
        committed: Committed | None = None,
    ) -> None:
        self._sessions = sessions
        self._committed = committed
        self._processor = processor
        self._metrics = metrics
        self._park = park
        self._delivery_limit = delivery_limit
        self._write_lock = write_lock or contextlib.nullcontext()
        self.database_down: str | None = None  # the reason, while an outage lasts
        self.stopping = asyncio.Event()

    async def run_batch(self, deliveries: Sequence[Delivery]) -> list[Verdict]:
        outcomes = await self._commit_with_retry(deliveries)
        if outcomes is None:
            return [Verdict.RETRY] * len(deliveries)
        self._metrics.batch_size.observe(len(deliveries))
        with STAGES.timed("record"):  # a parked delivery's publish waits inside: rare, and failure only
            verdicts: list[Verdict] = []
            done: list[tuple[Delivery, _Done]] = []
            for delivery, outcome in zip(deliveries, outcomes, strict=True):
                self._metrics.processing_seconds.observe(outcome.seconds)
                if isinstance(outcome, _Done):
                    done.append((delivery, outcome))
                    verdicts.append(Verdict.ACK)
                else:
                    verdicts.append(await self._failed(delivery, outcome))
            self._record(done)
            return verdicts

    async def _commit_with_retry(self, deliveries: Sequence[Delivery]) -> list[_Outcome] | None:
        attempt = 0
        while True:
            try:
                outcomes = await self._transaction(deliveries)
            except DatabaseDown as exc:
                self._outage(exc, attempt)
                if await self._wait_or_stop(_BACKOFF_S[min(attempt, len(_BACKOFF_S) - 1)]):
                    return None
                attempt += 1
                continue
            if self.database_down is not None:
                log.info("database reachable again", extra=fields(after_attempts=attempt))
                self.database_down = None
            return outcomes

    def _outage(self, exc: DatabaseDown, attempt: int) -> None:
        cause = exc.__cause__ or exc
        self.database_down = "read-only" if refuses_writes(cause) else type(cause).__name__
        self._metrics.database_outages.inc()
        if attempt == 0:
            log.warning("database unreachable; batch held", extra=fields(error=describe_exception(cause)))

    async def _wait_or_stop(self, seconds: float) -> bool:
        """Sleep `seconds` unless shutdown begins first; True when stopping."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), seconds)
        return self.stopping.is_set()

    async def _transaction(self, deliveries: Sequence[Delivery]) -> list[_Outcome]:
        """Fast path without savepoints; when a message raises, the batch is run again, isolated."""
        try:
            return await self._attempt(deliveries, isolate=False)
        except _Isolate:
            return await self._attempt(deliveries, isolate=True)

    async def _attempt(self, deliveries: Sequence[Delivery], *, isolate: bool) -> list[_Outcome]:
        started = time.perf_counter()
        try:
            async with self._write_lock:
                with STAGES.timed("sql"):  # the stages nested in it are charged to themselves
                    async with self._sessions() as session:
                        async with session.begin():
                            today = datetime.now(AMSTERDAM).date()
                            outcomes = await self._all(session, deliveries, today, isolate)
                        written = outbox_written(session)  # committed: the relay may take them
        except (DatabaseDown, _Isolate):
            raise
        except Exception as exc:
            if is_database_down(exc):
                raise DatabaseDown(str(type(exc).__name__)) from exc
            if len(deliveries) == 1:
                return [_Failed(describe_exception(exc), time.perf_counter() - started)]
            log.warning("batch commit failed; one by one", extra=fields(error=describe_exception(exc)))
            return [(await self._attempt([d], isolate=True))[0] for d in deliveries]
        self._metrics.batch_seconds.observe(time.perf_counter() - started)
        if written and self._committed is not None:
            self._committed(written)
        return outcomes

    async def _all(
        self, session: AsyncSession, deliveries: Sequence[Delivery], today: date, isolate: bool
    ) -> list[_Outcome]:
        """The fast path runs the whole batch through `process_batch` when the processor has one."""
        if isolate or not isinstance(self._processor, BatchProcessor):
            return [await self._one(session, d, today, isolate) for d in deliveries]
        items = [BatchItem(d.body, d.received_at, Origin(d.user_id)) for d in deliveries]
        seconds: list[float] = []  # each message's own time (istd_processing_seconds), not the average
        try:
            done = await self._processor.process_batch(session, items, today, seconds)
        except Exception as exc:
            if is_database_down(exc):
                raise DatabaseDown(type(exc).__name__) from exc
            raise _Isolate from exc
        return [_Done(processed, spent) for processed, spent in zip(done, seconds, strict=True)]

    async def _one(self, session: AsyncSession, delivery: Delivery, today: date, isolate: bool) -> _Outcome:
        started = time.perf_counter()
        written = outbox_written(session)
        before = len(written)
        try:
            async with session.begin_nested() if isolate else contextlib.nullcontext():
                processed = await self._processor.process(
                    session, delivery.body, received_at=delivery.received_at, today=today,
                    origin=Origin(delivery.user_id),
                )
        except Exception as exc:
            if is_database_down(exc):
                raise DatabaseDown(type(exc).__name__) from exc
            if not isolate:
                raise _Isolate from exc
            del written[before:]  # rolled back with the savepoint: never to be published
            return _Failed(describe_exception(exc), time.perf_counter() - started)
        return _Done(processed, time.perf_counter() - started)

    async def _failed(self, delivery: Delivery, outcome: _Failed) -> Verdict:
        self._metrics.failures.inc()
        last = delivery.delivery_count >= self._delivery_limit
        log.error("processing raised", extra=fields(
            message_id=delivery.message_id, delivery=delivery.delivery_count + 1, parked=last,
            error=outcome.reason, ms=round(outcome.seconds * 1000, 2)))
        if not last:
            return Verdict.RETRY
        try:
            await self._park(delivery, outcome.reason)
        except Exception as exc:  # noqa: BLE001 - the broker dead-letters it at its delivery limit anyway
            log.error("parking failed; the queue's delivery limit dead-letters it",
                      extra=fields(error=describe_exception(exc)))
            return Verdict.RETRY
        self._metrics.dead_lettered.inc()
        return Verdict.ACK

    def _record(self, done: Sequence[tuple[Delivery, _Done]]) -> None:
        """Count and log the batch's processed messages once per label set (message, outcome, codes).

        The same totals as one increment per message; one "processed" line per label set (at most
        `_LOG_GROUP` messages) carries each message's identificatie, sha256 prefix, delivery and ms
        in lists, in batch order, `count` and `ms` their total.
        """
        groups: dict[tuple[str | None, str | None, str, tuple[str, ...]], list[tuple[Delivery, _Done]]] = {}
        for delivery, outcome in done:
            p = outcome.processed
            groups.setdefault((p.standard, p.message_name, p.outcome, tuple(p.codes)), []).append(
                (delivery, outcome))
        for (standard, name, outcome_name, codes), items in groups.items():
            label = name or "unknown"
            self._metrics.messages.labels(standard or "unknown", label, outcome_name).inc(len(items))
            for code in codes:
                self._metrics.retourcodes.labels(label, code).inc(len(items))
            for start in range(0, len(items), _LOG_GROUP):
                part = items[start:start + _LOG_GROUP]
                each = [round(o.seconds * 1000, 2) for _, o in part]
                log.info("processed", extra=fields(
                    message=name, outcome=outcome_name, codes=",".join(codes), count=len(part),
                    identificatie=[o.processed.identificatie for _, o in part],
                    sha256=[o.processed.sha256[:12] for _, o in part],
                    delivery=[d.delivery_count + 1 for d, _ in part],
                    ms_each=each, ms=round(sum(each), 2)))

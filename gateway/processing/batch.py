"""The batch path: many messages in one transaction with a few queries instead of a dozen per message.

    run_batch(processor, session, items, today) -> [Processed, ...]      one per item, in order

1. CPU first: hash, parse, XSD, decode and level-2 rules for every item;
2. per run of messages (a received retour splits the batch and takes the one-message ORM path,
   because pairing can void earlier effects; so does a declaration, as a 323 reads and writes the
   declaration register): the keys each message's handler will read are read off the message
   (handlers.reads), the snapshot loads all of them in one query per table, then
   `Processor.run` processes each message once against the snapshot (so each message sees the effects
   of the earlier ones) and the writer inserts everything with one executemany per table.
The result is what `Processor.process` gives one by one; a message that raises fails the whole
batch, which the pipeline then runs again one message per savepoint.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.processing.processed import Processed
from gateway.processing.senders import Origin
from gateway.processing.stages import STAGES
from gateway.processing.validation import Verdict, check_document
from handlers.context import Context
from handlers.reads import reads
from handlers.table import HEEN_ROLES, Role, role_of
from storage.batch.snapshot import Keys
from storage.batch.writer import BatchWriter
from storage.writers import OrmWriter, Writer

FAIR_SLICE = 16  # messages between two yields to the event loop
ONE_BY_ONE = (Role.RETOUR, Role.DECLARATION)  # roles that split a batch and take the one-message path


@dataclass(frozen=True, slots=True)
class BatchItem:
    raw: bytes
    received_at: datetime
    origin: Origin | None = None


class Runner(Protocol):
    """What a batch needs of gateway.processing.processor.Processor (which hands itself in)."""

    @property
    def max_bytes(self) -> int: ...

    def context(self, today: date) -> Context: ...

    async def run(
        self, session: Writer, raw: bytes, *, received_at: datetime, today: date,
        origin: Origin | None = None, sha256: str | None = None, verdict: Verdict | None = None,
    ) -> Processed: ...


@dataclass(frozen=True, slots=True)
class _Prepared:
    item: BatchItem
    sha256: str
    verdict: Verdict

    @property
    def number(self) -> int | None:
        return self.verdict.document.message_type.number if self.verdict.document else None

    @property
    def role(self) -> Role | None:
        return role_of(self.number) if self.number is not None else None


async def run_batch(
    processor: Runner, session: AsyncSession, items: Sequence[BatchItem], today: date,
    seconds: list[float] | None = None,
) -> list[Processed]:
    """`seconds`, when given, receives each message's own processing time, in order: its parse,
    validation and handler run, plus an equal share of the queries its run of messages shared."""
    prepared, spent = [], []
    for n, item in enumerate(items, 1):
        started = time.perf_counter()
        prepared.append(_prepare(item, processor.max_bytes))
        spent.append(time.perf_counter() - started)
        await _fair(n)
    results: list[Processed] = []
    ran: list[float] = []
    run: list[_Prepared] = []
    for p in prepared:
        if p.number is None or role_of(p.number) not in ONE_BY_ONE:
            run.append(p)
            continue
        results += await _run_of_messages(processor, session, run, today, ran)
        run = []
        started = time.perf_counter()
        results.append(
            await processor.run(
                OrmWriter(session),
                p.item.raw,
                received_at=p.item.received_at,
                today=today,
                origin=p.item.origin,
                sha256=p.sha256,
                verdict=p.verdict,
            )
        )
        await session.flush()
        ran.append(time.perf_counter() - started)
    results += await _run_of_messages(processor, session, run, today, ran)
    if seconds is not None:
        seconds.extend(a + b for a, b in zip(spent, ran, strict=True))
    return results


async def _fair(done: int) -> None:
    """Let the event loop run between slices of a batch: without it the outbox relay, the consumer
    and the health endpoints wait for the whole batch (seconds at 500 messages) and retours lag."""
    if done % FAIR_SLICE == 0:
        await asyncio.sleep(0)


def _prepare(item: BatchItem, max_bytes: int) -> _Prepared:
    with STAGES.timed("check"):
        return _Prepared(
            item, hashlib.sha256(item.raw).hexdigest(), check_document(item.raw, max_bytes=max_bytes)
        )


async def _run_of_messages(
    processor: Runner, session: AsyncSession, run: list[_Prepared], today: date, ran: list[float]
) -> list[Processed]:
    """Process `run`; appends to `ran` each message's time (its own, plus a share of the shared queries)."""
    if not run:
        return []
    shared_started = time.perf_counter()
    keys = Keys()
    with STAGES.timed("apply"):  # read off the messages: no handler runs, no I/O
        for p in run:
            _collect(keys, p)
    # Message rows per message: its own, and the retour of a provider's message that decodes.
    answered = ("valid", "rejected-rules")
    needs = [(p.sha256, 1 + (p.role is Role.PROVIDER_HEEN and p.verdict.verdict in answered)) for p in run]
    writer = await BatchWriter.open(session, keys, needs)
    shared = time.perf_counter() - shared_started
    results, own = [], []
    for n, p in enumerate(run, 1):
        started = time.perf_counter()
        with STAGES.timed("apply"):  # against the snapshot: no round trip in the common case
            done = await processor.run(
                writer,
                p.item.raw,
                received_at=p.item.received_at,
                today=today,
                origin=p.item.origin,
                sha256=p.sha256,
                verdict=p.verdict,
            )
        own.append(time.perf_counter() - started)
        results.append(done)
        await _fair(n)
    started = time.perf_counter()
    await writer.flush()
    session.expire_all()  # ORM objects a retour loaded before this run may be stale now
    share = (shared + time.perf_counter() - started) / len(run)
    ran.extend(seconds + share for seconds in own)
    return results


def _collect(keys: Keys, p: _Prepared) -> None:
    """The keys this message's handler will read and its commands write (handlers.reads), to preload."""
    msg = p.verdict.decoded
    if msg is None or p.verdict.verdict != "valid" or p.role not in HEEN_ROLES:
        return
    found = reads(msg)
    keys.bsns |= found.bsns
    keys.allocations |= found.allocations
    keys.refs |= found.refs
    keys.idents |= found.idents

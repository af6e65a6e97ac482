"""The bare-pipeline ceiling: aio-pika consume, hardened lxml parse + XSD validation, one INSERT per batch."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import aio_pika
from sqlalchemy import Boolean, Column, DateTime, Integer, LargeBinary, MetaData, String, Table
from sqlalchemy.ext.asyncio import create_async_engine

from gateway.codec.document import DocumentError, parse
from gateway.settings import Settings
from schemas import registry

PREFETCH = Settings().broker.prefetch
BATCH = Settings().broker.batch_size
WAIT_S = Settings().broker.batch_wait_ms / 1000
MAX_BYTES = Settings().parser.max_bytes
metadata = MetaData()
bare = Table(
    "bare", metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), unique=True),
    Column("raw", LargeBinary),
    Column("message_name", String(8)),
    Column("valid", Boolean),
    Column("received_at", DateTime(timezone=True)),
)
Publish = Callable[[aio_pika.abc.AbstractExchange, str, list[bytes]], Awaitable[float]]


def _row(raw: bytes) -> dict[str, object]:
    try:
        doc = parse(raw, max_bytes=MAX_BYTES)
    except DocumentError:
        return {"sha256": None, "raw": raw, "message_name": None, "valid": False}
    valid = registry.schema(doc.message_type).validate(doc.root)
    return {"sha256": doc.sha256, "raw": raw, "message_name": doc.message_type.name, "valid": valid}


async def run_ceiling(
    connection: aio_pika.abc.AbstractConnection,
    url: str,
    queue_name: str,
    bodies: list[bytes],
    publish: Publish,
) -> float:
    """Publish `bodies` to a fresh quorum queue, then consume them through the bare pipeline; msg/s."""
    engine = create_async_engine(url.replace("postgresql://", "postgresql+asyncpg://"))
    async with engine.begin() as db:
        await db.run_sync(metadata.create_all)
    channel = await connection.channel(publisher_confirms=True)
    queue = await channel.declare_queue(queue_name, durable=True, arguments={"x-queue-type": "quorum"})
    await publish(channel.default_exchange, queue_name, bodies)
    consumer = await connection.channel()
    await consumer.set_qos(prefetch_count=PREFETCH)
    inbox: asyncio.Queue[aio_pika.abc.AbstractIncomingMessage] = asyncio.Queue()
    await (await consumer.get_queue(queue_name)).consume(inbox.put)
    done, started = 0, 0.0
    while done < len(bodies):
        batch = [await inbox.get()]
        started = started or time.perf_counter()
        deadline = time.perf_counter() + WAIT_S
        while len(batch) < BATCH and (remaining := deadline - time.perf_counter()) > 0:
            try:
                batch.append(await asyncio.wait_for(inbox.get(), remaining))
            except TimeoutError:
                break
        now = datetime.now(UTC)
        rows = [{**_row(m.body), "received_at": now} for m in batch]
        async with engine.begin() as db:
            await db.execute(bare.insert(), rows)
        await batch[-1].ack(multiple=True)
        done += len(batch)
    elapsed = time.perf_counter() - started
    await consumer.close()
    await queue.delete(if_unused=False, if_empty=False)
    await channel.close()
    await engine.dispose()
    return len(bodies) / elapsed

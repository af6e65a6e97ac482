"""Outbox relay benchmark: CPU per row of the relay's pages, rows read back from the table vs. from memory.

    python benchmarks/relay_bench.py [--rows 6000] [--batch 200] [--rounds 2]

Batches of `--batch` outbox rows (3 kB retours) are committed as the worker's batches write them
(storage.messages.add_outbox); after each, the relay's `catch_up` publishes them to a real RabbitMQ
(confirms, the worker's own publishers) from a fresh PostgreSQL database. `table`: the page is read
back from the table, bodies and all (as before the rows were handed over); `memory`: the batch hands
its rows over (`offer`) and the page locks and marks them by message_id. The two modes alternate
(`--rounds` each); printed: the relay's CPU (the thread's, inside catch_up) per row. Nothing else
runs in the process, so unlike `worker_bench.py` no deliveries' frames are charged to the relay.
Its database, exchanges and queues are removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import aio_pika
import asyncpg  # type: ignore[import-untyped]
from faststream.rabbit import RabbitBroker
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gateway import wire
from gateway.worker.metrics import Metrics
from gateway.worker.outbox import OutboxRelay
from gateway.worker.publishers import declare_publishers
from gateway.worker.topology import Topology, declare
from storage import messages as store
from storage.engine import create_engine, ensure_migrated, session_factory
from tests.kit.services import delete_topology

PG = os.environ.get("ISTD_BENCH_PG_HOST", "postgresql://postgres@127.0.0.1:5432")
RABBIT = os.environ.get("ISTD_BENCH_RABBIT", "amqp://guest:guest@127.0.0.1:5672/")
BODY = b"<retour>" + b"x" * 3000 + b"</retour>"


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=6000, help="rows per round (default 6000)")
    parser.add_argument("--batch", type=int, default=200, help="rows per committed batch (default 200)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each mode, alternating (default 2)")
    return parser.parse_args()


async def _round(
    relay: OutboxRelay, sessions: async_sessionmaker[AsyncSession], rows: int, batch: int, memory: bool
) -> float:
    """CPU seconds the relay spent on `rows` rows, committed `batch` at a time."""
    spent = 0.0
    for start in range(0, rows, batch):
        async with sessions() as session:
            async with session.begin():
                for n in range(start, min(start + batch, rows)):
                    entry = store.OutboxEntry(
                        wire.EXCHANGE_OUT, f"87654321.wmo{306 + 2 * (n % 3)}", BODY,
                        wire.CONTENT_TYPE_XML, secrets.token_hex(12))
                    await store.add_outbox(session, entry, created_at=datetime.now(UTC))
            written = list(store.outbox_written(session))
        if memory:
            relay.offer(written)
        else:
            relay._clean = False  # the benchmark's switch: read the page from the table
        began = time.thread_time()
        await relay.catch_up()
        spent += time.thread_time() - began
    return spent


async def main() -> None:
    args = _args()
    name = f"relay_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(f"{PG}/test")
    await admin.execute(f'CREATE DATABASE "{name}"')
    prefix = f"relaybench-{secrets.token_hex(3)}."
    topology = Topology(prefix=prefix)
    engine = create_engine(f"{PG}/{name}")
    connection = await aio_pika.connect_robust(RABBIT)
    try:
        await ensure_migrated(engine)
        sessions = session_factory(engine)
        broker = RabbitBroker(RABBIT, apply_types=False)
        publishers = declare_publishers(broker, topology)
        async with broker:
            await publishers.open(await broker.connect())
            await declare(broker, topology)
            channel = await connection.channel()
            capture = await channel.declare_queue(f"{prefix}capture", durable=True)
            await capture.bind(topology.out_exchange.name, routing_key="#")
            relay = OutboxRelay(sessions, publishers.publish_row, Metrics(), page=500,
                                publish_many=publishers.publish_many)
            await relay.flush()
            figures: dict[str, list[float]] = {"table": [], "memory": []}
            for _ in range(args.rounds):
                for mode in ("table", "memory"):
                    seconds = await _round(relay, sessions, args.rows, args.batch, mode == "memory")
                    figures[mode].append(seconds / args.rows * 1e6)
                    await capture.purge()
            await publishers.close()
        async with engine.connect() as check:
            left = await check.scalar(text("SELECT count(*) FROM outbox WHERE published_at IS NULL"))
        print(f"relay benchmark: {args.rows} rows of {len(BODY)} bytes per round, batches of {args.batch}, "
              f"load {os.getloadavg()[0]:.1f}")
        for mode, values in figures.items():
            shown = " / ".join(f"{v:.0f}" for v in values)
            print(f"  {mode:6} relay CPU per row: {statistics.median(values):6.0f} µs  (rounds {shown})")
        print(f"  rows left unpublished: {left}")
    finally:
        await delete_topology(connection, topology, extra_queues=(f"{prefix}capture",))
        await connection.close()
        await engine.dispose()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())

"""Worker benchmark: realistic traffic through `istd worker` (RabbitMQ, PostgreSQL) vs the bare pipeline.

    python benchmarks/worker_bench.py [--count 50000] [--profile]

1. pairs (--pairs P, default 3): the messages in P equal parts; for each part in turn, first the
   ceiling: the same bytes through aio-pika consume + hardened lxml parse + XSD validation + one
   batched INSERT per batch, ack after commit (no rules, no register); then the worker: the part
   pre-published to `istd.in`, and `istd worker` (a subprocess, as deployed, running throughout)
   drains it: sustained messages/second, outbox drained. Ceiling and worker run side by side in
   time, so a pair sees the same machine load; the ratio reported is the median of the P pairs';
3. latency: with the worker running, more messages published at 70 % of the measured rate, each
   stamped at publish time; end-to-end latency to its retour (or forwarded 301/319) on `istd.out`;
4. processes: the same messages through `istd worker --processes N` (N = --processes, default the
   cores available) on a fresh database, published to the shard exchange (2N shards): msg/s.
Every queue, exchange and database it creates is removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import statistics
import sys
import time
from pathlib import Path

import aio_pika
import asyncpg  # type: ignore[import-untyped]

# A script: its own folder (bench_report, ceiling) and the project root (tests/kit) on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_report import Pair, Report, profile_summary
from ceiling import run_ceiling
from worker_process import PROCESSED_SQL, RABBIT, UNPUBLISHED_SQL, Worker, count, drain

from gateway.worker.sharding import shard_of
from gateway.worker.supervisor import available_cores
from gateway.worker.topology import Topology
from tests.kit.traffic import Traffic

PG_ADMIN = os.environ.get("ISTD_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
WINDOW = 1000


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50_000, help="messages for the worker (default 50000)")
    parser.add_argument("--pairs", type=int, default=3, help="ceiling/worker pairs, interleaved (default 3)")
    parser.add_argument("--latency-count", type=int, default=None, help="messages in the latency phase")
    parser.add_argument("--profile", action="store_true", help="worker under cProfile: where the time goes")
    parser.add_argument("--processes", type=int, default=available_cores(),
                        help="worker processes of phase 4 (default: the cores available; 1 skips it)")
    return parser.parse_args()


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(PG_ADMIN)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def publish_all(target: aio_pika.abc.AbstractExchange, routing_key: str, bodies: list[bytes]) -> float:
    """Publish persistently with confirms, WINDOW at a time; returns messages/second."""
    started = time.perf_counter()
    for start in range(0, len(bodies), WINDOW):
        await asyncio.gather(*(
            target.publish(aio_pika.Message(b, delivery_mode=aio_pika.DeliveryMode.PERSISTENT), routing_key)
            for b in bodies[start:start + WINDOW]
        ))
    return len(bodies) / (time.perf_counter() - started)


async def latency_phase(
    channel: aio_pika.abc.AbstractChannel, topology: Topology, retours: aio_pika.abc.AbstractQueue,
    bodies: list[bytes], rate: float, report: Report, url: str,
) -> None:
    """Publish `bodies` at `rate`/s; match each retour on istd.out to its heen message by Identificatie."""
    await retours.purge()
    sent: dict[bytes, float] = {}
    latencies: list[float] = []
    exchange = await channel.get_exchange(topology.inbound_exchange.name)

    async def consume(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        ident = _identificatie(message.body)
        if ident in sent:
            latencies.append(time.time() - sent.pop(ident))
        await message.ack()

    tag = await retours.consume(consume)
    interval = 0.01
    per_tick = max(1, round(rate * interval))
    started = time.perf_counter()
    for i in range(0, len(bodies), per_tick):
        chunk = bodies[i:i + per_tick]
        for body in chunk:
            sent[_identificatie(body)] = time.time()
        await asyncio.gather(*(exchange.publish(
            aio_pika.Message(b, delivery_mode=aio_pika.DeliveryMode.PERSISTENT), "") for b in chunk))
        await asyncio.sleep(max(0.0, started + (i // per_tick + 1) * interval - time.perf_counter()))
    total = report.count + len(bodies)
    while await count(url, PROCESSED_SQL) < total:  # noqa: ASYNC110 - polling the database
        await asyncio.sleep(0.25)
    while await count(url, UNPUBLISHED_SQL) > 0:  # noqa: ASYNC110
        await asyncio.sleep(0.1)
    seen, changed = -1, time.perf_counter()
    while time.perf_counter() - changed < 1.0:  # the last confirmed retours reach our consumer
        await asyncio.sleep(0.1)
        if len(latencies) != seen:
            seen, changed = len(latencies), time.perf_counter()
    await retours.cancel(tag)
    report.latencies = sorted(latencies)
    report.latency_rate = rate


_IDENT = re.compile(rb"[:<]Identificatie>([^<]+)<")


def _identificatie(body: bytes) -> bytes:
    """The heen message's Identificatie: the first one in a heen message, retours copy it first too."""
    found = _IDENT.search(body)
    return found.group(1) if found else b""


async def main() -> int:
    args = _args()
    report = Report(count=args.count)
    started = time.perf_counter()
    traffic = Traffic()
    bodies = list(traffic.messages(args.count))
    more = list(traffic.messages(args.latency_count or min(max(args.count // 5, 1000), 10_000)))
    report.generate_s = time.perf_counter() - started
    name = f"istd_bench_{secrets.token_hex(4)}"
    prefix = f"bench-{secrets.token_hex(3)}."
    topology = Topology(prefix=prefix)
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    await _admin(f'CREATE DATABASE "{name}"')
    connection = await aio_pika.connect_robust(RABBIT)
    profile = Path(f"/tmp/{name}.prof") if args.profile else None
    try:
        channel = await connection.channel(publisher_confirms=True)
        worker = Worker(url, prefix, profile, Path(f"/tmp/{name}.worker.log"))
        await worker.start()
        retours = await channel.declare_queue(f"{prefix}bench.retours", durable=True)
        await retours.bind(topology.out_exchange.name, routing_key="#")
        inbound = await channel.get_exchange(topology.inbound_exchange.name)
        await _pairs(connection, worker, inbound, url, prefix, bodies, max(1, args.pairs), report)
        report.batches = await worker.batch_figures()
        await latency_phase(channel, topology, retours, more, report.worker_rate * 0.7, report, url)
        worker.sample_rss()
        report.rss_mb = worker.peak_rss_mb
        report.exit_code, report.stop_s = await worker.stop()
        report.outbox_pending = await count(url, UNPUBLISHED_SQL)
        report.outcomes = await _outcomes(url)
        if args.processes > 1:
            report.processes, report.processes_rate = args.processes, await processes_phase(
                connection, args.processes, bodies, name)
    finally:
        await _cleanup(connection, topology, prefix, name)
        await connection.close()
    print(report.render())
    if profile:
        print(profile_summary(profile))
    return 0


async def _pairs(
    connection: aio_pika.abc.AbstractConnection, worker: Worker, inbound: aio_pika.abc.AbstractExchange,
    url: str, prefix: str, bodies: list[bytes], pairs: int, report: Report,
) -> None:
    """Ceiling, then worker, on each of `pairs` equal parts of `bodies`; the medians go to `report`."""
    size = -(-len(bodies) // pairs)
    cpu: dict[str, float] = {}
    publish_rates = []
    for start in range(0, len(bodies), size):
        part = bodies[start:start + size]
        ceiling = await run_ceiling(connection, url, f"{prefix}ceiling", part, publish_all)
        before = await worker.cpu_seconds()
        publish_rates.append(await publish_all(inbound, "", part))
        drained = await drain(worker, url, start + len(part))
        after = await worker.cpu_seconds()
        for stage, seconds in after.items():
            cpu[stage] = cpu.get(stage, 0.0) + seconds - before.get(stage, 0.0)
        report.pairs.append(Pair(ceiling, drained.rate, drained.published_rate, drained.backlog))
    report.publish_rate = statistics.median(publish_rates)
    report.ceiling_rate = statistics.median(p.ceiling for p in report.pairs)
    report.worker_rate = statistics.median(p.worker for p in report.pairs)
    report.published_rate = statistics.median(p.published for p in report.pairs)
    report.backlog_after_drain = max(p.backlog for p in report.pairs)
    report.cpu_us = {k: 1e6 * v / len(bodies) for k, v in cpu.items()}


async def processes_phase(
    connection: aio_pika.abc.AbstractConnection, processes: int, bodies: list[bytes], name: str
) -> float:
    """`istd worker --processes N` over 2N shard queues drains `bodies`: sustained messages/second."""
    shards, db = 2 * processes, f"{name}_n"
    prefix = f"bench-{secrets.token_hex(3)}."
    topology = Topology(prefix=prefix, shards=shards)
    url = f"postgresql://postgres@127.0.0.1:5432/{db}"
    await _admin(f'CREATE DATABASE "{db}"')
    try:
        worker = Worker(url, prefix, None, Path(f"/tmp/{name}.processes.log"), processes=processes,
                        shards=shards)
        await worker.start()
        channel = await connection.channel(publisher_confirms=True)
        retours = await channel.declare_queue(f"{prefix}bench.retours", durable=True)
        await retours.bind(topology.out_exchange.name, routing_key="#")  # retours are published mandatory
        exchange = await channel.get_exchange(topology.shard_exchange.name)
        keys = [str(shard_of(body, shards, max_bytes=len(body) + 1)) for body in bodies]
        for start in range(0, len(bodies), WINDOW):  # in traffic order, each to its shard
            await asyncio.gather(*(
                exchange.publish(aio_pika.Message(b, delivery_mode=aio_pika.DeliveryMode.PERSISTENT), k)
                for b, k in zip(bodies[start:start + WINDOW], keys[start:start + WINDOW], strict=True)
            ))
        async with asyncio.timeout(600):
            drained = await drain(worker, url, len(bodies))
        await worker.stop()
        await channel.close()
        return drained.rate
    finally:
        await _cleanup(connection, topology, prefix, db)


async def _outcomes(url: str) -> dict[str, int]:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch("SELECT status, count(*) FROM messages GROUP BY status ORDER BY status")
        return {row[0]: row[1] for row in rows}
    finally:
        await connection.close()


async def _cleanup(
    connection: aio_pika.abc.AbstractConnection, topology: Topology, prefix: str, db: str
) -> None:
    channel = await connection.channel()
    for queue in (*(q.name for q in topology.all_queues()), f"{prefix}bench.retours", f"{prefix}ceiling"):
        await channel.queue_delete(queue, if_unused=False, if_empty=False)
    for exchange in topology.all_exchanges():
        await channel.exchange_delete(exchange.name)
    await channel.close()
    await _admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))


"""Soak: two `istd worker` processes on PostgreSQL for N minutes at a steady rate, then a one-worker check.

    python benchmarks/soak.py [--minutes 10] [--rate 60] [--shards 4]

Traffic is the benchmark's realistic mix (tests/kit/traffic.py), published at `--rate` messages/s
through the shard exchange (ISTD_BROKER__SHARDS, per-party order; worker A takes the even shards,
worker B the odd ones). Every minute it prints what was published and processed, the rate, each
worker's RSS and the backlog. At the end: the queues must be drained and the outbox empty, and
the same messages, drained by one worker into a second database, must give the same register.
Exit status 1 when a check fails. Every queue, exchange and database it creates is removed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import time
from pathlib import Path

import aio_pika

# A script: the project root on the path for the test kit (tests/kit), shared with the fault tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from gateway.settings import BrokerSettings, DatabaseSettings, Settings
from gateway.worker.topology import Topology
from tests.kit.reliability import (
    HEEN_IN,
    PENDING,
    RABBIT_URL,
    WorkerProcess,
    admin,
    declare,
    delete_prefixed,
    drained,
    pg_url,
    publish,
    queue_depth,
    register_fingerprint,
    scalar,
    wait_until,
)
from tests.kit.traffic import Traffic


def shard_names(topology: Topology) -> list[str]:
    return [queue.name for queue in topology.shard_queues()]


LOGS = Path(os.environ.get("ISTD_SOAK_LOGS", "/tmp"))


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to publish (default 10)")
    parser.add_argument("--rate", type=float, default=60.0, help="messages per second (default 60)")
    parser.add_argument("--shards", type=int, default=4, help="shard queues (default 4)")
    return parser.parse_args()


class Soak:
    def __init__(self, args: argparse.Namespace, tag: str) -> None:
        self.args, self.tag = args, tag
        self.total = int(args.minutes * 60 * args.rate)
        self.bodies = list(Traffic(seed=10).messages(self.total))
        self.samples: list[str] = []
        self.running: list[WorkerProcess] = []
        self.received = 0

    async def sink(self, rabbit: aio_pika.abc.AbstractConnection, topology: Topology) -> None:
        """A consumer on istd.out, as providers would have: without a bound queue every retour would be
        kept in istd.unrouted instead (see README, RabbitMQ topology)."""
        channel = await rabbit.channel()
        queue = await channel.declare_queue(f"{topology.prefix}capture", durable=True)
        await queue.bind(topology.out_exchange.name, routing_key="#")

        async def count(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            self.received += 1
            await message.ack()

        await queue.consume(count)

    def settings(self, prefix: str, database: str) -> Settings:
        return Settings(broker=BrokerSettings(url=RABBIT_URL, prefix=prefix, shards=self.args.shards),
                        database=DatabaseSettings(url=pg_url(database)))

    def workers(self, prefix: str, database: str, shard_sets: list[str]) -> list[WorkerProcess]:
        workers = [WorkerProcess(prefix, pg_url(database), LOGS / f"istd-soak-{self.tag}-{n}.log",
                                 ISTD_BROKER__SHARDS=str(self.args.shards), ISTD_BROKER__SHARD_IDS=ids)
                   for n, ids in enumerate(shard_sets)]
        self.running += workers
        return workers

    async def paced(self, rabbit: aio_pika.abc.AbstractConnection, topology: Topology) -> None:
        """Publish all bodies at the rate, a tenth of a second's worth at a time."""
        step = max(1, round(self.args.rate / 10))
        started = time.monotonic()
        for n, start in enumerate(range(0, self.total, step)):
            await publish(rabbit, topology, self.bodies[start:start + step])
            await asyncio.sleep(max(0.0, started + (n + 1) * step / self.args.rate - time.monotonic()))

    async def sample(self, url: str, workers: list[WorkerProcess], rabbit: aio_pika.abc.AbstractConnection,
                     topology: Topology, minute: int, last: int, published: int) -> int:
        done = await scalar(url, HEEN_IN)
        waiting = sum([await queue_depth(rabbit, name) for name in shard_names(topology)])
        rss = " ".join(f"{w.rss_mb():7.1f}" for w in workers)
        self.samples.append(f"{minute:>6} {published:>9} {done:>9} {(done - last) / 60:>7.1f} {rss}  "
                            f"{waiting:>7} {await scalar(url, PENDING):>7}")
        print(self.samples[-1], flush=True)
        return done


async def two_workers(soak: Soak, rabbit: aio_pika.abc.AbstractConnection, prefix: str, db: str) -> float:
    """The soak proper; returns seconds from the first publish until everything was processed."""
    url, shards = pg_url(db), soak.args.shards
    topology = await declare(soak.settings(prefix, db))
    await soak.sink(rabbit, topology)
    even = ",".join(str(n) for n in range(0, shards, 2))
    odd = ",".join(str(n) for n in range(1, shards, 2))
    workers = soak.workers(prefix, db, [even, odd])
    for worker in workers:
        await worker.start(within=120)
    print(f"{'minute':>6} {'published':>9} {'processed':>9} {'msg/s':>7} {'rss A MB':>7} {'rss B MB':>7}  "
          f"{'queued':>7} {'outbox':>7}", flush=True)
    started = time.monotonic()
    publisher = asyncio.create_task(soak.paced(rabbit, topology))
    last, minute = 0, 0
    while not publisher.done():
        await asyncio.wait({publisher}, timeout=60)
        minute += 1
        published = min(soak.total, int((time.monotonic() - started) * soak.args.rate))
        last = await soak.sample(url, workers, rabbit, topology, minute, last, published)
    await publisher
    await wait_until(lambda: drained(url, soak.total, rabbit, shard_names(topology)), within=600)
    elapsed = time.monotonic() - started
    codes = [await worker.stop() for worker in workers]
    print(f"drained {soak.total} messages {elapsed:.0f} s after the first publish "
          f"({soak.total / elapsed:.1f} msg/s); {soak.received} published on istd.out; exit codes {codes}; "
          f"peak RSS {' / '.join(f'{w.peak_rss_mb:.1f}' for w in workers)} MB")
    return elapsed


async def one_worker(soak: Soak, rabbit: aio_pika.abc.AbstractConnection, prefix: str, db: str) -> float:
    """The same messages, published first, drained by one worker: the register to compare with."""
    url = pg_url(db)
    topology = await declare(soak.settings(prefix, db))
    await soak.sink(rabbit, topology)
    await publish(rabbit, topology, soak.bodies)
    [worker] = soak.workers(prefix, db, [""])
    started = time.monotonic()
    await worker.start(within=120)
    await wait_until(lambda: drained(url, soak.total, rabbit, shard_names(topology)), within=3600)
    elapsed = time.monotonic() - started
    await worker.stop()
    return soak.total / elapsed


async def main() -> int:
    args = _args()
    tag = secrets.token_hex(3)
    soak = Soak(args, tag)
    prefixes = (f"soak-{tag}.a.", f"soak-{tag}.b.")
    dbs = (f"istd_soak_{tag}_two", f"istd_soak_{tag}_one")
    for db in dbs:
        await admin(f'CREATE DATABASE "{db}"')
    rabbit = await aio_pika.connect_robust(RABBIT_URL)
    try:
        print(f"soak: {soak.total} messages at {args.rate}/s for {args.minutes} min, two workers, "
              f"{args.shards} shards; logs {LOGS}/istd-soak-{tag}-*.log")
        await two_workers(soak, rabbit, prefixes[0], dbs[0])
        rate = await one_worker(soak, rabbit, prefixes[1], dbs[1])
        same = await register_fingerprint(pg_url(dbs[0])) == await register_fingerprint(pg_url(dbs[1]))
        print(f"one worker over the same messages: {rate:.1f} msg/s; register identical: {same}")
    finally:
        for worker in soak.running:
            await worker.stop()
        for prefix in prefixes:
            await delete_prefixed(rabbit, prefix)
        await rabbit.close()
        for db in dbs:
            await admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

"""Soak: two `istd worker` processes on PostgreSQL for N minutes at a steady rate, then a one-worker check.

    python benchmarks/soak.py [--minutes 60] [--rate R | --share 0.8] [--shards 4]

First the capacity of one worker is measured here and now: `--probe` messages (other cases than the
soak's) are queued, one worker drains them into a scratch database, and its msg/s is the capacity.
The soak offers `--share` of that (default 80 %) unless `--rate` fixes the rate.

Traffic is the benchmark's realistic mix (tests/kit/traffic.py), published at the rate through the
shard exchange (ISTD_BROKER__SHARDS, per-party order; worker A takes the even shards, worker B the odd
ones). Every minute it prints what was published and processed, the rate, each worker's RSS and the
backlog. At the end it checks, and exits 1 when one fails:
- throughput held: the backlog (published, not yet processed) never above one minute of traffic;
- memory: each worker's RSS slope after the warm-up (a third of the run, at most 10 minutes) under
  `--max-slope` MB per 10 minutes (least squares over the per-minute samples);
- drained: queues and outbox empty within two minutes of the last publish, workers exit 0 on SIGTERM;
- the same messages, drained by one worker into a second database, give the same register.
The messages are generated before the clock starts (generating them costs more CPU than publishing,
and a loaded machine would otherwise not reach the rate) and kept for the one-worker run: about
2.5 KB each in memory. Every queue, exchange and database it creates is removed.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import secrets
import sys
import time
from collections import deque
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import aio_pika

# A script: the project root on the path for the test kit (tests/kit), shared with the fault tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from gateway.settings import BrokerSettings, DatabaseSettings, Settings
from gateway.worker.sharding import shard_of
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

LOGS = Path(os.environ.get("ISTD_SOAK_LOGS", "/tmp"))
SEED, PROBE_SEED = 10, 11
CHUNK = 10_000  # the one-worker run keeps at most this many messages queued ahead of the worker
WINDOW = 20  # steps (two seconds of traffic) whose confirms the soak's publisher may await late
BEHIND_S = 5.0  # the publisher may end this much (or 2 %) after its schedule; later is a failed soak


def shard_names(topology: Topology) -> list[str]:
    return [queue.name for queue in topology.shard_queues()]


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to publish (default 10)")
    parser.add_argument("--rate", type=float, default=None, help="messages per second (default: measured)")
    parser.add_argument("--share", type=float, default=0.8,
                        help="share of one worker's measured capacity to offer (default 0.8)")
    parser.add_argument("--probe", type=int, default=20_000,
                        help="messages for the capacity measurement (default 20000)")
    parser.add_argument("--shards", type=int, default=4, help="shard queues (default 4)")
    parser.add_argument("--max-slope", type=float, default=1.0,
                        help="RSS slope ceiling after warm-up, MB per 10 minutes (default 1.0)")
    return parser.parse_args()


def slope_per_10_min(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (minute, MB) points, in MB per 10 minutes; 0 with fewer than 2 points."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    sxy = sum((x - mx) * (y - my) for x, y in points)
    return 10 * sxy / sxx if sxx else 0.0


class Soak:
    def __init__(self, args: argparse.Namespace, tag: str) -> None:
        self.args, self.tag = args, tag
        self.rate = 0.0
        self.total = 0
        self.published = 0
        self.messages: list[tuple[bytes, str]] = []  # body and its shard's routing key
        self.publish_started = self.publish_ended = 0.0
        # per minute: minute, published, processed, RSS per worker, queued
        self.rows: list[tuple[int, int, int, list[float], int]] = []
        self.running: list[WorkerProcess] = []
        self.received = 0
        self.failures: list[str] = []

    def bodies(self) -> Iterator[tuple[bytes, str]]:
        return iter(self.messages)

    def generate(self) -> None:
        """The soak's messages with their shard keys, computed before the clock starts."""
        shards = self.args.shards
        self.messages = [(body, str(shard_of(body, shards, max_bytes=len(body) + 1)))
                         for body in Traffic(seed=SEED).messages(self.total)]

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
        """Publish every body at the rate, a tenth of a second's worth at a time, on one channel with
        confirms (a channel per step cost more round trips than a loaded machine could keep up with).
        The confirms of up to WINDOW steps are awaited behind the schedule, so one slow confirm (a
        busy disk under the broker) does not hold the next step; `published` counts confirmed ones."""
        step = max(1, round(self.rate / 10))
        channel = await rabbit.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(topology.shard_exchange.name)
        bodies = self.bodies()
        in_flight: deque[tuple[asyncio.Future[list[Any]], int]] = deque()
        self.publish_started = started = time.monotonic()
        n = 0
        while chunk := list(islice(bodies, step)):
            in_flight.append((asyncio.gather(*(
                exchange.publish(aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT), key)
                for body, key in chunk)), len(chunk)))
            while len(in_flight) > WINDOW or (in_flight and in_flight[0][0].done()):
                confirms, size = in_flight.popleft()
                await confirms
                self.published += size
            n += 1
            await asyncio.sleep(max(0.0, started + n * step / self.rate - time.monotonic()))
        while in_flight:
            confirms, size = in_flight.popleft()
            await confirms
            self.published += size
        self.publish_ended = time.monotonic()
        await channel.close()

    async def sample(self, url: str, workers: list[WorkerProcess], rabbit: aio_pika.abc.AbstractConnection,
                     topology: Topology, minute: int, last: int) -> int:
        done = await scalar(url, HEEN_IN)
        waiting = sum([await queue_depth(rabbit, name) for name in shard_names(topology)])
        rss = [w.rss_mb() for w in workers]
        self.rows.append((minute, self.published, done, rss, waiting))
        print(f"{minute:>6} {self.published:>9} {done:>9} {(done - last) / 60:>7.1f} "
              f"{' '.join(f'{r:8.1f}' for r in rss)}  {self.published - done:>7} {waiting:>7} "
              f"{await scalar(url, PENDING):>7}", flush=True)
        return done

    def verdicts(self, workers: list[WorkerProcess]) -> None:
        """Throughput held and memory flat, from the per-minute rows."""
        full = [row for row in self.rows if row[1] < self.total]  # the last, partial minute left out
        worst = max((published - done for _, published, done, _, _ in self.rows), default=0)
        allowed = self.rate * 60
        rates = [(b[2] - a[2]) / 60 for a, b in zip([(0, 0, 0, [], 0), *full], full, strict=False)]
        print(f"backlog: at most {worst} messages (ceiling {allowed:.0f}, one minute of traffic); "
              f"processed per minute {min(rates, default=0):.1f}–{max(rates, default=0):.1f} msg/s "
              f"against {self.rate:.1f} offered")
        if worst > allowed:
            self.failures.append(f"backlog {worst} above one minute of traffic ({allowed:.0f})")
        planned = self.total / self.rate
        took = self.publish_ended - self.publish_started
        late = took - planned
        print(f"offered: {self.total / took if took > 0 else 0:.1f} msg/s over {took:.0f} s "
              f"(planned {self.rate:.1f} msg/s over {planned:.0f} s)")
        if late > max(BEHIND_S, 0.02 * planned):
            self.failures.append(f"the publisher fell behind: ended {late:.0f} s after its schedule, "
                                 "so less than the rate was offered")
        warmup = min(10.0, self.args.minutes / 3)
        for name, worker_index in zip("AB", range(len(workers)), strict=False):
            points = [(float(m), rss[worker_index]) for m, _, _, rss, _ in self.rows if m > warmup]
            slope = slope_per_10_min(points)
            first, end = (points[0][1], points[-1][1]) if points else (0.0, 0.0)
            print(f"RSS worker {name}: {first:.1f} → {end:.1f} MB after minute {warmup:.0f}; slope "
                  f"{slope:+.2f} MB per 10 min (ceiling {self.args.max_slope:.1f}, {len(points)} samples); "
                  f"peak {workers[worker_index].peak_rss_mb:.1f} MB")
            if slope > self.args.max_slope:
                self.failures.append(f"worker {name} RSS slope {slope:.2f} MB per 10 min")


async def capacity(soak: Soak, rabbit: aio_pika.abc.AbstractConnection, prefix: str, db: str) -> float:
    """One worker draining `--probe` queued messages of other cases: msg/s from ready to drained."""
    url, count = pg_url(db), soak.args.probe
    topology = await declare(soak.settings(prefix, db))
    await soak.sink(rabbit, topology)
    probe = await asyncio.to_thread(lambda: list(Traffic(seed=PROBE_SEED).messages(count)))
    await publish(rabbit, topology, probe)
    [worker] = soak.workers(prefix, db, [""])
    await worker.start(within=120)
    started, already = time.monotonic(), await scalar(url, HEEN_IN)
    await wait_until(lambda: drained(url, count, rabbit, shard_names(topology)), within=1800)
    elapsed = time.monotonic() - started
    await worker.stop()
    return float(count - already) / elapsed


async def two_workers(soak: Soak, rabbit: aio_pika.abc.AbstractConnection, prefix: str, db: str) -> None:
    """The soak proper."""
    url, shards = pg_url(db), soak.args.shards
    topology = await declare(soak.settings(prefix, db))
    await soak.sink(rabbit, topology)
    even = ",".join(str(n) for n in range(0, shards, 2))
    odd = ",".join(str(n) for n in range(1, shards, 2))
    workers = soak.workers(prefix, db, [even, odd])
    for worker in workers:
        await worker.start(within=120)
    print(f"{'minute':>6} {'published':>9} {'processed':>9} {'msg/s':>7} {'rss A MB':>8} {'rss B MB':>8}  "
          f"{'backlog':>7} {'queued':>7} {'outbox':>7}", flush=True)
    started = time.monotonic()
    publisher = asyncio.create_task(soak.paced(rabbit, topology))
    last, minute = 0, 0
    try:
        while not publisher.done():
            await asyncio.wait({publisher}, timeout=max(0.0, started + 60 * (minute + 1) - time.monotonic()))
            minute += 1
            last = await soak.sample(url, workers, rabbit, topology, minute, last)
        await publisher
    finally:  # interrupted: stop publishing before the queues are removed
        publisher.cancel()
    ended = time.monotonic()
    try:
        await wait_until(lambda: drained(url, soak.total, rabbit, shard_names(topology)), within=120)
    except TimeoutError:
        soak.failures.append("not drained within 2 minutes of the last publish")
        await wait_until(lambda: drained(url, soak.total, rabbit, shard_names(topology)), within=3600)
    elapsed = time.monotonic() - started
    soak.verdicts(workers)
    codes = [await worker.stop() for worker in workers]
    if codes != [0, 0]:
        soak.failures.append(f"exit codes {codes}")
    print(f"drained {soak.total} messages {elapsed:.0f} s after the first publish, "
          f"{time.monotonic() - ended:.0f} s after the last ({soak.total / elapsed:.1f} msg/s); "
          f"{soak.received} published on istd.out; exit codes {codes}", flush=True)


async def one_worker(soak: Soak, rabbit: aio_pika.abc.AbstractConnection, prefix: str, db: str) -> float:
    """The same messages drained by one worker, queued ahead of it a chunk at a time: the register to
    compare with, and the rate one worker reaches on them."""
    url = pg_url(db)
    topology = await declare(soak.settings(prefix, db))
    await soak.sink(rabbit, topology)
    bodies = (body for body, _ in soak.bodies())
    queued = 0
    chunk = list(islice(bodies, CHUNK))
    await publish(rabbit, topology, chunk)
    queued += len(chunk)
    [worker] = soak.workers(prefix, db, [""])
    started = time.monotonic()
    await worker.start(within=120)
    while chunk := list(islice(bodies, CHUNK)):
        await wait_until(functools.partial(_reached, url, queued - CHUNK), within=3600, every=1)
        await publish(rabbit, topology, chunk)
        queued += len(chunk)
    await wait_until(lambda: drained(url, soak.total, rabbit, shard_names(topology)), within=3600, every=1)
    elapsed = time.monotonic() - started
    await worker.stop()
    return soak.total / elapsed


async def _reached(url: str, count: int) -> bool:
    return await scalar(url, HEEN_IN) >= count


async def main() -> int:
    args = _args()
    tag = secrets.token_hex(3)
    soak = Soak(args, tag)
    prefixes = (f"soak-{tag}.p.", f"soak-{tag}.a.", f"soak-{tag}.b.")
    dbs = (f"istd_soak_{tag}_probe", f"istd_soak_{tag}_two", f"istd_soak_{tag}_one")
    for db in dbs:
        await admin(f'CREATE DATABASE "{db}"')
    rabbit = await aio_pika.connect_robust(RABBIT_URL)
    same = False
    try:
        print(f"soak {tag}: logs {LOGS}/istd-soak-{tag}-*.log; load {os.getloadavg()[0]:.1f}", flush=True)
        if args.rate is None:
            measured = await capacity(soak, rabbit, prefixes[0], dbs[0])
            soak.rate = args.share * measured
            print(f"capacity of one worker: {measured:.1f} msg/s over {args.probe} queued messages; "
                  f"offering {args.share:.0%}: {soak.rate:.1f} msg/s", flush=True)
        else:
            soak.rate = args.rate
        soak.total = int(args.minutes * 60 * soak.rate)
        # In a thread, so the broker connection's heartbeats are answered meanwhile.
        await asyncio.to_thread(soak.generate)
        print(f"soak: {soak.total} messages at {soak.rate:.1f}/s for {args.minutes} min, two workers, "
              f"{args.shards} shards; load average {os.getloadavg()[0]:.1f}", flush=True)
        await two_workers(soak, rabbit, prefixes[1], dbs[1])
        rate = await one_worker(soak, rabbit, prefixes[2], dbs[2])
        same = await register_fingerprint(pg_url(dbs[1])) == await register_fingerprint(pg_url(dbs[2]))
        print(f"one worker over the same messages: {rate:.1f} msg/s; register identical: {same}")
        if not same:
            soak.failures.append("the registers differ")
    finally:
        for worker in soak.running:
            await worker.stop()
        for prefix in prefixes:
            await delete_prefixed(rabbit, prefix)
        await rabbit.close()
        for db in dbs:
            await admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    print("soak: " + ("all checks held" if not soak.failures else "FAILED: " + "; ".join(soak.failures)))
    return 1 if soak.failures else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

"""`istd worker --processes 2`: two worker processes over the shard queues, one endpoint, one SIGTERM.

The real command against the real RabbitMQ and PostgreSQL: every message processed once and answered
once, both processes did part of the work (the supervisor's /metrics labels each sample with its
worker), readiness covers both, and SIGTERM to the supervisor ends every process with exit code 0.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aio_pika
import httpx
import pytest

from gateway.worker.sharding import shard_of
from tests.kit.reliability import (
    ROOT,
    WorkerProcess,
    assert_each_once,
    bind_capture,
    declare,
    delete_prefixed,
    drained,
    pg_url,
    publish,
    read_out,
    take_all,
    tally,
    wait_until,
)
from tests.kit.services import make_settings
from tests.kit.traffic import Traffic

pytestmark = [pytest.mark.rabbitmq, pytest.mark.postgres]
SHARDS = 4
COUNT = 600


class Lot(WorkerProcess):
    """`istd worker --processes 2`: the supervisor process; its children are found through /proc."""

    async def start(self, *, within: float = 60) -> None:
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "gateway.cli.main", "worker", "--processes", "2",
                env=self.env, cwd=ROOT, stderr=log)
        await wait_until(self.ready, within=within)

    def children(self) -> list[int]:
        assert self.process is not None
        pid = self.process.pid
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.timeout(600)
async def test_two_processes_share_the_shards_process_each_message_once_and_stop_on_one_sigterm(
    prefix: str, rabbit: aio_pika.abc.AbstractRobustConnection, fresh_database: str, tmp_path: Path,
) -> None:
    url = pg_url(fresh_database)
    bodies = list(Traffic(seed=13).messages(COUNT))
    assert len({shard_of(b, SHARDS, max_bytes=len(b) + 1) % 2 for b in bodies}) == 2  # work for both
    lot = Lot(prefix, url, tmp_path / "lot.log", ISTD_BROKER__SHARDS=str(SHARDS))
    try:
        topology = await declare(make_settings(url, prefix, shards=SHARDS))
        capture = await bind_capture(rabbit, topology)
        await lot.start(within=120)
        children = lot.children()
        assert len(children) == 2
        health = await lot.health()
        assert health is not None
        assert health[1]["checks"] == {"worker 0": "ok", "worker 1": "ok"}
        await publish(rabbit, topology, bodies)
        queues = [q.name for q in topology.shard_queues()]
        await wait_until(lambda: drained(url, len(bodies), rabbit, queues), within=300)
        async with httpx.AsyncClient(timeout=5) as client:
            metrics = (await client.get(f"http://127.0.0.1:{lot.port}/metrics")).text
        per_worker = [_sum(metrics, "istd_messages_total{", f'worker="{n}"') for n in (0, 1)]
        assert sum(per_worker) == len(bodies)  # each message processed once, over the two
        assert all(count > 0 for count in per_worker), per_worker
        assert await lot.stop(within=15) == 0
        assert not any(_running(pid) for pid in children)
        await assert_each_once(url, len(bodies), tally(read_out(await take_all(capture))))
    finally:
        await lot.stop()
        await delete_prefixed(rabbit, prefix)
    print(f"\n--processes 2: {len(bodies)} messages, {per_worker[0]:.0f} + {per_worker[1]:.0f}, "
          "each once; SIGTERM ended both")


def _sum(text: str, name: str, label: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith(name) and label in line)

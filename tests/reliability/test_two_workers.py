"""Two workers, interleaved messages of the same clients: the same register and retours as one worker.

Each client's messages are sent in the order of the chain (315, 301, 305, 307, 317, 319), steps of
all clients interleaved, so the rules of every step depend on the one before it. With
ISTD_BROKER__SHARDS the producer routes each document by its pair of parties to a shard queue with
a single active consumer (gateway/worker/sharding.py): each worker takes its own shards, and every shard
is processed in publish order. Messages whose only difference would be generated values
(IdentificatieRetour, DagtekeningRetour, row ids, timestamps) are compared without those.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import aio_pika
import pytest

from gateway.worker.sharding import shard_of
from tests.kit.reliability import (
    WorkerProcess,
    bind_capture,
    declare,
    delete_prefixed,
    drained,
    pg_url,
    publish,
    read_out,
    register_fingerprint,
    take_all,
    wait_until,
    without_generated,
)
from tests.kit.services import make_settings
from tests.kit.traffic import Traffic

pytestmark = [pytest.mark.rabbitmq, pytest.mark.postgres]
CLIENTS = 60
SHARDS = 4


def interleaved(clients: int) -> list[bytes]:
    """Step 1 of every client, then step 2 of every client, ...: each client's own order kept."""
    traffic = Traffic(seed=5)
    cases = [traffic.case(i) for i in range(clients)]
    return [case[step] for step in range(len(cases[0])) for case in cases]


async def _run(
    rabbit: aio_pika.abc.AbstractConnection, prefix: str, database: str, shard_ids: list[str],
    bodies: list[bytes], log: Path,
) -> tuple[dict[str, Counter[tuple[object, ...]]], Counter[tuple[str, bytes]], list[float]]:
    """Publish everything, then start one worker per entry of `shard_ids`; the register and istd.out."""
    url = pg_url(database)
    settings = make_settings(url, prefix, shards=SHARDS)
    workers = [WorkerProcess(prefix, url, log, ISTD_BROKER__SHARDS=str(SHARDS), ISTD_BROKER__SHARD_IDS=ids)
               for ids in shard_ids]
    try:
        topology = await declare(settings)
        capture = await bind_capture(rabbit, topology)
        await publish(rabbit, topology, bodies)
        for worker in workers:
            await worker.start(within=120)
        queues = [q.name for q in topology.shard_queues()]
        await wait_until(lambda: drained(url, len(bodies), rabbit, queues), within=300)
        processed = [await worker.metric("istd_messages_total{") for worker in workers]
        for worker in workers:
            assert await worker.stop() == 0
        out = Counter((p.routing_key, without_generated(p.body)) for p in read_out(await take_all(capture)))
    finally:
        for worker in workers:
            await worker.stop()
        await delete_prefixed(rabbit, prefix)
    return await register_fingerprint(url), out, processed


@pytest.mark.slow
@pytest.mark.timeout(900)
async def test_two_workers_on_shards_reach_the_register_and_retours_of_one_worker(
    prefix: str, rabbit: aio_pika.abc.AbstractRobustConnection, fresh_database: str, tmp_path: Path,
    second_database: str,
) -> None:
    bodies = interleaved(CLIENTS)
    shards_used = {shard_of(b, SHARDS, max_bytes=len(b) + 1) for b in bodies}
    assert {0, 1} & shards_used  # both workers below get work
    assert {2, 3} & shards_used
    one, out_one, _ = await _run(rabbit, f"{prefix}one.", fresh_database, [""], bodies, tmp_path / "one.log")
    two, out_two, processed = await _run(
        rabbit, f"{prefix}two.", second_database, ["0,1", "2,3"], bodies, tmp_path / "two.log")
    assert all(count > 0 for count in processed), processed  # both workers did part of the work
    accepted = [row for row in one["messages"] if "'accepted'" in row]
    assert len(accepted) > CLIENTS  # the chain mostly holds: starts and stops found their toewijzing
    for table in one:
        assert two[table] == one[table], table
    assert out_two == out_one
    print(f"\ntwo workers: {len(bodies)} messages, processed {processed[0]:.0f} + {processed[1]:.0f}, "
          f"{sum(out_one.values())} published on istd.out, {sum(sum(t.values()) for t in one.values())} "
          "register rows: identical to one worker's")


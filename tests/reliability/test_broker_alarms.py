"""RabbitMQ's memory and disk alarms raised under load on a private node, held, then cleared.

While an alarm holds, RabbitMQ blocks every connection that publishes: it reads nothing more from
it, neither publishes nor acks. The worker must survive that (no crash, nothing dead-lettered,
nothing lost), say so on /health/ready (503, "broker": blocked) and carry on when the alarm clears,
each message processed once, and next to no retour published twice (see MAX_REPEATS). Opt-in like
the cluster test (ISTD_CLUSTER_TESTS=1): the alarms are raised on a node of the test's own
(tests/kit/rabbit_nodes.py), never on the shared one.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
from typing import Any

import aio_pika
import pytest

from tests.kit.rabbit_nodes import Node, RabbitNodes, available
from tests.kit.reliability import (
    HEEN_IN,
    PENDING,
    Clock,
    WorkerProcess,
    assert_each_once,
    bind_capture,
    declare,
    drained,
    pg_url,
    processed_at_least,
    publish,
    read_out,
    scalar,
    take_all,
    tally,
    wait_until,
)
from tests.kit.services import make_settings
from tests.kit.traffic import Traffic

CLUSTER_TESTS = os.environ.get("ISTD_CLUSTER_TESTS") == "1"
LOAD = int(os.environ.get("ISTD_ALARM_MESSAGES", "3000"))
FIRST = LOAD * 2 // 3  # queued before the worker starts: it is busy with them when the alarm goes
HOLD_S = float(os.environ.get("ISTD_ALARM_SECONDS", "20"))
# Retours published twice per alarm. The relay neither starts a page nor times one out while the
# connection is blocked, so none should repeat; before it did, 800-1,100 did (aiormq sends the frames
# of a publish the relay gave up on at the unblock, and the relay then published its rows again).
MAX_REPEATS = 10
pytestmark = [
    pytest.mark.rabbitmq, pytest.mark.postgres, pytest.mark.slow,
    pytest.mark.skipif(not CLUSTER_TESTS, reason="starts a private RabbitMQ node: set ISTD_CLUSTER_TESTS=1"),
    pytest.mark.skipif(not available(), reason="needs Debian's rabbitmq-server (/usr/lib/rabbitmq/bin)"),
]
# (raise, clear): rabbitmqctl arguments on the private node.
ALARMS = {
    "memory": (("set_vm_memory_high_watermark", "0.0000001"), ("set_vm_memory_high_watermark", "0.4")),
    "disk": (("set_disk_free_limit", "1000000GB"), ("set_disk_free_limit", "50MB")),
}


@pytest.fixture
async def node(tmp_path: Path) -> AsyncIterator[tuple[RabbitNodes, Node]]:
    async with RabbitNodes(tmp_path / "rabbit", 1) as nodes:
        yield nodes, nodes.nodes[0]


async def _depths(nodes: RabbitNodes, node: Node) -> dict[str, int]:
    """Ready + unacked messages per queue, read with rabbitmqctl: a blocked AMQP connection reads nothing."""
    listing = await nodes.ctl(node, "list_queues", "name", "messages", "--no-table-headers")
    pairs = (line.split("\t") for line in listing.splitlines() if "\t" in line)
    return {name: int(count) for name, count in pairs}


async def _blocked(worker: WorkerProcess) -> dict[str, Any] | None:
    answer = await worker.health()
    return answer[1] if answer is not None and answer[0] == 503 else None


@pytest.mark.timeout(600)
@pytest.mark.parametrize("alarm", sorted(ALARMS))
async def test_broker_alarm_under_load_blocks_publishing_worker_survives_and_carries_on_when_it_clears(
    alarm: str, node: tuple[RabbitNodes, Node], prefix: str, fresh_database: str, tmp_path: Path
) -> None:
    nodes, rabbit_node = node
    raise_alarm, clear_alarm = ALARMS[alarm]
    clock, url = Clock(), pg_url(fresh_database)
    settings = make_settings(url, prefix)
    settings.broker.url = rabbit_node.url
    topology = await declare(settings)
    capture_name, dead = f"{prefix}capture", topology.dead_queue.name
    rabbit = await aio_pika.connect_robust(rabbit_node.url)
    worker = WorkerProcess(prefix, url, tmp_path / "worker.log", ISTD_BROKER__URL=rabbit_node.url)
    try:
        capture = await bind_capture(rabbit, topology)
        bodies = list(Traffic(seed=17).messages(LOAD))
        await publish(rabbit, topology, bodies[:FIRST])
        await worker.start(within=120)
        await wait_until(partial(processed_at_least, url, LOAD // 30), within=120)
        await nodes.ctl(rabbit_node, *raise_alarm)
        raised_at = clock()
        more = asyncio.create_task(publish(rabbit, topology, bodies[FIRST:]))
        try:
            down = await wait_until(partial(_blocked, worker), within=60)
            assert await scalar(url, HEEN_IN) < FIRST  # it was still busy: the alarm came under load
            assert down["failing"] == ["broker"]
            assert down["checks"]["broker"].startswith("blocked by a RabbitMQ resource alarm")
            reported_at = clock()
            before = await _depths(nodes, rabbit_node)
            await asyncio.sleep(HOLD_S)  # the alarm itself: its length is what is being tested
            during = await _depths(nodes, rabbit_node)
            assert during[capture_name] == before[capture_name]  # the retour relay is held back
            assert not more.done()  # so is every other publisher
            assert during[dead] == 0
            pending = await scalar(url, PENDING)
            assert worker.process is not None
            assert worker.process.returncode is None  # it stayed up
            assert (await worker.health()) is not None
        finally:
            await nodes.ctl(rabbit_node, *clear_alarm)
        cleared_at = clock()
        await more
        await wait_until(worker.ready, within=60)
        ready_at = clock()
        await wait_until(partial(drained, url, LOAD, rabbit, [topology.inbound_queue.name]), within=300)
        assert await worker.stop() == 0
        counts = tally(read_out(await take_all(capture)))
        print(f"\n{alarm} alarm raised at {raised_at} s under load, /health/ready 503 (broker blocked) by "
              f"{reported_at} s, held {HOLD_S:g} s with {pending} retours waiting in the outbox, cleared at "
              f"{cleared_at} s, ready again by {ready_at} s; {LOAD} messages done at {clock()} s; "
              f"{counts.redelivered} retours published twice")
        await assert_each_once(url, LOAD, counts)
        assert (await _depths(nodes, rabbit_node))[dead] == 0
        assert counts.redelivered <= MAX_REPEATS
    finally:
        await worker.stop()
        await rabbit.close()

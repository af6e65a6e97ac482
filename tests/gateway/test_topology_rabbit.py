"""The topology on the real RabbitMQ: idempotent, quorum inbound queue, dead-lettering at the limit,
istd.out's alternate exchange (unroutable retours kept in istd.unrouted) and `istd unrouted`."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aio_pika
import pytest
from faststream.rabbit import RabbitBroker
from sqlalchemy.ext.asyncio import create_async_engine

from gateway.cli.publish import publish
from gateway.worker.app import App, StartupError, create_app
from gateway.worker.topology import DELIVERY_COUNT_HEADER, OutExchangeWithoutAlternate, Topology, declare
from storage.engine import normalise_url
from tests.kit.services import RABBIT_URL, count_rows, drain, example, make_settings, wait_for

pytestmark = pytest.mark.rabbitmq


async def _declared(topology: Topology) -> None:
    async with RabbitBroker(RABBIT_URL, apply_types=False) as broker:
        await broker.connect()
        await declare(broker, topology)


async def test_declaring_twice_is_harmless_and_routes_inbound_to_the_quorum_queue(
    rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str
) -> None:
    topology = Topology(prefix=prefix, delivery_limit=2)
    await _declared(topology)
    await _declared(topology)
    channel = await rabbit.channel()
    exchange = await channel.get_exchange(topology.inbound_exchange.name)
    await exchange.publish(aio_pika.Message(b"<x/>"), routing_key="any key at all")
    queue = await channel.get_queue(topology.inbound_queue.name)
    [message] = await drain(queue, 1)
    assert message.body == b"<x/>"
    assert message.headers[DELIVERY_COUNT_HEADER] == 0  # only quorum queues set this header


async def test_a_message_requeued_past_the_limit_is_dead_lettered(
    rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str
) -> None:
    topology = Topology(prefix=prefix, delivery_limit=2)
    await _declared(topology)
    channel = await rabbit.channel()
    exchange = await channel.get_exchange(topology.inbound_exchange.name)
    await exchange.publish(aio_pika.Message(b"<poison/>"), routing_key="")
    inbound = await channel.get_queue(topology.inbound_queue.name)
    counts: list[int] = []

    async def nack_once() -> bool:
        message = await inbound.get(no_ack=False, fail=False)
        if message is not None:
            counts.append(message.headers[DELIVERY_COUNT_HEADER])  # type: ignore[arg-type]
            await message.nack(requeue=True)
        return len(counts) == 3

    await wait_for(nack_once)
    dead = await channel.get_queue(topology.dead_queue.name)
    [parked] = await drain(dead, 1)
    assert counts == [0, 1, 2]  # delivery limit 2: three deliveries, then the dead-letter exchange
    assert parked.body == b"<poison/>"
    assert parked.headers["x-first-death-reason"] == "delivery_limit"


async def test_error_reports_are_kept_in_their_queue(
    rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str
) -> None:
    topology = Topology(prefix=prefix)
    await _declared(topology)
    channel = await rabbit.channel()
    exchange = await channel.get_exchange(topology.errors_exchange.name)
    await exchange.publish(aio_pika.Message(b'{"error": "x"}'), routing_key="12345678.wmo305")
    [report] = await drain(await channel.get_queue(topology.errors_queue.name), 1)
    assert report.body == b'{"error": "x"}'


async def test_istd_publish_queues_files_in_the_order_given(
    rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str, tmp_path: Path
) -> None:
    # A client's 315 must reach the queue before the 301 that honours it: the worker keeps queue order.
    files = []
    for n in range(300):
        path = tmp_path / f"{n:03}.xml"
        path.write_bytes(b"<n>%d</n>" % n + b" " * (n * 997 % 20_000))  # sizes vary: reads finish unevenly
        files.append(path)
    settings = make_settings("sqlite:///unused", prefix)
    assert await publish(settings, files) == 300
    channel = await rabbit.channel()
    queue = await channel.get_queue(Topology(prefix=prefix).inbound_queue.name)
    taken = await drain(queue, 300)
    assert [message.body.split(b"</n>")[0] for message in taken] == [b"<n>%d" % n for n in range(300)]


async def _depth(rabbit: aio_pika.abc.AbstractConnection, queue: str) -> int:
    channel = await rabbit.channel()
    try:
        declared = await channel.declare_queue(queue, passive=True)
        return declared.declaration_result.message_count or 0
    finally:
        await channel.close()


def _istd(prefix: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The real `istd` command of this environment, on this test's topology."""
    env = {**os.environ, "ISTD_BROKER__URL": RABBIT_URL, "ISTD_BROKER__PREFIX": prefix}
    return subprocess.run(
        [str(Path(sys.executable).with_name("istd")), *args],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )


async def test_an_unroutable_publish_on_istd_out_is_confirmed_and_kept_in_istd_unrouted(
    rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str
) -> None:
    topology = Topology(prefix=prefix)
    await _declared(topology)
    channel = await rabbit.channel(publisher_confirms=True, on_return_raises=True)
    out = await channel.get_exchange(topology.out_exchange.name)
    # mandatory, as the outbox relay publishes: without the alternate exchange this raised (returned)
    confirm = await out.publish(
        aio_pika.Message(b"<retour/>", message_id="m-1"), routing_key="87654321.wmo306", mandatory=True
    )
    assert type(confirm).__name__ == "Ack"
    [kept] = await drain(await channel.get_queue(topology.unrouted_queue.name), 1)
    assert (kept.body, kept.routing_key, kept.message_id) == (b"<retour/>", "87654321.wmo306", "m-1")


@asynccontextmanager
async def _worker(database_url: str, prefix: str) -> AsyncIterator[App]:
    app = create_app(make_settings(database_url, prefix))
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


async def test_the_worker_keeps_and_counts_a_retour_nobody_is_bound_for(
    rabbit: aio_pika.abc.AbstractRobustConnection,
    prefix: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = f"sqlite:///{tmp_path / 'istd.sqlite3'}"
    expected = f"sqlite {tmp_path / 'istd.sqlite3'}"  # pytest's tmp_path is absolute and resolved
    topology = Topology(prefix=prefix)
    caplog.set_level(logging.INFO, logger="istd.app")
    async with _worker(url, prefix) as app:
        [opened] = [r for r in caplog.records if r.getMessage() == "register opened"]
        assert getattr(opened, "fields", None) == {"database": expected}  # set by gateway.logs
        channel = await rabbit.channel(publisher_confirms=True)
        inbound = await channel.get_exchange(topology.inbound_exchange.name)
        await inbound.publish(aio_pika.Message(example("WMO305")), routing_key="")
        await wait_for(lambda: _depth_is(rabbit, topology.unrouted_queue.name, 1), within=5)
        await wait_for(lambda: _gauge_is(app, 1.0), within=3 * 5.0)  # read every UNROUTED_INTERVAL_S
        engine = create_async_engine(normalise_url(url))
        try:
            assert await count_rows(engine, "outbox", "WHERE published_at IS NULL") == 0  # not retried
        finally:
            await engine.dispose()
    done = _istd(prefix, "unrouted", "list")
    assert done.returncode == 0, done.stderr
    header, row = done.stdout.strip().splitlines()
    assert header.split("\t") == ["#", "id", "routing key", "message", "bytes"]
    assert row.split("\t")[2:4] == [f"{_ontvanger(example('WMO305'))}.wmo306", "WMO306"]


def _ontvanger(body: bytes) -> str:
    """The retour goes to the heen message's Afzender (the provider's AGB code)."""
    start = body.index(b"Afzender>") + len(b"Afzender>")
    return body[start:body.index(b"<", start)].decode()


async def _depth_is(rabbit: aio_pika.abc.AbstractConnection, queue: str, depth: int) -> bool:
    return await _depth(rabbit, queue) == depth


async def _gauge_is(app: App, value: float) -> bool:
    return app.metrics.registry.get_sample_value("istd_unrouted_messages") == value


async def test_istd_unrouted_lists_and_saves_without_losing_messages(
    rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str, tmp_path: Path
) -> None:
    topology = Topology(prefix=prefix)
    await _declared(topology)
    channel = await rabbit.channel(publisher_confirms=True)
    out = await channel.get_exchange(topology.out_exchange.name)
    bodies = [example("WMO305"), b"not xml"]
    for n, body in enumerate(bodies):
        await out.publish(aio_pika.Message(body, message_id=f"id-{n}"), routing_key=f"1234567{n}.wmo306")
    for _ in range(2):  # listing twice: the first listing returned everything it read
        listed = _istd(prefix, "unrouted", "list")
        assert listed.returncode == 0, listed.stderr
        rows = [line.split("\t") for line in listed.stdout.strip().splitlines()[1:]]
        assert rows == [
            ["1", "id-0", "12345670.wmo306", "WMO305", str(len(bodies[0]))],
            ["2", "id-1", "12345671.wmo306", "(not-xml)", "7"],
        ]
    saved = _istd(prefix, "unrouted", "save", str(tmp_path / "copy"))
    assert (saved.returncode, saved.stdout.strip()) == (0, f"copied 2 message(s) from {prefix}istd.unrouted "
                                                           f"to {tmp_path / 'copy'}")
    assert [p.read_bytes() for p in sorted((tmp_path / "copy").iterdir())] == bodies
    assert await _depth(rabbit, topology.unrouted_queue.name) == 2
    moved = _istd(prefix, "unrouted", "save", "--remove", str(tmp_path / "moved"))
    assert moved.returncode == 0, moved.stderr
    assert sorted(p.name for p in (tmp_path / "moved").iterdir()) == ["00001-id-0.xml", "00002-id-1.xml"]
    assert await _depth(rabbit, topology.unrouted_queue.name) == 0


async def test_an_istd_out_of_an_earlier_version_is_detected_and_migrated(
    rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str, tmp_path: Path
) -> None:
    topology = Topology(prefix=prefix)
    channel = await rabbit.channel()
    out = topology.out_exchange.name
    old = await channel.declare_exchange(out, aio_pika.ExchangeType.TOPIC, durable=True)  # no alternate
    with pytest.raises(OutExchangeWithoutAlternate):
        await _declared(topology)
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'istd.sqlite3'}", prefix))
    with pytest.raises(StartupError, match="istd unrouted migrate"):
        await app.start()
    await app.close()
    receiver = await channel.declare_queue(f"{prefix}capture", durable=True, auto_delete=True)
    await receiver.bind(old, routing_key="#")
    refused = _istd(prefix, "unrouted", "migrate")
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1
    assert "--force" in refused.stderr
    forced = _istd(prefix, "unrouted", "migrate", "--force")
    assert forced.returncode == 0, forced.stderr
    await _declared(topology)  # now equal to what the worker declares
    again = _istd(prefix, "unrouted", "migrate")  # idempotent: an up-to-date istd.out is left alone
    assert again.returncode == 0, again.stderr

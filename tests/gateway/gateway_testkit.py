"""Helpers for the gateway tests: settings, waiting with a timeout, a capture queue on the real RabbitMQ."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import aio_pika
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.settings import BrokerSettings, DatabaseSettings, Settings
from gateway.topology import Topology

RABBIT_URL = os.environ.get("ISTD_TEST_RABBIT_URL", "amqp://guest:guest@127.0.0.1:5672/")
EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "reference" / "examples"
WAIT_S = 20.0  # upper bound for anything a test waits for; never a sleep
T = TypeVar("T")


async def wait_for(probe: Callable[[], Awaitable[T | None]], *, within: float = WAIT_S) -> T:
    """Poll `probe` until it answers something other than None/False; fail after `within` seconds."""
    async with asyncio.timeout(within):
        while True:
            result = await probe()
            if result is not None and result is not False:
                return result
            await asyncio.sleep(0.02)


def make_settings(database_url: str, prefix: str = "", **broker: object) -> Settings:
    return Settings(
        broker=BrokerSettings(url=RABBIT_URL, prefix=prefix, **broker),
        database=DatabaseSettings(url=database_url),
    )


async def delete_topology(
    connection: aio_pika.abc.AbstractConnection, topology: Topology, *, extra_queues: tuple[str, ...] = ()
) -> None:
    channel = await connection.channel()
    try:
        for queue in (*(q.name for q in topology.all_queues()), *extra_queues):
            # Quorum queues refuse if-unused/if-empty deletes.
            await channel.queue_delete(queue, if_unused=False, if_empty=False)
        for exchange in topology.all_exchanges():
            await channel.exchange_delete(exchange.name)
    finally:
        await channel.close()


async def bind_capture(
    connection: aio_pika.abc.AbstractConnection, topology: Topology, exchange: str, routing_key: str = "#"
) -> aio_pika.abc.AbstractQueue:
    """A queue `<prefix>capture` bound to one of the topology's exchanges (declared if needed)."""
    channel = await connection.channel()
    declared = await channel.declare_exchange(exchange, type=_type_of(topology, exchange), durable=True)
    queue = await channel.declare_queue(f"{topology.prefix}capture", durable=True)
    await queue.bind(declared, routing_key=routing_key)
    return queue


def _type_of(topology: Topology, name: str) -> aio_pika.ExchangeType:
    for exchange in topology.all_exchanges():
        if exchange.name == name:
            return aio_pika.ExchangeType(exchange.type.value)
    raise KeyError(name)


async def drain(queue: aio_pika.abc.AbstractQueue, count: int) -> list[aio_pika.abc.AbstractIncomingMessage]:
    """Take exactly `count` messages from `queue` (acked), waiting up to WAIT_S for them."""
    taken: list[aio_pika.abc.AbstractIncomingMessage] = []

    async def one_more() -> bool:
        message = await queue.get(no_ack=True, fail=False)
        if message is not None:
            taken.append(message)
        return len(taken) >= count

    await wait_for(one_more)
    return taken


# ---------------------------------------------------------------- a worker in tests

ORDER = ("315", "301", "305", "307", "317", "319", "323")  # VOT before the toewijzing that honours it
CRASH = b"<!--istd-test: crash-->"
HOLD = b"<!--istd-test: hold-->"


def example(name: str, standard: str = "iwmo-3.2") -> bytes:
    return (EXAMPLES / standard / f"{name}.xml").read_bytes()


def iwmo_examples() -> list[bytes]:
    return [example(f"WMO{number}") for number in ORDER]


def variant(body: bytes, marker: bytes) -> bytes:
    """The same document with a comment after the prolog: other bytes (other sha256), same content."""
    head, _, rest = body.partition(b"?>")
    return head + b"?>" + marker + rest


class FaultyProcessor:
    """The real Processor, except that a document carrying CRASH raises and one carrying HOLD waits.

    Only tests use this: it lets them crash or pause processing of one chosen delivery.
    """

    def __init__(self, settings: Settings) -> None:
        from gateway.processing import Processor

        self.real = Processor(settings)
        self.held = asyncio.Event()
        self.release = asyncio.Event()
        self.crashes = 0

    async def process(
        self, session: Any, raw: bytes, *, received_at: datetime, today: date, origin: Any = None
    ) -> Any:
        if CRASH in raw:
            self.crashes += 1
            raise ZeroDivisionError("a bug in processing (test)")
        if HOLD in raw:
            self.held.set()
            await self.release.wait()
        return await self.real.process(session, raw, received_at=received_at, today=today, origin=origin)


async def count_rows(engine: AsyncEngine, table: str, where: str = "") -> int:
    async with engine.connect() as connection:
        value = await connection.scalar(text(f"SELECT count(*) FROM {table} {where}"))
    return int(value or 0)

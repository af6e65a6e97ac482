"""Helpers for the gateway tests: settings, waiting, scratch RabbitMQ and PostgreSQL, the worker in memory."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any, TypeVar

import aio_pika
from faststream.message import StreamMessage
from faststream.rabbit import RabbitQueue, TestRabbitBroker
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.settings import BrokerSettings, DatabaseSettings, Settings
from gateway.worker.app import App, create_app
from gateway.worker.topology import Topology
from tests.kit import examples as shipped

RABBIT_URL = os.environ.get("ISTD_TEST_RABBIT_URL", "amqp://guest:guest@127.0.0.1:5672/")
EXAMPLES = shipped.EXAMPLES  # the shipped examples (examples/), one per message type
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


async def delete_test_topology(connection: aio_pika.abc.AbstractConnection, prefix: str) -> None:
    """What a gateway test may leave under `prefix`: the topology and its capture queue."""
    await delete_topology(connection, Topology(prefix=prefix), extra_queues=(f"{prefix}capture",))


@asynccontextmanager
async def rabbit_connection(
    prefix: str,
    teardown: Callable[[aio_pika.abc.AbstractConnection, str], Awaitable[None]] = delete_test_topology,
) -> AsyncIterator[aio_pika.abc.AbstractRobustConnection]:
    """A fixture's connection to the real RabbitMQ; `teardown` clears `prefix` at exit, failed or not."""
    connection = await aio_pika.connect_robust(RABBIT_URL)
    try:
        yield connection
    finally:
        await teardown(connection, prefix)
        await connection.close()


Admin = Callable[[str], Awaitable[None]]  # runs one SQL statement on PostgreSQL's admin database


@asynccontextmanager
async def scratch_database(name: str, admin: Admin) -> AsyncIterator[str]:
    """Database `name`, empty and for one test alone (so it may be cut off); dropped at exit, cut or not."""
    await admin(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        await admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def cut_database(name: str, admin: Admin) -> None:
    """An outage of database `name` alone: new connections refused and the open ones ended."""
    await admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    await admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")


async def refuse_writes(name: str, admin: Admin) -> None:
    """Database `name` alone turns read-only: its new sessions refuse every write (SQLSTATE 25006) and
    the open ones are ended (a session keeps the setting it started with). Never ALTER SYSTEM."""
    await admin(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    await admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")


async def allow_writes(name: str, admin: Admin) -> None:
    """Undo `refuse_writes` for new sessions; sessions opened meanwhile stay read-only."""
    await admin(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')


async def bind_capture(
    connection: aio_pika.abc.AbstractConnection, topology: Topology, exchange: str, routing_key: str = "#"
) -> aio_pika.abc.AbstractQueue:
    """A queue `<prefix>capture` bound to one of the topology's exchanges (declared if needed)."""
    channel = await connection.channel()
    kind, arguments = _type_of(topology, exchange)
    declared = await channel.declare_exchange(exchange, type=kind, durable=True, arguments=arguments)
    queue = await channel.declare_queue(f"{topology.prefix}capture", durable=True)
    await queue.bind(declared, routing_key=routing_key)
    return queue


def _type_of(topology: Topology, name: str) -> tuple[aio_pika.ExchangeType, dict[str, Any] | None]:
    """Type and arguments as the worker declares the exchange (RabbitMQ refuses any other)."""
    for exchange in topology.all_exchanges():
        if exchange.name == name:
            return aio_pika.ExchangeType(exchange.type.value), exchange.arguments
    raise KeyError(name)


async def drain(
    queue: aio_pika.abc.AbstractQueue, count: int, *, within: float = WAIT_S
) -> list[aio_pika.abc.AbstractIncomingMessage]:
    """Take exactly `count` messages from `queue` (acked), waiting up to `within` seconds for them."""
    taken: list[aio_pika.abc.AbstractIncomingMessage] = []

    async def one_more() -> bool:
        message = await queue.get(no_ack=True, fail=False)
        if message is not None:
            taken.append(message)
        return len(taken) >= count

    await wait_for(one_more, within=within)
    return taken


# ---------------------------------------------------------------- a worker in tests

ORDER = ("301", "305", "307", "315", "317", "319", "323")  # the story of the shipped examples
CRASH = b"<!--istd-test: crash-->"
HOLD = b"<!--istd-test: hold-->"


def example(name: str) -> bytes:
    """A shipped example by message name, e.g. ``"WMO305"`` or ``"JW301"``."""
    return shipped.example(name)


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
        from gateway.processing.processor import Processor

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


# ---------------------------------------------------------------- the worker in memory (TestRabbitBroker)


class Captured:
    """What the worker published, per exchange: (routing key, body)."""

    def __init__(self) -> None:
        self.out: list[tuple[str, bytes]] = []
        self.errors: list[tuple[str, bytes]] = []


async def _whole(message: StreamMessage[Any]) -> StreamMessage[Any]:
    return message


def _capture(app: App) -> Captured:
    captured = Captured()
    for name, exchange, sink in (
        ("out", app.topology.out_exchange, captured.out),
        ("errors", app.topology.errors_exchange, captured.errors),
    ):
        subscriber = app.broker.subscriber(
            RabbitQueue(f"capture-{name}", routing_key="#"), exchange, decoder=_whole, include_in_schema=False
        )
        subscriber(_keeper(sink))
    return captured


def _keeper(sink: list[tuple[str, bytes]]) -> Callable[[StreamMessage[Any]], Awaitable[None]]:
    async def keep(message: StreamMessage[Any]) -> None:
        sink.append((message.raw_message.routing_key, message.body))

    return keep


@asynccontextmanager
async def in_memory(settings: Settings, **kwargs: Any) -> AsyncIterator[tuple[App, Captured, Any]]:
    app = create_app(settings, **kwargs)
    captured = _capture(app)
    async with TestRabbitBroker(app.broker) as broker:
        await app.start()
        try:
            yield app, captured, broker
        finally:
            await app.stop()


async def publish_one(app: App, broker: Any, body: bytes) -> None:
    await broker.publish(body, exchange=app.topology.inbound_exchange, routing_key="ignored.routing.key")


async def publish_together(app: App, broker: Any, bodies: list[bytes]) -> None:
    """Publish all at once, so they arrive in one batch, then flush the outbox: the retours are out."""
    await asyncio.gather(*(publish_one(app, broker, b) for b in bodies))
    await app.relay.flush()


def crash_in_the_middle() -> list[bytes]:
    """A 315, a 305 that raises in processing (CRASH) and a 307: the crash must not take the others down."""
    return [example("WMO315"), variant(example("WMO305"), CRASH), example("WMO307")]

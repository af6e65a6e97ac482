"""The composition root: `create_app(settings)` builds engine, broker, routes, outbox relay and HTTP app.

Nothing connects at build time; `App.start()` migrates the database, compiles the schemas,
connects the broker, declares the topology and starts consuming; `App.stop()` shuts down in the
order that loses nothing (stop consuming, finish and commit the batch in hand, ack, flush the
outbox, close). Start-up failures surface as `StartupError` with one line for the operator.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import aio_pika.abc
from aio_pika.exceptions import AMQPError, ChannelPreconditionFailed
from aiormq.exceptions import InvalidFrameError, ProbableAuthenticationError
from faststream.rabbit import RabbitBroker
from faststream.rabbit.schemas import Channel
from faststream.rabbit.subscriber import RabbitSubscriber
from faststream.specification import AsyncAPI
from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from gateway.logs import describe_exception, fields, get_logger, redact_url
from gateway.processing.declarations import announce_tr418
from gateway.processing.processor import Processor
from gateway.processing.senders import SenderPolicy
from gateway.settings import Settings
from gateway.worker import topology as wiring
from gateway.worker.batcher import Batcher
from gateway.worker.connection import is_blocked, rabbit_broker
from gateway.worker.consumer import DirectConsumer
from gateway.worker.health import create_http_app
from gateway.worker.metrics import Metrics
from gateway.worker.outbox import OutboxRelay
from gateway.worker.pipeline import Delivery, MessageProcessor, Pipeline, Verdict, is_database_down
from gateway.worker.publishers import Publishers, declare_publishers
from gateway.worker.settlement import Settlement
from gateway.worker.sharding import parse_shard_ids
from gateway.worker.subscriber import register_routes
from schemas import registry
from storage.engine import create_engine, ensure_migrated, refuses_writes, register_location, session_factory

log = get_logger("app")
GRACEFUL_TIMEOUT_S = 8.0  # in-flight handlers get this long at shutdown; the whole stop stays under 10 s
UNROUTED_INTERVAL_S = 5.0  # how often the depth of istd.unrouted is read for its gauge


class StartupError(RuntimeError):
    """The worker cannot start; the message is the one line an operator needs."""


@dataclass
class App:
    """One worker: everything `create_app` built, started and stopped as a whole."""

    settings: Settings
    topology: wiring.Topology
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    broker: RabbitBroker
    metrics: Metrics
    publishers: Publishers
    pipeline: Pipeline
    batcher: Batcher[Delivery, Verdict]
    relay: OutboxRelay
    subscribers: tuple[RabbitSubscriber, ...]
    consumer: DirectConsumer
    http: Starlette = field(init=False)
    schemas_loaded: bool = False
    _watcher: asyncio.Task[None] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.http = create_http_app(
            {"broker": self._broker_check, "database": self._database_check, "schemas": self._schemas_check},
            self.metrics, asyncapi=self.asyncapi,
        )

    async def start(self) -> None:
        """Database first (migrated), then schemas, then the broker and its topology, then consuming."""
        await self._start_database()
        self._load_schemas()
        SenderPolicy.from_settings(self.settings).announce()
        connection = await connect_broker(self.broker, self.settings, self.topology)
        await self.publishers.open(connection)
        if isinstance(connection, aio_pika.abc.AbstractConnection):
            self._watcher = asyncio.create_task(self._watch_unrouted(connection), name="istd-unrouted-gauge")
        self.batcher.start()
        self.relay.start()
        if isinstance(connection, aio_pika.abc.AbstractConnection):
            # FastStream's subscribers stay registered (AsyncAPI) but do not consume: the direct
            # consumer does, without a handler task per delivery (gateway.worker.consumer).
            for publisher in self.broker.publishers:
                await publisher.start()
            await self.consumer.start(connection)
        else:  # in memory (TestRabbitBroker): through FastStream's subscribers
            await self.broker.start()
        log.info("worker started")

    async def stop(self) -> None:
        """Stop consuming, commit and ack the batch in hand, flush the outbox, close everything."""
        self.batcher.hurry()
        await self.consumer.cancel()
        for subscriber in self.subscribers:
            with contextlib.suppress(Exception):
                await subscriber.stop()  # waits (graceful timeout) for in-flight handlers to settle
        self.pipeline.stopping.set()
        await self.batcher.stop()
        try:
            await asyncio.wait_for(self.relay.stop(), timeout=GRACEFUL_TIMEOUT_S / 4)
        except Exception as exc:  # noqa: BLE001 - pending rows stay in the outbox for the next start
            log.warning("outbox not flushed at shutdown", extra=fields(error=describe_exception(exc)))
        await self.consumer.close()
        if self._watcher is not None:
            self._watcher.cancel()
            await asyncio.gather(self._watcher, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self.publishers.close()
        await self.broker.stop()
        await self.engine.dispose()
        log.info("worker stopped")

    async def close(self) -> None:
        """Release connections after a failed start (nothing was consumed)."""
        await self.consumer.close()
        with contextlib.suppress(Exception):
            await self.publishers.close()
        await self.broker.stop()
        await self.engine.dispose()

    def asyncapi(self) -> str:
        """The AsyncAPI 3.0 document of the worker's channels, as JSON."""
        spec = AsyncAPI(
            self.broker, title="istd-gateway worker", version="0.1.0",
            description="iWmo 3.2 / iJw 3.2 messages: inbound queue, retours, error reports, dead letters.",
        )
        document: str = spec.to_specification().to_json()
        return document

    async def _start_database(self) -> None:
        log.info("register opened", extra=fields(database=register_location(self.settings.database.url)))
        try:
            await ensure_migrated(self.engine)
            await announce_tr418(session_factory(self.engine))
        except Exception as exc:
            if not is_database_down(exc):
                raise
            where = redact_url(self.settings.database.url)
            if refuses_writes(exc):
                raise StartupError(
                    f"the database at {where} refuses writes (read-only): make it writable "
                    "(default_transaction_read_only, a standby, the file's permissions) or name the "
                    "primary in ISTD_DATABASE__URL") from exc
            raise StartupError(
                f"cannot reach the database at {where} ({type(exc).__name__}); start PostgreSQL "
                "(e.g. `docker compose up -d postgres`) or unset ISTD_DATABASE__URL to use SQLite"
            ) from exc

    async def _watch_unrouted(self, connection: aio_pika.abc.AbstractConnection) -> None:
        """Keep `istd_unrouted_messages` at the depth of istd.unrouted (a passive declare: no change)."""
        name = self.topology.unrouted_queue.name
        queue: aio_pika.abc.AbstractQueue | None = None
        while True:
            try:
                if queue is None or queue.channel.is_closed:
                    channel = await connection.channel()
                    queue = await channel.declare_queue(name, passive=True)
                # Declared again each time: a robust channel hands out the first answer otherwise.
                declared = await queue.declare()
                self.metrics.unrouted.set(declared.message_count or 0)
            except Exception as exc:  # noqa: BLE001 - a broker outage: the next tick reads it again
                log.debug("depth of unrouted queue not read", extra=fields(error=describe_exception(exc)))
            await asyncio.sleep(UNROUTED_INTERVAL_S)

    def _load_schemas(self) -> None:
        for message_type in registry.message_types():
            registry.schema(message_type)
        self.schemas_loaded = True

    async def _broker_check(self) -> str | None:
        if not await self.broker.ping(timeout=1.0):
            return "not connected"
        # Blocked: RabbitMQ reads nothing from us (no publish, no ack) until its alarm clears.
        if is_blocked(self.broker._connection):
            return "blocked by a RabbitMQ resource alarm (memory or disk): nothing published or acked"
        return None

    async def _database_check(self) -> str | None:
        if self.pipeline.database_down is not None:
            down = self.pipeline.database_down
            return down if down == "read-only" else f"unreachable ({down})"
        try:
            async with self.engine.connect() as connection:
                if connection.dialect.name != "postgresql":
                    await connection.execute(text("SELECT 1"))
                    return None
                # Reachable is not enough: a session that refuses writes holds every batch. A read-only
                # session is dropped, so the next check (and batch) starts a fresh one.
                if await connection.scalar(text("SELECT current_setting('transaction_read_only')")) == "on":
                    await connection.invalidate()
                    return "read-only"
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; reported by type only
            return f"unreachable ({type(exc).__name__})"
        return None

    async def _schemas_check(self) -> str | None:
        return None if self.schemas_loaded else "not loaded"


async def connect_broker(broker: RabbitBroker, settings: Settings, topology: wiring.Topology) -> object:
    """Connect and declare the topology; an unreachable broker becomes a one-line `StartupError`.

    Returns what `broker.connect()` gave: the aio-pika connection, or a stand-in in memory.
    """
    quiet = logging.getLogger("aiormq")  # its "error when creating transport" would be a second line
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        connection: object = await broker.connect()
    except (AMQPError, OSError, ConnectionError) as exc:
        raise StartupError(broker_refusal(exc, settings.broker.url)) from exc
    finally:
        quiet.setLevel(level)
    try:
        await wiring.declare(broker, topology)
    except wiring.OutExchangeWithoutAlternate as exc:
        raise StartupError(str(exc)) from exc
    except ChannelPreconditionFailed as exc:
        if "x-queue-type" in str(exc):
            raise StartupError(queue_type_refusal(exc)) from exc
        raise StartupError(
            f"RabbitMQ refused the topology ({exc}); an existing queue was declared with other arguments: "
            "delete it or set the same ISTD_BROKER__DELIVERY_LIMIT"
        ) from exc
    return connection


def queue_type_refusal(exc: BaseException) -> str:
    """The one line for a queue that exists with another type (say a classic istd.unrouted, now quorum)."""
    found = re.search(r"queue '([^']+)'", str(exc))
    queue = found.group(1) if found else "a queue of the topology"
    wanted = re.search(r"received the value '(\w+)'", str(exc))
    kind = f"{wanted.group(1)} queue" if wanted else "queue type the settings ask for"
    return (f"queue {queue} exists on RabbitMQ with another type than the {kind} the worker declares "
            "(ISTD_BROKER__UNROUTED_QUEUE for istd.unrouted; RabbitMQ cannot change a type in place): stop "
            "the workers, let it drain or move its messages (e.g. `istd unrouted save --remove`, a shovel), "
            "delete it (rabbitmqctl delete_queue), then start the workers, which declare it anew")


def broker_refusal(exc: BaseException, url: str) -> str:
    """The one line for a failed connection: wrong login, missing vhost, or nothing listening.

    `url` is the setting: with several nodes, the login and vhost are those of the first.
    """
    where, parts = redact_url(url), urlsplit(url.split(",")[0].strip())
    if isinstance(exc, ProbableAuthenticationError):
        user = unquote(parts.username or "") or "guest"
        return (f"RabbitMQ at {where} refused the login of user {user!r}: check the user and password "
                "in ISTD_BROKER__URL / --broker")
    if isinstance(exc, InvalidFrameError) and "Connection.Close" in str(exc):
        # The broker closes instead of opening: the vhost does not exist or the user may not use it.
        vhost = unquote(parts.path[1:]) if len(parts.path) > 1 else "/"
        return (f"RabbitMQ at {where} refused to open virtual host {vhost!r} (it does not exist, or the "
                f"user has no permission on it): create it (rabbitmqctl add_vhost {vhost}; rabbitmqctl "
                f"set_permissions -p {vhost} USER '.*' '.*' '.*') or fix the vhost in "
                "ISTD_BROKER__URL / --broker")
    return (f"cannot reach RabbitMQ at {where} ({type(exc).__name__}); start it with "
            "`rabbitmq-server -detached` or `docker compose up -d rabbitmq`, or fix "
            "ISTD_BROKER__URL / --broker")


def _begin_explicitly(engine: AsyncEngine) -> None:
    """SQLite: let SQLAlchemy emit BEGIN itself, so SAVEPOINTs nest inside the batch transaction.

    Python's sqlite3 module defers BEGIN to the first write; a SAVEPOINT issued first then opens
    its own transaction and the outer ROLLBACK undoes nothing (the documented pysqlite recipe).
    """
    sync_engine = engine.sync_engine
    if sync_engine.dialect.name != "sqlite" or len(sync_engine.dispatch.begin) > 0:
        return

    def on_connect(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.isolation_level = None  # type: ignore[attr-defined]

    def on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")

    event.listen(sync_engine, "connect", on_connect)
    event.listen(sync_engine, "begin", on_begin)


def _broker(settings: Settings) -> RabbitBroker:
    return rabbit_broker(
        settings.broker.url,
        default_channel=Channel(prefetch_count=settings.broker.prefetch, publisher_confirms=True),
        graceful_timeout=GRACEFUL_TIMEOUT_S,
        apply_types=False,  # handlers take the raw message; no payload model to validate
        logger=get_logger("faststream"),
        log_level=logging.DEBUG,  # FastStream's per-message lines; ours carry the identification
        description="istd-gateway: iWmo/iJw 3.2 message worker",
    )


def create_app(settings: Settings, *, processor: MessageProcessor | None = None) -> App:
    """Build (not start) a worker from `settings`; `processor` defaults to the real `Processor`."""
    bs = settings.broker
    topology = wiring.Topology.from_settings(bs)
    engine = create_engine(settings.database.url, echo=settings.database.echo)
    _begin_explicitly(engine)
    sessions = session_factory(engine)
    # Batches and the outbox relay take turns in this process: SQLite has one writer, and on PostgreSQL
    # (where SKIP LOCKED shares the rows between processes) the relay's pages stay out of the batch's
    # way and the stage clock charges each to its own stage (gateway.processing.stages).
    write_lock = asyncio.Lock()
    metrics = Metrics()
    broker = _broker(settings)
    publishers = declare_publishers(broker, topology)
    relay = OutboxRelay(sessions, publishers.publish_row, metrics, write_lock=write_lock,
                        publish_many=publishers.publish_many, blocked=lambda: is_blocked(broker._connection))
    pipeline = Pipeline(
        sessions, processor or Processor(settings), metrics, park=publishers.park,
        delivery_limit=settings.broker.delivery_limit, write_lock=write_lock, committed=relay.offer,
    )
    settlement = Settlement()
    batcher: Batcher[Delivery, Verdict] = Batcher(
        settlement.around(pipeline.run_batch), size=settings.broker.batch_size,
        # The relay publishes what a batch committed right after it (not woken at the commit as well:
        # that was a second page query per batch, for rows the catch-up takes anyway).
        wait_s=settings.broker.batch_wait_ms / 1000, between=relay.catch_up,
    )
    shard_ids = parse_shard_ids(settings.broker.shard_ids, settings.broker.shards)
    subscribers = register_routes(broker, topology, batcher, settlement, shard_ids)
    queues = (topology.inbound_queue.name, *(topology.shard_queue(n).name for n in shard_ids))
    consumer = DirectConsumer(batcher, settlement, queues, settings.broker.prefetch)
    return App(
        settings=settings, topology=topology, engine=engine, sessions=sessions, broker=broker,
        metrics=metrics, publishers=publishers, pipeline=pipeline, batcher=batcher, relay=relay,
        subscribers=subscribers, consumer=consumer,
    )

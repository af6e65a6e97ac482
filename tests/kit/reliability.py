"""Helpers of the fault tests: `istd worker` as a subprocess, publishing, capturing istd.out, the register.

The worker runs as deployed (`python -m gateway.cli.main worker`), on its own broker prefix and its
own PostgreSQL database, so a test can kill it, cut its database or close its connections without
touching anything the other tests use.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg  # type: ignore[import-untyped]
import httpx
from lxml import etree

from gateway.settings import Settings
from gateway.worker.sharding import shard_of
from gateway.worker.topology import Topology
from storage.models import Base

RABBIT_URL = os.environ.get("ISTD_TEST_RABBIT_URL", "amqp://guest:guest@127.0.0.1:5672/")
PG_HOST = os.environ.get("ISTD_TEST_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("ISTD_TEST_PG_PORT", "5432")  # another cluster for the soak (its own PostgreSQL)
PG_ADMIN = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/test"
# The worker runs from the directory the tests run from (the repository root, as `make test` does).
ROOT = Path.cwd()
MAX_SHARDS = 8  # teardown deletes shard queues up to this many
WINDOW = 500


def pg_url(database: str) -> str:
    return f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{database}"


async def admin(sql: str) -> None:
    connection = await asyncpg.connect(PG_ADMIN)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def wait_until(probe: Callable[[], Awaitable[Any]], *, within: float, every: float = 0.25) -> Any:
    """Poll `probe` until it answers something truthy; TimeoutError after `within` seconds."""
    async with asyncio.timeout(within):
        while True:
            result = await probe()
            if result:
                return result
            await asyncio.sleep(every)


# ---------------------------------------------------------------- broker


async def delete_prefixed(connection: aio_pika.abc.AbstractConnection, prefix: str) -> None:
    topology = Topology(prefix=prefix, shards=MAX_SHARDS)
    channel = await connection.channel()
    try:
        names = (*(q.name for q in topology.all_queues()), f"{prefix}capture", f"{prefix}capture-errors")
        for queue in names:
            await channel.queue_delete(queue, if_unused=False, if_empty=False)
        for exchange in topology.all_exchanges():
            await channel.exchange_delete(exchange.name)
    finally:
        await channel.close()


async def declare(settings: Settings) -> Topology:
    """The worker's topology, declared up front so messages can be published before it starts."""
    from gateway.worker.app import connect_broker
    from gateway.worker.connection import rabbit_broker

    b = settings.broker
    topology = Topology.from_settings(b)
    async with rabbit_broker(b.url, apply_types=False) as broker:
        await connect_broker(broker, settings, topology)
    return topology


async def publish(
    connection: aio_pika.abc.AbstractConnection, topology: Topology, bodies: Sequence[bytes]
) -> None:
    """Persistent publishes with confirms; to the shard exchange (by document) when the topology shards."""
    channel = await connection.channel(publisher_confirms=True)
    inbound = await channel.get_exchange(topology.inbound_exchange.name)
    shard = await channel.get_exchange(topology.shard_exchange.name) if topology.shards else None

    def target(body: bytes) -> tuple[aio_pika.abc.AbstractExchange, str]:
        if shard is None:
            return inbound, ""
        return shard, str(shard_of(body, topology.shards, max_bytes=len(body) + 1))

    for start in range(0, len(bodies), WINDOW):
        sends = []
        for body in bodies[start:start + WINDOW]:
            exchange, key = target(body)
            message = aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
            sends.append(exchange.publish(message, key))
        await asyncio.gather(*sends)
    await channel.close()


async def reopened(connection: aio_pika.abc.AbstractRobustConnection) -> bool:
    """The test's own robust connection is back after a broker restart (it retries every 5 s,
    so the worker can be ready before it is)."""
    return connection.transport is not None and not connection.is_closed and connection.connected.is_set()


async def queue_depth(connection: aio_pika.abc.AbstractConnection, name: str) -> int:
    """Messages ready in `name` (not those delivered and unacked)."""
    channel = await connection.channel()
    try:
        queue = await channel.declare_queue(name, passive=True)
        return queue.declaration_result.message_count or 0
    finally:
        await channel.close()


async def bind_capture(
    connection: aio_pika.abc.AbstractConnection, topology: Topology
) -> aio_pika.abc.AbstractQueue:
    """A durable queue `<prefix>capture` on istd.out: everything the worker publishes there stays."""
    channel = await connection.channel()
    out = await channel.declare_exchange(topology.out_exchange.name, type=aio_pika.ExchangeType.TOPIC,
                                         durable=True, arguments=topology.out_exchange.arguments)
    queue = await channel.declare_queue(f"{topology.prefix}capture", durable=True)
    await queue.bind(out, routing_key="#")
    return queue


async def take_all(queue: aio_pika.abc.AbstractQueue) -> list[aio_pika.abc.AbstractIncomingMessage]:
    """Every message in `queue` now (acked)."""
    taken = []
    while (message := await queue.get(no_ack=True, fail=False)) is not None:
        taken.append(message)
    return taken


# ---------------------------------------------------------------- what came out


_LOCAL = "//*[local-name()='{}']/text()"


def _first(root: etree._Element, name: str) -> str | None:
    found = root.xpath(_LOCAL.format(name))
    return str(found[0]) if isinstance(found, list) and found else None


@dataclass(frozen=True, slots=True)
class Published:
    """One message the worker put on istd.out: a retour (with IdentificatieRetour) or a forwarded 301/319."""

    routing_key: str
    message_id: str | None
    heen: str  # Afzender/Identificatie of the heen message (a retour copies it in its header)
    identificatie_retour: str | None
    body: bytes


def read_out(messages: Iterable[aio_pika.abc.AbstractIncomingMessage]) -> list[Published]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    found = []
    for message in messages:
        root = etree.fromstring(message.body, parser)
        heen = f"{_first(root, 'Afzender')}/{_first(root, 'Identificatie')}"
        found.append(Published(message.routing_key or "", message.message_id, heen,
                               _first(root, "IdentificatieRetour"), message.body))
    return found


_GENERATED = re.compile(rb"<(\w+:)?(IdentificatieRetour|DagtekeningRetour)>[^<]*<")


def without_generated(body: bytes) -> bytes:
    """A retour with the parts one run generates differently (its identification and date) blanked."""
    return _GENERATED.sub(rb"<\1\2><", body)


@dataclass(frozen=True, slots=True)
class Tally:
    retours: int  # retour publishes (with duplicates)
    distinct: int  # distinct retours (by IdentificatieRetour)
    heen_answered: int  # distinct heen messages answered
    heen_with_two_answers: int  # heen messages answered by two different retours: must be 0
    redelivered: int  # publishes of a retour already seen (same IdentificatieRetour and message_id)


def tally(published: Sequence[Published]) -> Tally:
    retours = [p for p in published if p.identificatie_retour is not None]
    answers: dict[str, set[str | None]] = {}
    for p in retours:
        answers.setdefault(p.heen, set()).add(p.identificatie_retour)
    distinct = {(p.identificatie_retour, p.message_id) for p in retours}
    return Tally(
        retours=len(retours), distinct=len({p.identificatie_retour for p in retours}),
        heen_answered=len(answers), heen_with_two_answers=sum(len(a) > 1 for a in answers.values()),
        redelivered=len(retours) - len(distinct),
    )


# ---------------------------------------------------------------- the register


async def scalar(url: str, sql: str) -> int:
    connection = await asyncpg.connect(url)
    try:
        return int(await connection.fetchval(sql) or 0)
    finally:
        await connection.close()


HEEN_IN = "SELECT count(*) FROM messages WHERE status <> 'sent'"  # every stored message but our retours
PENDING = "SELECT count(*) FROM outbox WHERE published_at IS NULL"
EXPECTED_RETOURS = "SELECT count(*) FROM retours WHERE direction = 'sent'"


async def per_message_max(url: str) -> dict[str, int]:
    """For each effect table, the most rows one message produced: 1 when every effect was applied once."""
    tables = {"allocation_versions": "message_id", "deliveries": "message_id", "requests": "message_id",
              "answers": "message_id", "retours": "heen_message_id"}
    found = {}
    for table, column in tables.items():
        per_message = f"SELECT count(*) AS n FROM {table} WHERE {column} IS NOT NULL GROUP BY {column}"
        found[table] = await scalar(url, f"SELECT coalesce(max(n), 0) FROM ({per_message}) AS per_message")
    return found


async def processed_at_least(url: str, count: int) -> bool:
    """At least `count` heen messages stored: the worker is consuming (again)."""
    return await scalar(url, HEEN_IN) >= count


async def drained(
    url: str, total: int, rabbit: aio_pika.abc.AbstractConnection, queues: Iterable[str] = ()
) -> bool:
    """All `total` messages stored, the outbox published and `queues` empty: the run is over."""
    if await scalar(url, HEEN_IN) < total or await scalar(url, PENDING) > 0:
        return False
    return all([await queue_depth(rabbit, queue) == 0 for queue in queues])


async def assert_each_once(url: str, total: int, counts: Tally) -> None:
    """Nothing lost, nothing twice: each message stored and applied once, each heen answered by one retour."""
    assert await scalar(url, HEEN_IN) == total  # every message stored, once (sha256 is unique)
    assert set((await per_message_max(url)).values()) <= {0, 1}  # no effect applied twice
    assert counts.distinct == counts.heen_answered == await scalar(url, EXPECTED_RETOURS)
    assert counts.heen_with_two_answers == 0
    assert counts.retours - counts.redelivered == counts.distinct  # extras: the same retour again


_SKIP = {"id", "public_id", "raw", "received_at", "created_at", "published_at", "updated_by_message_id"}
_REGISTER = ("messages", "clients", "allocations", "allocation_versions", "deliveries", "requests",
             "answers", "retours")


async def register_fingerprint(url: str) -> dict[str, Counter[tuple[Any, ...]]]:
    """The register as multisets of rows, ids replaced by what they stand for, generated values left out.

    A message is named by its sha256, a retour we built by the sha256 of its heen message (its own
    bytes carry a generated IdentificatieRetour), a client by BSN, an allocation by its number.
    """
    connection = await asyncpg.connect(url)
    try:
        names = await _message_names(connection)
        clients = {r[0]: r[1] for r in await connection.fetch("SELECT id, bsn FROM clients")}
        allocations = {r[0]: (r[1], r[2], r[3]) for r in await connection.fetch(
            "SELECT id, standard, gemeente, toewijzingnummer FROM allocations")}
        refs: Mapping[str, Mapping[Any, Any]] = {
            "messages": names, "clients": clients, "allocations": allocations}
        return {table: await _rows(connection, table, refs, names) for table in _REGISTER}
    finally:
        await connection.close()


async def _message_names(connection: Any) -> dict[int, str]:
    names = {r[0]: r[1] for r in await connection.fetch("SELECT id, sha256 FROM messages")}
    for heen, retour in await connection.fetch(
            "SELECT heen_message_id, retour_message_id FROM retours WHERE direction = 'sent'"):
        names[retour] = f"retour-of-{names[heen]}"
    return names


async def _rows(
    connection: Any, table: str, refs: Mapping[str, Mapping[Any, Any]], names: Mapping[int, str]
) -> Counter[tuple[Any, ...]]:
    columns = [c for c in Base.metadata.tables[table].columns if c.name not in _SKIP]
    rows = await connection.fetch(f"SELECT id, {', '.join(c.name for c in columns)} FROM {table}")
    generated = {"identificatie_retour", "identificatie", "sha256", "dagtekening"}
    result: Counter[tuple[Any, ...]] = Counter()
    for row in rows:
        ours = table == "messages" and names.get(row["id"], "").startswith("retour-of-")
        values: list[Any] = [names[row["id"]]] if table == "messages" else []
        for column in columns:
            value = row[column.name]
            target = next(iter(column.foreign_keys)).column.table.name if column.foreign_keys else None
            if target is not None and value is not None:
                value = refs[target][value]
            if column.name in generated and (ours or table == "retours"):
                value = None
            values.append(repr(value))
        result[tuple(values)] += 1
    return result


# ---------------------------------------------------------------- the worker process


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class WorkerProcess:
    """`istd worker` as a subprocess on its own prefix and database; its log goes to `log`."""

    def __init__(self, prefix: str, database_url: str, log: Path, **env: str) -> None:
        self.port = free_port()
        self.env = {**os.environ, "ISTD_BROKER__URL": RABBIT_URL, "ISTD_BROKER__PREFIX": prefix,
                    "ISTD_DATABASE__URL": database_url, "ISTD_HTTP__PORT": str(self.port), **env}
        self.log = log
        self.process: asyncio.subprocess.Process | None = None
        self.peak_rss_mb = 0.0

    async def start(self, *, within: float = 60) -> None:
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "gateway.cli.main", "worker", env=self.env, cwd=ROOT, stderr=log)
        await wait_until(self.ready, within=within)

    async def health(self) -> tuple[int, dict[str, Any]] | None:
        try:
            async with httpx.AsyncClient(timeout=5) as client:
                response = await client.get(f"http://127.0.0.1:{self.port}/health/ready")
        except httpx.TransportError:
            return None
        return response.status_code, response.json()

    async def ready(self) -> bool:
        answer = await self.health()
        return answer is not None and answer[0] == 200

    async def metric(self, name: str) -> float:
        """The sum of a Prometheus counter over all its label sets."""
        async with httpx.AsyncClient(timeout=5) as client:
            text = (await client.get(f"http://127.0.0.1:{self.port}/metrics")).text
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith(name) and not line.startswith("#"))

    def rss_mb(self) -> float:
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                value = int(line.split()[1]) / 1024
                self.peak_rss_mb = max(self.peak_rss_mb, value)
                return value
        return 0.0

    async def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self, *, within: float = 30) -> int:
        """SIGTERM and wait: the graceful exit code."""
        if self.process is None or self.process.returncode is not None:
            return self.process.returncode if self.process and self.process.returncode is not None else 0
        self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise


class Clock:
    """Seconds since creation, for the figures a test prints."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self) -> float:
        return round(time.monotonic() - self.started, 1)

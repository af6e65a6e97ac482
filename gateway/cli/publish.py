"""`istd publish PATH...`: put XML files on `istd.in`, persistent, with publisher confirms; prints a count."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from faststream.rabbit import RabbitBroker

from gateway import wire
from gateway.settings import Settings
from gateway.worker.app import StartupError, connect_broker
from gateway.worker.sharding import shard_of
from gateway.worker.topology import PUBLISHED_AT_HEADER, Topology

WINDOW = 256  # publishes in flight, awaiting their confirms


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("publish", help="publish XML files or directories of them to istd.in")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a .xml file or a directory")
    parser.add_argument("--broker", help="RabbitMQ URL (default: ISTD_BROKER__URL)")
    parser.set_defaults(handler=run)


def collect(paths: Iterable[Path]) -> list[Path]:
    """The files named, and every *.xml under the directories named, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".xml")
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"no such file or directory: {path}")
    return found


class _Progress:
    """`published 120/500` rewritten in place on a terminal; silent otherwise."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.enabled = sys.stderr.isatty()
        self.last = 0.0

    def show(self, done: int) -> None:
        now = time.monotonic()
        if self.enabled and (now - self.last > 0.1 or done == self.total):
            self.last = now
            print(f"\rpublished {done}/{self.total}", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.enabled:
            print(file=sys.stderr)


def broker_user(url: str) -> str:
    """The user the connection logs in as (AMQP's default `guest` when the URL names none)."""
    return unquote(urlsplit(url).username or "") or "guest"


def _read_all(paths: Sequence[Path]) -> list[bytes]:
    return [path.read_bytes() for path in paths]


async def _publish_one(
    broker: RabbitBroker, topology: Topology, body: bytes, user: str, max_bytes: int
) -> None:
    exchange, routing_key = topology.inbound_exchange, ""
    if topology.shards > 0:  # per-party order across workers: the shard comes from the document
        exchange = topology.shard_exchange
        routing_key = str(shard_of(body, topology.shards, max_bytes=max_bytes))
    await broker.publish(
        body, exchange=exchange, routing_key=routing_key, persist=True,
        content_type=wire.CONTENT_TYPE_XML, message_id=hashlib.sha256(body).hexdigest(),
        headers={PUBLISHED_AT_HEADER: time.time()},
        user_id=user,  # RabbitMQ checks it against the login: the worker's sender authentication
    )


async def publish(settings: Settings, files: Sequence[Path]) -> int:
    """Publish `files` in windows of confirmed publishes; returns how many the broker confirmed."""
    bs = settings.broker
    topology = Topology(prefix=bs.prefix, delivery_limit=bs.delivery_limit, shards=bs.shards)
    progress = _Progress(len(files))
    user = broker_user(settings.broker.url)
    async with RabbitBroker(settings.broker.url, apply_types=False) as broker:
        await connect_broker(broker, settings, topology)
        for start in range(0, len(files), WINDOW):
            window = files[start:start + WINDOW]
            limit = settings.parser.max_bytes
            # Read first, then publish: the publishes start in file order and the broker queues them
            # in that order (a client's 315 before the 301 that honours it).
            bodies = await asyncio.to_thread(_read_all, window)
            await asyncio.gather(*(_publish_one(broker, topology, body, user, limit) for body in bodies))
            progress.show(start + len(window))
    progress.close()
    return len(files)


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    if args.broker:
        settings.broker.url = args.broker
    try:
        files = collect(args.paths)
        count = asyncio.run(publish(settings, files))
    except (FileNotFoundError, StartupError) as exc:
        print(f"istd publish: {exc}", file=sys.stderr)
        return 1
    print(f"published {count} message(s) to {settings.broker.prefix}{wire.EXCHANGE_IN}")
    return 0

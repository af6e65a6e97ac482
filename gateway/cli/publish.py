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
from gateway.cli.common import (
    INTERRUPTED,
    CommandError,
    Interrupt,
    Progress,
    add_broker_option,
    collect_files,
    elapsed_since,
)
from gateway.settings import Settings
from gateway.worker.app import StartupError, connect_broker
from gateway.worker.connection import rabbit_broker
from gateway.worker.sharding import shard_of
from gateway.worker.topology import PUBLISHED_AT_HEADER, Topology

WINDOW = 256  # publishes in flight, awaiting their confirms


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "publish", help="publish XML files or directories of them to istd.in",
        description="Publish message files to istd.in (persistent, with publisher confirms), in the order "
                    "given; a directory contributes its *.xml files, recursively, in sorted order. "
                    "Ctrl-C stops after the window in hand is confirmed and says how many were published "
                    "(exit 130).")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a .xml file or a directory")
    add_broker_option(parser)
    parser.set_defaults(handler=run)


def collect(paths: Iterable[Path]) -> list[Path]:
    """The files named, and every *.xml under the directories named, in a stable order."""
    return collect_files(paths)


def broker_user(url: str) -> str:
    """The user the connection logs in as (AMQP's default `guest` when the URL names none)."""
    first = url.split(",")[0].strip()  # with several nodes, all take the same login
    return unquote(urlsplit(first).username or "") or "guest"


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


async def publish(settings: Settings, files: Sequence[Path], interrupt: Interrupt | None = None) -> int:
    """Publish `files` in windows of confirmed publishes; returns how many the broker confirmed.

    With an `interrupt`, stops between windows once it is requested (the window in hand is confirmed).
    """
    bs = settings.broker
    topology = Topology.from_settings(bs)
    progress = Progress(len(files), "published")
    user = broker_user(settings.broker.url)
    broker = rabbit_broker(settings.broker.url, apply_types=False)
    confirmed = 0
    try:
        await connect_broker(broker, settings, topology)
        for start in range(0, len(files), WINDOW):
            if interrupt is not None and interrupt.requested:
                break
            window = files[start:start + WINDOW]
            limit = settings.parser.max_bytes
            # Read first, then publish: the publishes start in file order and the broker queues them
            # in that order (a client's 315 before the 301 that honours it).
            bodies = await asyncio.to_thread(_read_all, window)
            await asyncio.gather(*(_publish_one(broker, topology, body, user, limit) for body in bodies))
            confirmed += len(window)
            progress.show(confirmed)
    finally:
        progress.close()
        await broker.stop()
    return confirmed


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    if args.broker:
        settings.broker.url = args.broker
    files = collect(args.paths)
    interrupt, started = Interrupt(), time.monotonic()
    try:
        with interrupt.armed():
            count = asyncio.run(publish(settings, files, interrupt))
    except StartupError as exc:
        raise CommandError(str(exc), exit_code=1) from None
    where = f"{settings.broker.prefix}{wire.EXCHANGE_IN}"
    if count < len(files):
        print(f"istd publish: interrupted: published {count} of {len(files)} message(s) to {where} in "
              f"{elapsed_since(started)}; the first {count} files in order were confirmed, the rest not sent",
              file=sys.stderr)
        return INTERRUPTED
    print(f"published {count} message(s) to {where}")
    return 0

"""`istd unrouted list|save|migrate`: what went to istd.out with no queue bound to receive it.

istd.out's alternate exchange keeps such messages (retours, forwarded 301/319) in the queue
istd.unrouted. `list` and `save` read the queue without taking anything out of it (the messages are
read unacknowledged and return when the connection closes) unless `save --remove` is given, which
acknowledges each message once its file is written. `migrate` re-creates an istd.out that an
earlier version declared without the alternate exchange.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from aio_pika.exceptions import AMQPError, ChannelNotFoundEntity, ChannelPreconditionFailed

from gateway.cli.common import add_broker_option
from gateway.codec.document import DocumentError, parse
from gateway.logs import redact_url
from gateway.settings import Settings
from gateway.worker.app import broker_refusal
from gateway.worker.connection import connect_first
from gateway.worker.topology import Topology

_SAFE_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "unrouted", help="read (or re-create) what istd.out could route to no queue: kept in istd.unrouted",
        description="Read what istd.out could route to no queue (kept in istd.unrouted by its alternate "
                    "exchange) without losing it, or re-create an istd.out of an earlier version with "
                    "that alternate exchange.",
    )
    add_broker_option(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list", help="position, id, routing key, message, size of each kept message",
        description="Position, id, routing key, message and size of each kept message (never its content).")
    save = actions.add_parser("save", help="write each kept message to DIR as an .xml file",
                              description="Write each kept message to DIR as an .xml file; with --remove "
                                          "take it out of the queue once its file is written.")
    save.add_argument("directory", metavar="DIR", type=Path)
    save.add_argument("--remove", action="store_true", help="take the saved messages out of the queue")
    migrate = actions.add_parser(
        "migrate", help="re-create istd.out with its alternate exchange (once, workers stopped)",
        description="Re-create istd.out with its alternate exchange (once, with the workers stopped).",
    )
    migrate.add_argument(
        "--force", action="store_true", help="also when queues are bound to istd.out (bindings are lost)",
    )
    for action in (listing, save, migrate):
        add_broker_option(action)
    parser.set_defaults(handler=run)


class MigrateRefused(RuntimeError):
    """istd.out has bindings and --force was not given."""


@dataclass(frozen=True, slots=True)
class Kept:
    """What `list` shows of one kept message: its type, never its content."""

    position: int
    message_id: str
    routing_key: str
    message: str
    size: int

    def file_name(self) -> str:
        stem = self.message_id if _SAFE_NAME.fullmatch(self.message_id) else "message"
        return f"{self.position:05d}-{stem}.xml"


def describe(position: int, message: AbstractIncomingMessage, max_bytes: int) -> Kept:
    try:
        name = parse(message.body, max_bytes=max_bytes).message_type.name
    except DocumentError as error:
        name = f"({error.verdict})"
    return Kept(position, message.message_id or "-", message.routing_key or "", name, len(message.body))


async def _read_all(channel: AbstractChannel, queue_name: str) -> list[AbstractIncomingMessage]:
    """Every message of the queue, unacknowledged: each returns to it unless acked before we disconnect."""
    queue = await channel.get_queue(queue_name, ensure=True)
    read: list[AbstractIncomingMessage] = []
    while (message := await queue.get(no_ack=False, fail=False)) is not None:
        read.append(message)
    return read


async def kept(settings: Settings, save_to: Path | None = None, *, remove: bool = False) -> list[Kept]:
    """The messages in istd.unrouted, in queue order; with `save_to` (a directory) each is written there."""
    topology = Topology(prefix=settings.broker.prefix)
    connection = await connect_first(settings.broker.url)
    try:
        channel = await connection.channel()
        messages = await _read_all(channel, topology.unrouted_queue.name)
        listed = [describe(n, m, settings.parser.max_bytes) for n, m in enumerate(messages, start=1)]
        if save_to is not None:
            for item, message in zip(listed, messages, strict=True):
                await asyncio.to_thread((save_to / item.file_name()).write_bytes, message.body)
                if remove:
                    await message.ack()
        return listed
    finally:
        await connection.close()  # what was not acked goes back to the queue, in its order


async def migrate(settings: Settings, *, force: bool = False) -> str:
    """Delete istd.out (only when nothing is bound to it, unless `force`) and declare it with its
    alternate exchange; returns the exchange's name. Idempotent: an up-to-date istd.out is left alone."""
    topology = Topology.from_settings(settings.broker)
    out, alternate = topology.out_exchange, topology.unrouted_exchange
    connection = await connect_first(settings.broker.url)
    try:
        channel = await connection.channel()
        try:
            await channel.declare_exchange(out.name, out.type.value, durable=True, arguments=out.arguments)
        except ChannelPreconditionFailed:
            channel = await connection.channel()  # the refusal closed the first one
            try:
                await channel.exchange_delete(out.name, if_unused=not force)
            except ChannelPreconditionFailed as exc:
                raise MigrateRefused(out.name) from exc
            channel = await connection.channel()
            await channel.declare_exchange(out.name, out.type.value, durable=True, arguments=out.arguments)
        await channel.declare_exchange(alternate.name, alternate.type.value, durable=True)
        queue = topology.unrouted_queue
        declared = await channel.declare_queue(queue.name, durable=True, arguments=queue.arguments)
        await declared.bind(alternate.name, routing_key="")
        return out.name
    finally:
        await connection.close()


def _table(items: Sequence[Kept]) -> str:
    lines = ["#\tid\trouting key\tmessage\tbytes"]
    lines += [f"{k.position}\t{k.message_id}\t{k.routing_key}\t{k.message}\t{k.size}" for k in items]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    if args.broker:
        settings.broker.url = args.broker
    queue = Topology(prefix=settings.broker.prefix).unrouted_queue.name
    logging.getLogger("aiormq").setLevel(logging.CRITICAL)  # its own line for a failed connect: one too many
    try:
        if args.action == "migrate":
            name = asyncio.run(migrate(settings, force=args.force))
            print(f"{name} now has alternate exchange {queue}; bind receivers' queues to it again")
            return 0
        save_to = args.directory if args.action == "save" else None
        if save_to is not None:
            save_to.mkdir(parents=True, exist_ok=True)
        items = asyncio.run(kept(settings, save_to, remove=getattr(args, "remove", False)))
    except MigrateRefused as exc:
        print(f"istd unrouted migrate: queues are bound to {exc}; note their bindings, then run it again "
              "with --force and bind them again", file=sys.stderr)
        return 1
    except ChannelNotFoundEntity as exc:
        where = redact_url(settings.broker.url)
        print(f"istd unrouted: RabbitMQ at {where} has no queue {queue}; start the worker "
              f"once to declare it ({type(exc).__name__})", file=sys.stderr)
        return 1
    except (AMQPError, OSError) as exc:
        print(f"istd unrouted: {broker_refusal(exc, settings.broker.url)}", file=sys.stderr)
        return 1
    if save_to is None:
        print(_table(items))
    else:
        verb = "moved" if args.remove else "copied"
        print(f"{verb} {len(items)} message(s) from {queue} to {save_to}")
    return 0

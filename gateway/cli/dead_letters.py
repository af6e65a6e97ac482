"""`istd dead-letters list|replay`: inspect parked messages, requeue them to `istd.in`; shows no content."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from aio_pika.exceptions import AMQPError, ChannelNotFoundEntity

from gateway.cli.common import add_broker_option
from gateway.cli.publish import broker_user
from gateway.codec.document import DocumentError, parse
from gateway.logs import redact_url
from gateway.settings import Settings
from gateway.worker.app import broker_refusal
from gateway.worker.connection import connect_first
from gateway.worker.topology import DELIVERY_COUNT_HEADER, ERROR_HEADER, Topology

_BROKER_HEADERS = ("x-death", "x-first-death-", "x-last-death-", DELIVERY_COUNT_HEADER, "x-istd-")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "dead-letters", help="list or replay messages parked in istd.dead",
        description="Inspect the messages parked in istd.dead (never their content) and requeue them "
                    "to istd.in.")
    add_broker_option(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list", help="position, id, message, size, attempts and reason of each parked message",
        description="Position, id, message, size, attempts and reason of each parked message.")
    replay = actions.add_parser(
        "replay", help="requeue parked messages to istd.in (all, or the IDs given)",
        description="Requeue parked messages to istd.in: all of them, or the IDs or positions given.")
    for action in (listing, replay):
        add_broker_option(action)
    replay.add_argument("ids", nargs="*", metavar="ID", help="message id or position from `list`")
    parser.set_defaults(handler=run)


@dataclass(frozen=True, slots=True)
class Parked:
    """What `list` shows of one parked message: nothing from inside the document but its type."""

    position: int
    message_id: str
    message: str
    size: int
    attempts: str
    reason: str

    def matches(self, wanted: set[str]) -> bool:
        return not wanted or self.message_id in wanted or str(self.position) in wanted


def _message_name(body: bytes, max_bytes: int) -> str:
    try:
        return parse(body, max_bytes=max_bytes).message_type.name
    except DocumentError as error:
        return f"({error.verdict})"


def describe(position: int, message: AbstractIncomingMessage, max_bytes: int) -> Parked:
    headers = message.headers or {}
    reason = _text(headers.get(ERROR_HEADER))
    if reason is None:
        reason = f"{_text(headers.get('x-first-death-reason')) or 'unknown'} (dead-lettered by RabbitMQ)"
    return Parked(
        position=position, message_id=message.message_id or "-",
        message=_message_name(message.body, max_bytes), size=len(message.body),
        attempts=_text(headers.get("x-istd-attempts")) or "-", reason=reason,
    )


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


async def _take_all(channel: AbstractChannel, queue_name: str) -> list[AbstractIncomingMessage]:
    """Every message in the queue, unacked: each returns to the queue unless acked before we disconnect."""
    queue = await channel.get_queue(queue_name, ensure=True)
    taken: list[AbstractIncomingMessage] = []
    while (message := await queue.get(no_ack=False, fail=False)) is not None:
        taken.append(message)
    return taken


def _fresh_headers(message: AbstractIncomingMessage) -> dict[str, Any]:
    headers = {k: v for k, v in (message.headers or {}).items() if not k.startswith(_BROKER_HEADERS)}
    headers["x-istd-replayed-at"] = datetime.now(UTC).isoformat(timespec="seconds")
    return headers


async def _replay(
    channel: AbstractChannel, topology: Topology, message: AbstractIncomingMessage, user: str
) -> None:
    exchange = await channel.get_exchange(topology.inbound_exchange.name, ensure=True)
    await exchange.publish(
        aio_pika.Message(
            message.body, headers=_fresh_headers(message), message_id=message.message_id,
            content_type=message.content_type, delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            user_id=user,  # sender authentication: the replaying user must be mapped to the message's party
        ),
        routing_key="",
    )
    await message.ack()  # only after the broker confirmed the copy on istd.in


async def dead_letters(settings: Settings, action: str, ids: Sequence[str] = ()) -> list[Parked]:
    """List, or replay (all or `ids`), the parked messages; returns those listed or replayed."""
    topology = Topology(prefix=settings.broker.prefix)
    connection = await connect_first(settings.broker.url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        messages = await _take_all(channel, topology.dead_queue.name)
        parked = [describe(i, m, settings.parser.max_bytes) for i, m in enumerate(messages, start=1)]
        if action == "list":
            return parked
        chosen = [(p, m) for p, m in zip(parked, messages, strict=True) if p.matches(set(ids))]
        for _, message in chosen:
            await _replay(channel, topology, message, broker_user(settings.broker.url))
        return [p for p, _ in chosen]
    finally:
        await connection.close()  # unacked (listed, not replayed) messages go back to the queue


def _table(parked: Sequence[Parked]) -> str:
    lines = ["#\tid\tmessage\tbytes\tattempts\treason"]
    lines += [
        f"{p.position}\t{p.message_id}\t{p.message}\t{p.size}\t{p.attempts}\t{p.reason}" for p in parked
    ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    if args.broker:
        settings.broker.url = args.broker
    # aiormq logs a failed connect itself ("error when creating transport"): a second line for the user.
    logging.getLogger("aiormq").setLevel(logging.CRITICAL)
    try:
        parked = asyncio.run(dead_letters(settings, args.action, getattr(args, "ids", ())))
    except ChannelNotFoundEntity:
        where = redact_url(settings.broker.url)
        print(f"istd dead-letters: RabbitMQ at {where} has no {topology_name(settings)} topology yet "
              "(start `istd worker` once, or check ISTD_BROKER__PREFIX)", file=sys.stderr)
        return 1
    except (AMQPError, OSError) as exc:
        print(f"istd dead-letters: {broker_refusal(exc, settings.broker.url)}", file=sys.stderr)
        return 1
    if args.action == "list":
        print(_table(parked))
    else:
        print(f"replayed {len(parked)} message(s) to {topology_name(settings)}")
    return 0


def topology_name(settings: Settings) -> str:
    return Topology(prefix=settings.broker.prefix).inbound_exchange.name

"""A page of outbox rows published in one write, with one wait for all their confirms.

aiormq's `basic_publish` sends one message and waits for its confirm: per row a task, a lock
round, a drain of the writer (a socket write of its own) and a timeout scope, about three quarters
of the outbox relay's CPU. Here the page's publishes are numbered under the channel's lock, the
frames of all of them go to the connection's writer as one payload, and each row's confirm is
awaited as a future, all at once. The bookkeeping is aiormq's own, as `basic_publish` keeps it:
`confirmations` (delivery tag -> future, resolved by the broker's basic.ack/nack, a multiple one
too) and `message_id_delivery_tag` (so a returned mandatory publish fails its row with
`PublishError`). aiormq is pinned (requirements.lock); tests/gateway/test_outbox_relay.py runs this
against RabbitMQ, a returned row included. While the connection is blocked (a resource alarm) the
wait is not timed out: aiormq sends the frames at the unblock in any case (gateway.worker.outbox).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from uuid import uuid4

import aiormq
import aiormq.exceptions
from aiormq.abc import ChannelFrame
from pamqp.commands import Basic
from pamqp.header import ContentHeader

from gateway.worker.connection import underlay_blocked
from gateway.worker.outbox import Pending, await_confirms

Outcome = BaseException | None  # None: the broker confirmed the row


class Unconfirmed(RuntimeError):
    """The broker did not confirm a publish (returned as unroutable, or refused)."""


async def publish_page(
    channel: aiormq.Channel, exchanges: Sequence[str], rows: Sequence[Pending], timeout_s: float
) -> list[Outcome]:
    """Publish `rows` (row i to exchange `exchanges[i]`) persistently and mandatory; per row its outcome.

    The properties are those FastStream's publisher sets (persistent, timestamp, correlation id).
    """
    now = datetime.now(UTC)
    frames: list[object] = []
    futures: list[asyncio.Future[object]] = []
    async with channel.lock:
        for exchange, row in zip(exchanges, rows, strict=True):
            properties = Basic.Properties(
                content_type=row.content_type, delivery_mode=2, message_id=row.message_id,
                correlation_id=str(uuid4()), timestamp=now,
            )
            channel.delivery_tag += 1
            tag = channel.delivery_tag
            future: asyncio.Future[object] = channel.create_future()
            channel.confirmations[tag] = future
            channel.message_id_delivery_tag[row.message_id] = tag
            future.add_done_callback(_forget(channel, row.message_id, tag))
            futures.append(future)
            frames.append(Basic.Publish(exchange=exchange, routing_key=row.routing_key, mandatory=True))
            frames.append(ContentHeader(properties=properties, body_size=len(row.body)))
            frames.extend(channel._split_body(row.body))  # aiormq's own split at the frame size
        # One payload for the page: the writer puts it on the socket in one go.
        channel.write_queue.put_nowait(ChannelFrame.marshall(channel.number, frames))  # type: ignore[arg-type]
    late = await await_confirms(futures, timeout_s, lambda: underlay_blocked(channel.connection))
    for future in late:
        future.cancel()  # a confirm that still comes is ignored by aiormq
    return [_outcome(future, row, timeout_s) for future, row in zip(futures, rows, strict=True)]


def _forget(channel: aiormq.Channel, message_id: str, tag: int) -> Callable[[asyncio.Future[object]], None]:
    def forget(_: asyncio.Future[object]) -> None:
        if channel.message_id_delivery_tag.get(message_id) == tag:
            channel.message_id_delivery_tag.pop(message_id)
    return forget


def _outcome(future: asyncio.Future[object], row: Pending, timeout_s: float) -> Outcome:
    if future.cancelled():
        return TimeoutError(f"no confirm within {timeout_s} s")
    error = future.exception()
    if isinstance(error, aiormq.exceptions.PublishError):
        return Unconfirmed(f"publish to {row.routing_key} was returned by the broker: no queue is bound")
    if error is not None:
        return error
    if type(future.result()).__name__ != "Ack":
        return Unconfirmed(f"publish to {row.routing_key} was not confirmed by the broker")
    return None

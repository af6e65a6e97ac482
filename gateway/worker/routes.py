"""Broker routes: the `istd.in` subscriber `on_message`, and the documented publishers (outbox, parking).

`on_message` hands the raw bytes to the micro-batcher and waits for the batch. The batch settles its
deliveries itself once it committed (`Settlement`): ack, or nack with requeue so the quorum queue
counts the delivery. The message type comes from the document, never from the routing key or headers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import aio_pika.abc
import aiormq.abc
import aiormq.exceptions
from faststream import AckPolicy
from faststream.message import StreamMessage
from faststream.rabbit import RabbitBroker, RabbitExchange
from faststream.rabbit.publisher import RabbitPublisher
from faststream.rabbit.subscriber import RabbitSubscriber
from pamqp.commands import Basic

from gateway.logs import describe_exception, fields, get_logger
from gateway.worker.batcher import Batcher
from gateway.worker.outbox import Pending
from gateway.worker.pipeline import Delivery, Verdict
from gateway.worker.topology import DELIVERY_COUNT_HEADER, ERROR_HEADER, Topology

log = get_logger("worker")
_IN_DESCRIPTION = (
    "iWmo 3.2 / iJw 3.2 XML documents (heen messages from providers, the municipality's own 301/319, "
    "retours on messages we sent). The message type is read from the document's namespace and "
    "BerichtCode; routing key and headers are ignored."
)
_OUT_DESCRIPTION = (
    "Retours we build (302/306/308/316/318/320) and the municipality's 301/319 that passed pre-flight, "
    "as XML; routing key `<ontvanger>.<message>` (e.g. `87654321.wmo306`); persistent, with confirms."
)
_ERRORS_DESCRIPTION = (
    "JSON error reports for documents that get no retour (not XML, XSD-invalid, unsupported) or were "
    "refused; routing key `<outcome>.<message>` (e.g. `rejected.wmo301`). No personal data."
)
_DEAD_DESCRIPTION = (
    "Deliveries whose processing raised on every allowed attempt, with the reason in header "
    f"`{ERROR_HEADER}`; messages the queue dead-lettered itself carry `x-death` instead."
)


@dataclass(frozen=True, slots=True)
class Publishers:
    """The long-lived, AsyncAPI-documented publishers of the worker."""

    topology: Topology
    out: RabbitPublisher
    errors: RabbitPublisher
    dead: RabbitPublisher
    # Outbox wire name -> (exchange, publisher), built once: `Topology.exchange_for` makes new
    # exchange objects on every call, and FastStream hashes each one to find its declared twin.
    _routes: dict[str, tuple[RabbitExchange, RabbitPublisher]] = field(default_factory=dict)
    # With a real connection: a confirming channel of the relay's own (see `open`).
    _channel: list[aio_pika.abc.AbstractChannel] = field(default_factory=list)

    async def open(self, connection: object) -> None:
        """Give the outbox its own confirming channel when `connection` is a real one.

        Rows then go to aiormq as they are: FastStream's publisher builds an aio-pika Message (two
        dozen attribute writes), a command and a middleware chain per row, a fifth of the relay's
        time. In memory (TestRabbitBroker, no connection) rows keep going through FastStream.
        """
        if isinstance(connection, aio_pika.abc.AbstractConnection) and not self._channel:
            self._channel.append(await connection.channel(publisher_confirms=True, on_return_raises=True))

    async def close(self) -> None:
        while self._channel:
            await self._channel.pop().close()

    async def publish_row(self, row: Pending) -> None:
        """Publish one outbox row persistently; returns once the broker confirmed it."""
        route = self._routes.get(row.exchange)
        if route is None:
            exchange = self.topology.exchange_for(row.exchange)
            publisher = self.errors if exchange.name == self.topology.errors_exchange.name else self.out
            route = self._routes[row.exchange] = (exchange, publisher)
        exchange, publisher = route
        if self._channel:
            await self._publish_direct(self._channel[0], exchange.name, row)
            return
        confirm = await publisher.publish(
            row.body, exchange=exchange, routing_key=row.routing_key, persist=True,
            content_type=row.content_type, message_id=row.message_id,
        )
        _require_ack(confirm, row.routing_key)

    @staticmethod
    async def _publish_direct(channel: aio_pika.abc.AbstractChannel, exchange: str, row: Pending) -> None:
        """The properties FastStream's publisher sets (persistent, timestamp, correlation id), mandatory."""
        properties = Basic.Properties(
            content_type=row.content_type, delivery_mode=2, message_id=row.message_id,
            correlation_id=str(uuid4()), timestamp=datetime.now(UTC),
        )
        underlay = await channel.get_underlay_channel()
        try:
            confirm = await underlay.basic_publish(
                row.body, exchange=exchange, routing_key=row.routing_key, properties=properties,
                mandatory=True,
            )
        except aiormq.exceptions.PublishError as exc:  # returned: no queue is bound for the routing key
            raise Unconfirmed(f"publish to {row.routing_key} was returned by the broker") from exc
        _require_ack(confirm, row.routing_key)

    async def park(self, delivery: Delivery, reason: str) -> None:
        """Put a delivery that kept failing into the dead-letter queue, with the reason as a header."""
        headers = {k: v for k, v in delivery.headers.items() if k != DELIVERY_COUNT_HEADER}
        headers[ERROR_HEADER] = reason
        headers["x-istd-attempts"] = delivery.delivery_count + 1
        headers["x-istd-parked-at"] = datetime.now(UTC).isoformat(timespec="seconds")
        confirm = await self.dead.publish(
            delivery.body, persist=True, message_id=delivery.message_id, headers=headers,  # type: ignore[arg-type]
        )
        _require_ack(confirm, "dead-letter")


class Unconfirmed(RuntimeError):
    """The broker did not confirm a publish (returned as unroutable)."""


def _require_ack(confirm: object, where: str) -> None:
    # With publisher confirms, a delivered publish answers Basic.Ack; a mandatory message nobody
    # could take comes back as the returned message instead. In memory (TestRabbitBroker) it is None.
    if confirm is None or type(confirm).__name__ == "Ack":
        return
    raise Unconfirmed(f"publish to {where} was returned by the broker: no queue is bound for it")


def declare_publishers(broker: RabbitBroker, topology: Topology) -> Publishers:
    out = broker.publisher(
        exchange=topology.out_exchange, routing_key="{ontvanger}.{message}", persist=True,
        title=f"{topology.out_exchange.name}:publish", description=_OUT_DESCRIPTION, schema=bytes,
    )
    errors = broker.publisher(
        exchange=topology.errors_exchange, routing_key="{outcome}.{message}", persist=True,
        title=f"{topology.errors_exchange.name}:publish", description=_ERRORS_DESCRIPTION,
        schema=dict[str, Any],
    )
    dead = broker.publisher(
        exchange=topology.dead_exchange, persist=True,
        title=f"{topology.dead_exchange.name}:publish", description=_DEAD_DESCRIPTION, schema=bytes,
    )
    return Publishers(topology=topology, out=out, errors=errors, dead=dead)


async def _raw_body(message: StreamMessage[Any]) -> bytes:
    # The body as it came: never decoded by content type (the document says what it is).
    body: bytes = message.body
    return body


def delivery_of(body: bytes, message: StreamMessage[Any]) -> Delivery:
    """The transport facts of a delivery; RabbitMQ's quorum queue sets `x-delivery-count` from 0."""
    headers = dict(message.headers or {})
    count = headers.get(DELIVERY_COUNT_HEADER, 0)
    return Delivery(
        body=body,
        delivery_count=count if isinstance(count, int) else 0,
        message_id=message.message_id,
        headers=headers,
        user_id=getattr(message.raw_message, "user_id", None),  # validated by RabbitMQ: sender authentication
        transport=message,
    )


RunBatch = Callable[[Sequence[Delivery]], Awaitable[Sequence[Verdict]]]


class _Tags:
    """One channel's delivery tags: all up to `through` are settled, and these above it too."""

    __slots__ = ("above", "through")
    _MAX_ABOVE = 65_536  # settled above a gap that never closes (a delivery that never reached us)

    def __init__(self) -> None:
        self.through = 0  # RabbitMQ numbers a channel's deliveries 1, 2, 3 ... without gaps
        self.above: set[int] = set()

    def settled(self, tags: Sequence[int]) -> None:
        if self.through < 0:  # given up on this channel: its deliveries are acked one by one
            return
        self.above.update(tags)
        while self.through + 1 in self.above:
            self.through += 1
            self.above.discard(self.through)
        if len(self.above) > self._MAX_ABOVE:
            self.through, self.above = -1, set()  # tag 0 is never settled: no multiple ack from now on


class Settlement:
    """Settles a committed batch: nacks one by one, then one `basic.ack multiple` per channel if exact.

    A multiple ack settles every unsettled delivery up to its tag on the channel. Tags are consecutive
    per channel, so it is used only when every tag between the last settled one and the batch's
    highest is settled already or acked by this batch; otherwise each delivery is acked on its own.
    Settling on a channel that closed meanwhile fails harmlessly: the broker has returned those
    deliveries to the queue, and they come back as duplicates, recognised by their sha256.
    In memory (TestRabbitBroker) there is no channel: each message is settled through FastStream.
    """

    _CHANNELS = 8  # channels remembered; older ones closed long ago (reconnects)

    def __init__(self) -> None:
        self._channels: dict[int, tuple[aiormq.abc.AbstractChannel, _Tags]] = {}

    def around(self, run: RunBatch) -> Callable[[Sequence[Delivery]], Awaitable[list[Verdict]]]:
        """`run`, followed by settling its deliveries (the batcher runs this)."""

        async def run_and_settle(deliveries: Sequence[Delivery]) -> list[Verdict]:
            verdicts = list(await run(deliveries))
            await self.settle(deliveries, verdicts)
            return verdicts

        return run_and_settle

    async def settle(self, deliveries: Sequence[Delivery], verdicts: Sequence[Verdict]) -> None:
        by_channel: dict[int, tuple[aiormq.abc.AbstractChannel, list[tuple[int, Verdict]]]] = {}
        for delivery, verdict in zip(deliveries, verdicts, strict=True):
            message = delivery.transport
            if not isinstance(message, StreamMessage):
                continue
            found = _channel_and_tag(message)
            if found is None:
                await self.settle_one(message, verdict)
                continue
            channel, tag = found
            by_channel.setdefault(id(channel), (channel, []))[1].append((tag, verdict))
        for channel, settled in by_channel.values():
            try:
                await self._on_channel(channel, settled)
            except Exception as exc:  # noqa: BLE001 - the broker returns unsettled deliveries to the queue
                self._channels.pop(id(channel), None)
                log.warning("settling deliveries failed; the broker redelivers them",
                            extra=fields(error=describe_exception(exc)))

    async def settle_one(self, message: StreamMessage[Any], verdict: Verdict) -> None:
        """One delivery on its own (outside a batch, or in memory)."""
        found = _channel_and_tag(message)
        try:
            if found is not None:
                channel, tag = found
                await self._on_channel(channel, [(tag, verdict)])
            elif verdict is Verdict.ACK:
                await message.ack()
            else:
                await message.nack()  # a RabbitMessage requeues by default
        except Exception as exc:  # noqa: BLE001 - as in `settle`
            log.warning("settling a delivery failed; the broker redelivers it",
                        extra=fields(error=describe_exception(exc)))

    async def _on_channel(
        self, channel: aiormq.abc.AbstractChannel, settled: list[tuple[int, Verdict]]
    ) -> None:
        tags = self._tags(channel)
        acks = [tag for tag, verdict in settled if verdict is Verdict.ACK]
        for tag, verdict in settled:
            if verdict is not Verdict.ACK:
                await channel.basic_nack(tag, multiple=False, requeue=True)
                tags.settled((tag,))
        if not acks:
            return
        top, mine = max(acks), set(acks)
        if all(tag in mine or tag in tags.above for tag in range(tags.through + 1, top + 1)):
            await channel.basic_ack(top, multiple=True)
        else:
            for tag in acks:
                await channel.basic_ack(tag)
        tags.settled(acks)

    def _tags(self, channel: aiormq.abc.AbstractChannel) -> _Tags:
        known = self._channels.get(id(channel))
        if known is not None and known[0] is channel:
            return known[1]
        if len(self._channels) >= self._CHANNELS:
            del self._channels[next(iter(self._channels))]
        tags = _Tags()
        self._channels[id(channel)] = (channel, tags)
        return tags


def _channel_and_tag(message: StreamMessage[Any]) -> tuple[aiormq.abc.AbstractChannel, int] | None:
    """The open AMQP channel and delivery tag of a real delivery; None in memory or once closed."""
    raw = message.raw_message
    tag = getattr(raw, "delivery_tag", None)
    try:
        channel = raw.channel
    except Exception:  # noqa: BLE001 - aio-pika raises once the channel closed
        return None
    if not isinstance(channel, aiormq.abc.AbstractChannel) or not isinstance(tag, int) or tag < 1:
        return None
    return channel, tag


def register_routes(
    broker: RabbitBroker,
    topology: Topology,
    batcher: Batcher[Delivery, Verdict],
    settlement: Settlement,
    shard_ids: Sequence[int] = (),
) -> tuple[RabbitSubscriber, ...]:
    """Subscribe `on_message` to the inbound quorum queue and to the shard queues `shard_ids`.

    Acking is manual: the batch settles its deliveries (`Settlement`), so FastStream adds no
    acknowledgement step per message. Returns the subscribers, the inbound one first (the app stops
    them before the batcher).
    """
    queues = ((topology.inbound_queue, topology.inbound_exchange),
              *((topology.shard_queue(n), topology.shard_exchange) for n in shard_ids))
    subscribers = tuple(
        broker.subscriber(
            queue, exchange, ack_policy=AckPolicy.MANUAL, decoder=_raw_body,
            title=f"{queue.name}:on_message", description=_IN_DESCRIPTION,
        )
        for queue, exchange in queues
    )
    context = broker.context

    async def on_message(body: bytes) -> None:
        # The payload is annotated as what it is (bytes, also in AsyncAPI); the delivery's headers
        # come from FastStream's per-message context. A returned verdict was settled with its batch.
        message = context.get_local("message")
        try:
            await batcher.submit(delivery_of(body, message))
        except Exception:
            # Not settled: the batcher had stopped, or the batch raised. (Cancelled while waiting, the
            # delivery is still in its batch, which settles it.)
            await settlement.settle_one(message, Verdict.RETRY)
            raise

    for subscriber in subscribers:
        subscriber(on_message)
    return subscribers

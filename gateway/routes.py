"""Broker routes: the `istd.in` subscriber `on_message`, and the documented publishers (outbox, parking).

`on_message` hands the raw bytes to the micro-batcher and settles the delivery from the batch's
verdict: ack after the commit, or raise FastStream's `NackMessage` (requeue) so the quorum queue
counts the delivery. The message type comes from the document, never from the routing key or headers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from faststream import AckPolicy
from faststream.exceptions import NackMessage
from faststream.message import StreamMessage
from faststream.rabbit import RabbitBroker, RabbitExchange
from faststream.rabbit.publisher import RabbitPublisher
from faststream.rabbit.subscriber import RabbitSubscriber

from gateway.batching import Batcher
from gateway.outbox import Pending
from gateway.pipeline import Delivery, Verdict
from gateway.topology import DELIVERY_COUNT_HEADER, ERROR_HEADER, Topology

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

    async def publish_row(self, row: Pending) -> None:
        """Publish one outbox row persistently; returns once the broker confirmed it."""
        route = self._routes.get(row.exchange)
        if route is None:
            exchange = self.topology.exchange_for(row.exchange)
            publisher = self.errors if exchange.name == self.topology.errors_exchange.name else self.out
            route = self._routes[row.exchange] = (exchange, publisher)
        exchange, publisher = route
        confirm = await publisher.publish(
            row.body, exchange=exchange, routing_key=row.routing_key, persist=True,
            content_type=row.content_type, message_id=row.message_id,
        )
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
    )


def register_routes(
    broker: RabbitBroker,
    topology: Topology,
    batcher: Batcher[Delivery, Verdict],
    shard_ids: Sequence[int] = (),
) -> tuple[RabbitSubscriber, ...]:
    """Subscribe `on_message` to the inbound quorum queue and to the shard queues `shard_ids`.

    Returns the subscribers, the inbound one first (the app stops them before the batcher).
    """
    queues = ((topology.inbound_queue, topology.inbound_exchange),
              *((topology.shard_queue(n), topology.shard_exchange) for n in shard_ids))
    subscribers = tuple(
        broker.subscriber(
            queue, exchange, ack_policy=AckPolicy.NACK_ON_ERROR, decoder=_raw_body,
            title=f"{queue.name}:on_message", description=_IN_DESCRIPTION,
        )
        for queue, exchange in queues
    )
    context = broker.context

    async def on_message(body: bytes) -> None:
        # The payload is annotated as what it is (bytes, also in AsyncAPI); the delivery's headers
        # come from FastStream's per-message context.
        verdict = await batcher.submit(delivery_of(body, context.get_local("message")))
        if verdict is Verdict.RETRY:
            raise NackMessage(requeue=True)

    for subscriber in subscribers:
        subscriber(on_message)
    return subscribers

"""The `istd.in` subscriber: `on_message` hands the raw bytes to the micro-batcher and waits for the batch.

These FastStream subscribers document the queues in AsyncAPI and consume in memory (TestRabbitBroker);
with a real connection the worker consumes through gateway.worker.consumer instead (cheaper per delivery).

The batch settles its deliveries itself once it committed (gateway.worker.settlement). The message
type comes from the document, never from the routing key or headers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from faststream import AckPolicy
from faststream.message import StreamMessage
from faststream.rabbit import RabbitBroker
from faststream.rabbit.subscriber import RabbitSubscriber

from gateway.worker.batcher import Batcher, BatcherClosed
from gateway.worker.pipeline import Delivery, Verdict
from gateway.worker.settlement import Settlement
from gateway.worker.topology import DELIVERY_COUNT_HEADER, Topology

_IN_DESCRIPTION = (
    "iWmo 3.2 / iJw 3.2 XML documents (heen messages from providers, the municipality's own 301/319, "
    "retours on messages we sent). The message type is read from the document's namespace and "
    "BerichtCode; routing key and headers are ignored."
)


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
        except BatcherClosed:
            # Never in a batch, so not settled. (A batch that raised settled its deliveries itself;
            # cancelled while waiting, the delivery is still in its batch, which settles it.)
            await settlement.settle_one(message, Verdict.RETRY)
            raise

    for subscriber in subscribers:
        subscriber(on_message)
    return subscribers

"""The direct consumer: `istd.in` and the shard queues read with aiormq's basic.consume, into the batcher.

With a real RabbitMQ connection the worker does not consume through FastStream's subscriber: that
costs, per delivery, an aio-pika message object, a handler task, a StreamMessage, a context scope
and a middleware chain, about a third of the worker's CPU. Here a delivery becomes a `Delivery` in
one small callback and joins the next batch; the batch settles it after its commit
(gateway.worker.settlement), exactly as before. FastStream keeps the app, the AsyncAPI document
(the subscribers stay registered) and the in-memory test broker, which still goes through
`gateway.worker.subscriber`.

The consuming channel is a robust aio-pika channel: after a reconnect it is reopened with its
prefetch, and `_subscribe` runs again on the new underlying channel. Deliveries of the old channel
that were not settled went back to the queue with it; settling them later fails harmlessly.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import aio_pika.abc
import aiormq.abc

from gateway.logs import describe_exception, fields, get_logger
from gateway.processing.stages import STAGES
from gateway.worker.batcher import Batcher, BatcherClosed
from gateway.worker.pipeline import Delivery, Verdict
from gateway.worker.settlement import Received, Settlement
from gateway.worker.topology import DELIVERY_COUNT_HEADER

log = get_logger("worker")


class DirectConsumer:
    """Consumes `queues` on one channel with `prefetch` unacknowledged deliveries at most."""

    def __init__(
        self, batcher: Batcher[Delivery, Verdict], settlement: Settlement, queues: Sequence[str],
        prefetch: int,
    ) -> None:
        self._batcher = batcher
        self._settlement = settlement
        self._queues = tuple(queues)
        self._prefetch = prefetch
        self._channel: aio_pika.abc.AbstractChannel | None = None
        self._consumers: list[tuple[aiormq.abc.AbstractChannel, str]] = []
        self._stopped = False

    async def start(self, connection: aio_pika.abc.AbstractConnection) -> None:
        channel = self._channel = await connection.channel()
        await channel.set_qos(prefetch_count=self._prefetch)
        reopened = getattr(channel, "reopen_callbacks", None)  # a robust channel (connect_robust)
        if reopened is not None:
            reopened.add(self._reopened)
        await self._subscribe()

    async def cancel(self) -> None:
        """Stop receiving; deliveries in hand stay with their batch."""
        self._stopped = True
        consumers, self._consumers = self._consumers, []
        for underlay, tag in consumers:
            with contextlib.suppress(Exception):  # a closed channel consumes nothing anyway
                await underlay.basic_cancel(tag)

    async def close(self) -> None:
        """Close the channel (after the last batch settled): anything unsettled returns to the queue."""
        self._stopped = True
        channel, self._channel = self._channel, None
        if channel is not None:
            with contextlib.suppress(Exception):
                await channel.close()

    async def _subscribe(self) -> None:
        assert self._channel is not None
        underlay = await self._channel.get_underlay_channel()
        self._consumers = []
        for queue in self._queues:
            ok = await underlay.basic_consume(queue, self._on_delivery)
            self._consumers.append((underlay, str(ok.consumer_tag)))

    async def _reopened(self, *_: object) -> None:
        if self._stopped:
            return
        try:
            await self._subscribe()
        except Exception as exc:
            log.error("consuming again after a reconnect failed", extra=fields(error=describe_exception(exc)))
            raise
        log.info("consuming again after a reconnect", extra=fields(queues=len(self._queues)))

    async def _on_delivery(self, message: aiormq.abc.DeliveredMessage) -> None:
        with STAGES.timed("receive"):
            delivery = self._delivery(message)
            try:
                self._batcher.offer(delivery)
                return
            except BatcherClosed:  # stopping: back to the queue, uncounted work for the next worker
                pass
        await self._settlement.settle([delivery], [Verdict.RETRY])

    @staticmethod
    def _delivery(message: aiormq.abc.DeliveredMessage) -> Delivery:
        properties = message.header.properties
        headers: dict[str, object] = dict(properties.headers or {})
        count = headers.get(DELIVERY_COUNT_HEADER, 0)
        tag = message.delivery_tag
        return Delivery(
            body=message.body,
            delivery_count=count if isinstance(count, int) else 0,
            message_id=properties.message_id,
            headers=headers,
            user_id=properties.user_id,  # validated by RabbitMQ: sender authentication
            transport=Received(message.channel, tag if isinstance(tag, int) else 0),
        )

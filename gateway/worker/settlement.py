"""Settling deliveries once their batch committed: ack, or nack with requeue (the quorum queue counts it).

A batch that raises settles all its deliveries with a requeue. A delivery comes either from the
direct consumer (`Received`: channel and tag) or through FastStream (a StreamMessage, in memory).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aiormq.abc
from faststream.message import StreamMessage

from gateway.logs import describe_exception, fields, get_logger
from gateway.processing.stages import STAGES
from gateway.worker.pipeline import Delivery, Verdict

log = get_logger("worker")


RunBatch = Callable[[Sequence[Delivery]], Awaitable[Sequence[Verdict]]]


@dataclass(frozen=True, slots=True)
class Received:
    """Where a delivery from the direct consumer (gateway.worker.consumer) came from: what settling needs."""

    channel: aiormq.abc.AbstractChannel
    delivery_tag: int


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
            try:
                verdicts = list(await run(deliveries))
            except Exception:
                await self.settle(deliveries, [Verdict.RETRY] * len(deliveries))
                raise
            await self.settle(deliveries, verdicts)
            return verdicts

        return run_and_settle

    async def settle(self, deliveries: Sequence[Delivery], verdicts: Sequence[Verdict]) -> None:
        with STAGES.timed("settle"):
            await self._settle(deliveries, verdicts)

    async def _settle(self, deliveries: Sequence[Delivery], verdicts: Sequence[Verdict]) -> None:
        by_channel: dict[int, tuple[aiormq.abc.AbstractChannel, list[tuple[int, Verdict]]]] = {}
        for delivery, verdict in zip(deliveries, verdicts, strict=True):
            message = delivery.transport
            if isinstance(message, Received):
                channel, tag = message.channel, message.delivery_tag
            elif isinstance(message, StreamMessage):
                found = _channel_and_tag(message)
                if found is None:
                    await self.settle_one(message, verdict)
                    continue
                channel, tag = found
            else:
                continue
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

"""Settling a batch: one multiple ack only where it cannot touch a delivery outside the batch."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from unittest import mock

import aiormq.abc
import pytest
from faststream.message import StreamMessage

from gateway.worker.pipeline import Delivery, Verdict
from gateway.worker.settlement import Settlement, _Tags

ACK, RETRY = Verdict.ACK, Verdict.RETRY


def _channel() -> Any:
    channel = mock.Mock(spec=aiormq.abc.AbstractChannel)
    channel.basic_ack, channel.basic_nack = mock.AsyncMock(), mock.AsyncMock()
    return channel


def _delivery(channel: Any, tag: int) -> Delivery:
    raw = SimpleNamespace(channel=channel, delivery_tag=tag)
    return Delivery(b"<x/>", transport=StreamMessage(raw, b"<x/>"))


def _frames(channel: Any) -> list[tuple[str, int, bool]]:
    return [(name.removeprefix("basic_"), call.args[0], call.kwargs.get("multiple", False))
            for name, call in ((c[0], c) for c in channel.mock_calls)]


async def test_a_batch_that_follows_the_settled_tags_is_acked_with_one_frame() -> None:
    channel, settlement = _channel(), Settlement()
    await settlement.settle([_delivery(channel, t) for t in (1, 2, 3)], [ACK, ACK, ACK])
    await settlement.settle([_delivery(channel, t) for t in (4, 5)], [ACK, ACK])
    assert _frames(channel) == [("ack", 3, True), ("ack", 5, True)]


async def test_a_nack_goes_first_and_on_its_own() -> None:
    channel, settlement = _channel(), Settlement()
    await settlement.settle([_delivery(channel, t) for t in (1, 2, 3)], [ACK, RETRY, ACK])
    assert _frames(channel) == [("nack", 2, False), ("ack", 3, True)]


async def test_a_gap_below_the_batch_means_one_ack_per_delivery() -> None:
    channel, settlement = _channel(), Settlement()
    # Tag 1 is still being processed (not in this batch): a multiple ack of 3 would settle it too.
    await settlement.settle([_delivery(channel, t) for t in (2, 3)], [ACK, ACK])
    assert _frames(channel) == [("ack", 2, False), ("ack", 3, False)]
    # Once 1 is settled, everything up to 3 is, and the next batch may ack multiple again.
    await settlement.settle([_delivery(channel, 1)], [ACK])
    await settlement.settle([_delivery(channel, t) for t in (4, 5)], [ACK, ACK])
    assert _frames(channel)[2:] == [("ack", 1, True), ("ack", 5, True)]


async def test_a_gap_that_never_closes_ends_the_tracking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_Tags, "_MAX_ABOVE", 3)
    channel, settlement = _channel(), Settlement()
    tags = settlement._tags(channel)
    await settlement.settle([_delivery(channel, t) for t in (2, 3, 4, 5)], [ACK] * 4)  # 1 never comes
    assert (tags.through, tags.above) == (-1, set())
    await settlement.settle([_delivery(channel, t) for t in (6, 7)], [ACK, ACK])
    assert _frames(channel)[-2:] == [("ack", 6, False), ("ack", 7, False)]


async def test_each_channel_is_settled_on_its_own_tags() -> None:
    old, new, settlement = _channel(), _channel(), Settlement()
    await settlement.settle([_delivery(old, 1), _delivery(new, 1), _delivery(new, 2)], [ACK, ACK, ACK])
    assert _frames(old) == [("ack", 1, True)]
    assert _frames(new) == [("ack", 2, True)]


async def test_a_closed_channel_does_not_stop_the_others() -> None:
    closed, open_, settlement = _channel(), _channel(), Settlement()
    closed.basic_ack.side_effect = aiormq.exceptions.ChannelInvalidStateError("closed")
    await settlement.settle([_delivery(closed, 1), _delivery(open_, 1)], [ACK, ACK])
    assert _frames(open_) == [("ack", 1, True)]


async def test_in_memory_messages_are_settled_through_faststream() -> None:
    message = mock.AsyncMock(spec=StreamMessage)
    message.raw_message = SimpleNamespace(delivery_tag=None)
    deliveries = [Delivery(b"", transport=message), Delivery(b"", transport=message)]
    await Settlement().settle(deliveries, [ACK, RETRY])
    assert [c[0] for c in message.mock_calls] == ["ack", "nack"]

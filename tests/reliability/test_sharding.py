"""The shard of a document (its two parties); `istd publish` routing to shard queues."""

from __future__ import annotations

from pathlib import Path

import aio_pika
import pytest

from gateway.cli.publish import publish
from gateway.worker.sharding import parse_shard_ids, partition_key, shard_of
from tests.kit.reliability import declare, queue_depth
from tests.kit.services import make_settings
from tests.kit.traffic import Traffic

LIMIT = 25 * 1024 * 1024


def test_every_message_of_one_client_case_has_the_same_shard_whoever_sends_it() -> None:
    traffic = Traffic(seed=1)
    for index in range(8):
        case = traffic.case(index)  # 315, 301, 305, 307, 317 from the provider; 301, 319 from the gemeente
        keys = {partition_key(body, max_bytes=LIMIT) for body in case}
        assert len(keys) == 1
        assert keys.pop().count("|") == 1
        assert len({shard_of(body, 4, max_bytes=LIMIT) for body in case}) == 1


def test_a_document_whose_header_cannot_be_read_goes_to_shard_0() -> None:
    assert partition_key(b"not xml", max_bytes=LIMIT) == ""
    assert shard_of(b"<a><b/></a>", 4, max_bytes=LIMIT) == shard_of(b"", 4, max_bytes=LIMIT)


def test_shard_ids_are_checked_against_the_number_of_shards() -> None:
    assert parse_shard_ids("", 3) == (0, 1, 2)
    assert parse_shard_ids("2, 0", 4) == (0, 2)
    with pytest.raises(ValueError, match=r"outside 0\.\.3"):
        parse_shard_ids("4", 4)


@pytest.mark.rabbitmq
async def test_istd_publish_routes_each_file_to_the_shard_of_its_parties(
    prefix: str, rabbit: aio_pika.abc.AbstractRobustConnection, tmp_path: Path
) -> None:
    settings = make_settings("sqlite:///unused", prefix, shards=4)
    topology = await declare(settings)
    bodies = list(Traffic(seed=2).messages(48))
    files = []
    for n, body in enumerate(bodies):
        files.append(tmp_path / f"{n}.xml")
        files[-1].write_bytes(body)
    assert await publish(settings, files) == len(bodies)
    expected = [sum(shard_of(b, 4, max_bytes=LIMIT) == n for b in bodies) for n in range(4)]
    assert [await queue_depth(rabbit, q.name) for q in topology.shard_queues()] == expected
    assert await queue_depth(rabbit, topology.inbound_queue.name) == 0

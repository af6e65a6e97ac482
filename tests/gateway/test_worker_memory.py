"""The worker in memory (TestRabbitBroker) on a real database: retours, idempotency, isolation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from faststream.message import StreamMessage
from faststream.rabbit import RabbitQueue, TestRabbitBroker
from gateway_testkit import CRASH, FaultyProcessor, count_rows, example, iwmo_examples, make_settings, variant

from gateway.app import App, create_app
from gateway.settings import Settings


class Captured:
    """What the worker published, per exchange: (routing key, body)."""

    def __init__(self) -> None:
        self.out: list[tuple[str, bytes]] = []
        self.errors: list[tuple[str, bytes]] = []


async def _whole(message: StreamMessage[Any]) -> StreamMessage[Any]:
    return message


def _capture(app: App) -> Captured:
    captured = Captured()
    for name, exchange, sink in (
        ("out", app.topology.out_exchange, captured.out),
        ("errors", app.topology.errors_exchange, captured.errors),
    ):
        subscriber = app.broker.subscriber(
            RabbitQueue(f"capture-{name}", routing_key="#"), exchange, decoder=_whole, include_in_schema=False
        )
        subscriber(_keeper(sink))
    return captured


def _keeper(sink: list[tuple[str, bytes]]) -> Callable[[StreamMessage[Any]], Awaitable[None]]:
    async def keep(message: StreamMessage[Any]) -> None:
        sink.append((message.raw_message.routing_key, message.body))

    return keep


@asynccontextmanager
async def in_memory(settings: Settings, **kwargs: Any) -> AsyncIterator[tuple[App, Captured, Any]]:
    app = create_app(settings, **kwargs)
    captured = _capture(app)
    async with TestRabbitBroker(app.broker) as broker:
        await app.start()
        try:
            yield app, captured, broker
        finally:
            await app.stop()


async def _publish(app: App, broker: Any, body: bytes) -> None:
    await broker.publish(body, exchange=app.topology.inbound_exchange, routing_key="ignored.routing.key")


async def test_the_reference_examples_produce_retours_and_register_rows(database_url: str) -> None:
    settings = make_settings(database_url)
    async with in_memory(settings) as (app, captured, broker):
        for body in iwmo_examples():
            await _publish(app, broker, body)
        await app.relay.flush()
        engine = app.engine
        assert await count_rows(engine, "messages", "WHERE direction = 'in'") == 5  # 315 305 307 317 323
        assert await count_rows(engine, "allocations") >= 1  # the 301 was recorded as sent
        assert await count_rows(engine, "outbox", "WHERE published_at IS NULL") == 0
    keys = [key for key, _ in captured.out]
    assert keys == [
        "42420001.wmo316", "42420001.wmo301", "65656055.wmo306", "65656055.wmo308", "65656055.wmo318",
    ]
    assert all(body.startswith(b"<?xml") for _, body in captured.out)
    assert [key for key, _ in captured.errors] == ["rejected.wmo319"]  # its VOT/VOW is not in the examples


REGISTER = ("messages", "clients", "requests", "retours", "outbox")


async def _counts(app: App) -> dict[str, int]:
    return {table: await count_rows(app.engine, table) for table in REGISTER}


async def test_a_redelivered_message_has_no_second_effect(sqlite_url: str) -> None:
    async with in_memory(make_settings(sqlite_url)) as (app, captured, broker):
        await _publish(app, broker, example("WMO315"))
        await app.relay.flush()
        first = await _counts(app)
        await _publish(app, broker, example("WMO315"))
        await app.relay.flush()
        assert await _counts(app) == first
    assert first["messages"] == 2  # the 315 and the 316 we sent
    assert [key for key, _ in captured.out] == ["42420001.wmo316"]
    counted = app.metrics.messages.labels("iwmo", "WMO315", "duplicate")._value.get()
    assert counted == 1


async def test_concurrent_deliveries_share_one_transaction_and_a_crash_is_isolated(sqlite_url: str) -> None:
    settings = make_settings(sqlite_url, batch_size=50, batch_wait_ms=200)
    processor = FaultyProcessor(settings)
    async with in_memory(settings, processor=processor) as (app, captured, broker):
        bodies = [example("WMO315"), variant(example("WMO305"), CRASH), example("WMO307")]
        await asyncio.gather(*(_publish(app, broker, b) for b in bodies))
        await app.relay.flush()
        assert await count_rows(app.engine, "messages", "WHERE direction = 'in'") == 2
    assert sorted(key for key, _ in captured.out) == ["42420001.wmo316", "65656055.wmo308"]
    assert processor.crashes == 2  # on the fast path, then once more in its own savepoint
    assert app.metrics.batch_size._sum.get() == 3  # one batch of three
    assert app.metrics.failures._value.get() == 1


async def test_bytes_that_are_not_xml_get_an_error_report_and_no_retour(sqlite_url: str) -> None:
    async with in_memory(make_settings(sqlite_url)) as (app, captured, broker):
        await _publish(app, broker, b"this is not XML at all")
        await app.relay.flush()
        assert await count_rows(app.engine, "messages", "WHERE status = 'invalid'") == 1
    assert captured.out == []
    [(key, report)] = captured.errors
    assert key.startswith("invalid.")
    assert b'"outcome": "invalid"' in report


@pytest.mark.parametrize("path", ["/health/live", "/metrics", "/asyncapi.json"])
async def test_the_http_endpoints_answer_in_memory(sqlite_url: str, path: str) -> None:
    import httpx

    async with in_memory(make_settings(sqlite_url)) as (app, _, __):
        transport = httpx.ASGITransport(app=app.http)
        async with httpx.AsyncClient(transport=transport, base_url="http://worker") as client:
            response = await client.get(path)
    assert response.status_code == 200
    if path == "/asyncapi.json":
        channels = response.json()["channels"]
        assert any("istd.in" in name for name in channels)
        assert any("istd.out" in name for name in channels)

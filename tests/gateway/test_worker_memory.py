"""The worker in memory (TestRabbitBroker) on a real database: retours, idempotency, isolation."""

from __future__ import annotations

import pytest

from gateway.worker.app import App
from tests.kit.services import (
    FaultyProcessor,
    count_rows,
    crash_in_the_middle,
    example,
    in_memory,
    iwmo_examples,
    make_settings,
    publish_one,
    publish_together,
)


async def test_the_shipped_examples_produce_retours_and_register_rows(database_url: str) -> None:
    settings = make_settings(database_url)
    async with in_memory(settings) as (app, captured, broker):
        for body in iwmo_examples():
            await publish_one(app, broker, body)
        await app.relay.flush()
        engine = app.engine
        assert await count_rows(engine, "messages", "WHERE direction = 'in'") == 5  # 305 307 315 317 323
        assert await count_rows(engine, "allocations") >= 1  # the 301 was recorded as sent
        assert await count_rows(engine, "outbox", "WHERE published_at IS NULL") == 0
    keys = [key for key, _ in captured.out]
    assert keys == [
        "87654321.wmo301", "87654321.wmo306", "87654321.wmo308", "87654321.wmo316", "87654321.wmo318",
        "87654321.wmo319", "87654321.wmo325",  # the 323 is answered with a 325
    ]
    assert all(body.startswith(b"<?xml") for _, body in captured.out)
    assert captured.errors == []  # the 319 answers the VOW of the examples' story


REGISTER = ("messages", "clients", "requests", "retours", "outbox")


async def _counts(app: App) -> dict[str, int]:
    return {table: await count_rows(app.engine, table) for table in REGISTER}


async def test_a_redelivered_message_has_no_second_effect(sqlite_url: str) -> None:
    async with in_memory(make_settings(sqlite_url)) as (app, captured, broker):
        await publish_one(app, broker, example("WMO315"))
        await app.relay.flush()
        first = await _counts(app)
        await publish_one(app, broker, example("WMO315"))
        await app.relay.flush()
        assert await _counts(app) == first
    assert first["messages"] == 2  # the 315 and the 316 we sent
    assert [key for key, _ in captured.out] == ["87654321.wmo316"]
    counted = app.metrics.messages.labels("iwmo", "WMO315", "duplicate")._value.get()
    assert counted == 1


async def test_concurrent_deliveries_share_one_transaction_and_a_crash_is_isolated(sqlite_url: str) -> None:
    settings = make_settings(sqlite_url, batch_size=50, batch_wait_ms=200)
    processor = FaultyProcessor(settings)
    async with in_memory(settings, processor=processor) as (app, captured, broker):
        await publish_together(app, broker, crash_in_the_middle())
        assert await count_rows(app.engine, "messages", "WHERE direction = 'in'") == 2
    assert sorted(key for key, _ in captured.out) == ["87654321.wmo308", "87654321.wmo316"]
    assert processor.crashes == 2  # on the fast path, then once more in its own savepoint
    assert app.metrics.batch_size._sum.get() == 3  # one batch of three
    assert app.metrics.failures._value.get() == 1


async def test_bytes_that_are_not_xml_get_an_error_report_and_no_retour(sqlite_url: str) -> None:
    async with in_memory(make_settings(sqlite_url)) as (app, captured, broker):
        await publish_one(app, broker, b"this is not XML at all")
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

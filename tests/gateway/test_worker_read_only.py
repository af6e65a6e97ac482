"""A SQLite register that refuses writes (read-only, disk full) is a database outage, not a bad message.

The PostgreSQL twin under load (default_transaction_read_only on the worker's own database) is in
tests/reliability/test_fault_outages.py; here, readiness finds a read-only PostgreSQL while idle.
"""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from gateway.worker.app import App
from gateway.worker.pipeline import is_database_down
from storage.engine import create_engine, refuses_writes
from tests.kit.reliability import admin, pg_url
from tests.kit.services import (
    allow_writes,
    count_rows,
    example,
    in_memory,
    make_settings,
    publish_one,
    refuse_writes,
    scratch_database,
    wait_for,
)


async def _readiness(app: App) -> tuple[int, dict[str, Any]]:
    transport = httpx.ASGITransport(app=app.http)
    async with httpx.AsyncClient(transport=transport, base_url="http://worker") as client:
        response = await client.get("/health/ready")
    return response.status_code, response.json()


async def test_a_sqlite_register_turned_read_only_holds_the_message_and_recovers_by_itself(
    sqlite_url: str,
) -> None:
    read_only = asyncio.Event()

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # What SQLite does with a file it may not write (permissions, a read-only mount): the
        # connection opens read-only and stays so (SQLITE_READONLY on every write).
        if read_only.is_set():
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA query_only = ON")
            cursor.close()

    async with in_memory(make_settings(sqlite_url)) as (app, captured, broker):
        event.listen(app.engine.sync_engine, "connect", on_connect)
        read_only.set()
        await app.engine.dispose()  # the connections opened from now on are read-only
        sending = asyncio.create_task(publish_one(app, broker, example("WMO315")))

        async def held() -> tuple[int, dict[str, Any]] | None:
            answer = await _readiness(app)
            return answer if answer[0] == 503 else None

        _, body = await wait_for(held)
        assert body["failing"] == ["database"]
        assert body["checks"]["database"] == "read-only"
        assert await count_rows(app.engine, "messages") == 0
        read_only.clear()  # writable again; the worker's pooled connections were opened read-only

        async def ready() -> bool:
            return (await _readiness(app))[0] == 200

        await wait_for(ready)
        await sending
        await app.relay.flush()
        assert await count_rows(app.engine, "messages", "WHERE direction = 'in'") == 1
        failures = app.metrics.registry.get_sample_value("istd_processing_failures_total")
    assert failures == 0  # held, never counted against the message (no nack, no dead letter)
    assert [key for key, _ in captured.out] == ["87654321.wmo316"]


@pytest.mark.postgres
async def test_readiness_names_a_read_only_postgresql_while_idle_and_clears_by_itself() -> None:
    scratch = f"istd_read_only_{secrets.token_hex(4)}"
    async with (
        scratch_database(scratch, admin) as name,
        in_memory(make_settings(pg_url(name))) as (app, _, _broker),
    ):
        assert (await _readiness(app))[0] == 200
        await refuse_writes(name, admin)
        status, body = await _readiness(app)  # no message in flight: the check itself finds it
        assert (status, body["checks"]["database"]) == (503, "read-only")
        await allow_writes(name, admin)  # no backend terminated: the check dropped its session
        assert (await _readiness(app))[0] == 200


@pytest.mark.parametrize(("pragma", "read_only"), [
    ("PRAGMA query_only = ON", True),  # SQLITE_READONLY
    ("PRAGMA max_page_count = 3", False),  # SQLITE_FULL: the disk (or the file's limit) is full
])
async def test_sqlite_read_only_and_full_are_database_outages(
    tmp_path: Path, pragma: str, read_only: bool
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'register.sqlite3'}")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (x BLOB)"))
        async with engine.connect() as connection:
            await connection.execute(text(pragma))
            with pytest.raises(OperationalError) as caught:
                await connection.execute(text("INSERT INTO t VALUES (randomblob(100000))"))
    finally:
        await engine.dispose()
    assert is_database_down(caught.value)
    assert refuses_writes(caught.value) is read_only
    # Read-only sticks to the connection, so it is dropped; a full disk frees up under the same one.
    assert caught.value.connection_invalidated is read_only

"""Concurrent start-up on the real PostgreSQL: three `istd db upgrade` processes on one empty database.

Without the advisory lock around the migrations each process saw an empty database and created the
tables itself: one succeeded and the others failed on duplicate keys (IntegrityError, exit 2). The
test holds the migration lock itself until all three processes wait for it, so they really start
migrating at the same moment (process start-up times vary too much to race them otherwise).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy import text

from storage.engine import MIGRATION_LOCK_KEY, create_engine

pytestmark = pytest.mark.postgres
PG_HOST = os.environ.get("ISTD_TEST_PG_HOST", "127.0.0.1")
ISTD = Path(sys.executable).with_name("istd")  # the command this environment installed
PROCESSES = 3


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(f"postgresql://postgres@{PG_HOST}:5432/test")
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture
async def empty_database() -> AsyncIterator[str]:
    name = f"istd_lock_{secrets.token_hex(4)}"
    await _admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@{PG_HOST}:5432/{name}"
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _upgrade(url: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        str(ISTD), "db", "upgrade", "--database", url,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=180)
    return process.returncode or 0, stderr.decode()


async def _waiting_for_the_lock(connection: asyncpg.Connection) -> int:
    count: int = await connection.fetchval(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    return count


async def test_three_concurrent_upgrades_of_an_empty_database_all_succeed(empty_database: str) -> None:
    holder = await asyncpg.connect(empty_database)
    try:
        await holder.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        upgrades = [asyncio.create_task(_upgrade(empty_database)) for _ in range(PROCESSES)]
        async with asyncio.timeout(120):
            # A process that migrates without taking the lock never waits: it finishes (or fails) instead.
            while await _waiting_for_the_lock(holder) < PROCESSES and not all(t.done() for t in upgrades):
                await asyncio.wait(upgrades, timeout=0.1)
        assert not any(t.done() for t in upgrades), [t.result() for t in upgrades if t.done()]
        await holder.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
        results = await asyncio.gather(*upgrades)
    finally:
        await holder.close()
    assert [code for code, _ in results] == [0] * PROCESSES, [err for _, err in results]
    assert all("latest revision" in err for _, err in results)
    engine = create_engine(empty_database)
    try:
        async with engine.connect() as connection:
            versions = (await connection.execute(text("SELECT version_num FROM alembic_version"))).all()
            outbox = await connection.scalar(text("SELECT count(*) FROM outbox"))
    finally:
        await engine.dispose()
    assert len(versions) >= 1
    assert len({row[0] for row in versions}) == len(versions)  # each head recorded once
    assert outbox == 0

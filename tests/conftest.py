"""Shared database fixtures: a fresh SQLite file per test, and the real PostgreSQL (marked `postgres`).

`database_url` is parametrised over both backends; the PostgreSQL case creates one fresh database per
test session on 127.0.0.1:5432 (user postgres, trust auth), gives each test an empty schema by dropping
and re-creating it, and drops the database at the end. `engine` is migrated with our Alembic migrations.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import create_engine, ensure_migrated
from tests.kit import reference

PG_HOST = os.environ.get("ISTD_TEST_PG_HOST", "127.0.0.1")
PG_ADMIN_DSN = f"postgresql://postgres@{PG_HOST}:5432/test"


async def _execute(dsn: str, sql: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _admin(sql: str) -> None:
    """Run `sql` on the admin database in a thread of its own (a test's event loop may be running)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _execute(PG_ADMIN_DSN, sql)).result()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """One fresh PostgreSQL database for the session; yields its sync-style URL, dropped at the end."""
    name = f"istd_test_{secrets.token_hex(4)}"
    _admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@{PG_HOST}:5432/{name}"
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database: a new SQLite file, or the session's PostgreSQL database with a fresh schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'istd.sqlite3'}"
        return
    url: str = request.getfixturevalue("postgres_database")
    await _execute(url, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    yield url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An async engine on `database_url`, migrated to heads; disposed after the test."""
    engine = create_engine(database_url)
    await ensure_migrated(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


_REFERENCE_SKIPPED = pytest.StashKey[int]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `reference` need the published material: skipped without it, an error under CI."""
    if reference.available() or not any(item.get_closest_marker("reference") for item in items):
        return
    if reference.required():
        raise pytest.UsageError(reference.missing_line())
    skip = pytest.mark.skip(reason=reference.missing_line())
    for item in items:
        if item.get_closest_marker("reference"):
            item.add_marker(skip)
    config.stash[_REFERENCE_SKIPPED] = sum(1 for item in items if item.get_closest_marker("reference"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    skipped = config.stash.get(_REFERENCE_SKIPPED, 0)
    if skipped:
        terminalreporter.write_line(f"{skipped} {reference.missing_line()}")

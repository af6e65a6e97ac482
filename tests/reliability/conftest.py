"""Fixtures of the fault tests: a fresh prefix and PostgreSQL database per test, removed afterwards."""

from __future__ import annotations

import secrets
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aio_pika
import pytest

HERE = Path(__file__).resolve().parent
# The helpers of the gateway tests and the benchmark's traffic generator, shared rather than copied.
for folder in (HERE.parent / "gateway", HERE.parents[1] / "benchmarks"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from reliability_kit import RABBIT_URL, admin, delete_prefixed  # noqa: E402


@pytest.fixture
def prefix() -> str:
    return f"rel-{secrets.token_hex(4)}."


@pytest.fixture
async def rabbit(prefix: str) -> AsyncIterator[aio_pika.abc.AbstractRobustConnection]:
    """A connection to the real RabbitMQ; every queue and exchange under `prefix` is deleted at teardown."""
    connection = await aio_pika.connect_robust(RABBIT_URL)
    try:
        yield connection
    finally:
        await delete_prefixed(connection, prefix)
        await connection.close()


@pytest.fixture
async def fresh_database() -> AsyncIterator[str]:
    """The name of an empty PostgreSQL database of this test alone (so it may be cut off)."""
    async for name in _database():
        yield name


@pytest.fixture
async def second_database() -> AsyncIterator[str]:
    """Another one, for a second run to compare with."""
    async for name in _database():
        yield name


async def _database() -> AsyncIterator[str]:
    name = f"istd_rel_{secrets.token_hex(4)}"
    await admin(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        await admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

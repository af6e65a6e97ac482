"""Gateway fixtures: a SQLite URL per test, and a fresh, prefixed RabbitMQ topology removed at teardown."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import aio_pika
import pytest

from tests.kit.services import rabbit_connection


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'istd.sqlite3'}"


@pytest.fixture
def prefix() -> str:
    """A unique name prefix: every test gets its own exchanges and queues."""
    return f"test-{secrets.token_hex(4)}."


@pytest.fixture
async def rabbit(prefix: str) -> AsyncIterator[aio_pika.abc.AbstractRobustConnection]:
    """A connection to the real RabbitMQ; at teardown every queue and exchange under `prefix` is deleted."""
    async with rabbit_connection(prefix) as connection:
        yield connection



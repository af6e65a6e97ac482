"""Fixtures of the fault tests: a fresh prefix and PostgreSQL database per test, removed afterwards."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import aio_pika
import pytest

from tests.kit.reliability import admin, delete_prefixed
from tests.kit.services import rabbit_connection, scratch_database


@pytest.fixture
def prefix() -> str:
    return f"rel-{secrets.token_hex(4)}."


@pytest.fixture
async def rabbit(prefix: str) -> AsyncIterator[aio_pika.abc.AbstractRobustConnection]:
    """A connection to the real RabbitMQ; every queue and exchange under `prefix` is deleted at teardown."""
    async with rabbit_connection(prefix, delete_prefixed) as connection:
        yield connection


@pytest.fixture
async def fresh_database() -> AsyncIterator[str]:
    """The name of an empty PostgreSQL database of this test alone (so it may be cut off)."""
    async with scratch_database(f"istd_rel_{secrets.token_hex(4)}", admin) as name:
        yield name


@pytest.fixture
async def second_database() -> AsyncIterator[str]:
    """Another one, for a second run to compare with."""
    async with scratch_database(f"istd_rel_{secrets.token_hex(4)}", admin) as name:
        yield name

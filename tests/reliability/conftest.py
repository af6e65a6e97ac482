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

from gateway_testkit import rabbit_connection, scratch_database  # noqa: E402
from reliability_kit import admin, delete_prefixed  # noqa: E402


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

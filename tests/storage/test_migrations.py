"""The migrations build the same tables as the models, on SQLite and PostgreSQL, and are repeatable."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import ensure_migrated, normalise_url
from storage.models import Base


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migration_creates_every_model_table(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        tables = await connection.run_sync(_tables)
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


async def _versions(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as connection:
        rows = (await connection.execute(text("select version_num from alembic_version"))).all()
    return sorted(row[0] for row in rows)


async def test_migrating_twice_changes_nothing(engine: AsyncEngine) -> None:
    before = await _versions(engine)
    await ensure_migrated(engine)
    assert await _versions(engine) == before
    assert before  # the register branch (or a branch depending on it) is recorded


async def test_allocation_versions_are_indexed_by_provider_reference(engine: AsyncEngine) -> None:
    def names(connection: Connection) -> set[str | None]:
        return {index["name"] for index in inspect(connection).get_indexes("allocation_versions")}

    async with engine.connect() as connection:
        assert "ix_allocation_versions_reference" in await connection.run_sync(names)


def test_urls_get_async_drivers() -> None:
    assert normalise_url("sqlite:///var/x.sqlite3") == "sqlite+aiosqlite:///var/x.sqlite3"
    assert normalise_url("postgresql://u:p@h:5432/d") == "postgresql+asyncpg://u:p@h:5432/d"

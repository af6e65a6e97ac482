"""The web branch of the migrations creates exactly the tables `storage.web_models` declares."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Connection, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

import storage.area_figures  # registers the wijkanalyse's derived tables on Base.metadata
import storage.client_areas  # registers client_areas on Base.metadata
import storage.household_table  # registers the flagged households' derived tables on Base.metadata
import storage.waits_table  # registers the waits tables on Base.metadata
import storage.web_models  # noqa: F401  (registers the web tables on Base.metadata)
from storage.models import Base
from storage.web_models import INSIGHT_INDEXES, PAGE_INDEXES, TRIGRAM_INDEXES

WEB_TABLES = {"web_users", "web_api_tokens", "web_sessions", "web_audit_log", "web_login_failures",
              "web_providers", "web_signals_handled", "web_area_population", "client_areas",
              "web_insight_areas", "web_insight_area_trend", "web_insight_households",
              "web_insight_household_parts"}


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return [change for change in compare_metadata(context, Base.metadata)
            if any(table in repr(change) for table in WEB_TABLES)]


async def test_web_migration_matches_the_models(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        assert await connection.run_sync(_diff) == []


async def test_both_branches_are_applied(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        heads = (await connection.exec_driver_sql("SELECT version_num FROM alembic_version")).scalars().all()
        allocations = (await connection.exec_driver_sql("SELECT count(*) FROM allocations")).scalar()
    # The web head depends on the register head, so Alembic records the web head (and the retention
    # branch's head, which depends on the register too), not the register's.
    assert "0114_web_area_tables" in heads
    superseded = {"0101_web", "0103_web_security", "0104_web_providers", "0105_web_signals_handled",
                  "0106_web_signals", "0110_web_pages", "0111_web_insight_tables", "0112_web_insight_waits"}
    assert not superseded & set(heads)
    assert allocations == 0


def _indexes(connection: Connection) -> dict[str, list[str | None]]:
    """Index name -> columns; expression indexes by name only (SQLite's inspector skips them)."""
    names = ("SELECT name FROM sqlite_master WHERE type = 'index'" if connection.dialect.name == "sqlite"
             else "SELECT indexname FROM pg_indexes")
    found: dict[str, list[str | None]] = {name: [] for name in connection.exec_driver_sql(names).scalars()}
    inspector = inspect(connection)
    for table in {index.table.name for index in (*INSIGHT_INDEXES, *PAGE_INDEXES) if index.table is not None}:
        found.update({index["name"]: index["column_names"] for index in inspector.get_indexes(table)
                      if index["name"]})
    return found


async def test_insight_indexes_match_their_declaration(engine: AsyncEngine) -> None:
    """0102_web_insight and 0110_web_pages create every index of INSIGHT_INDEXES and PAGE_INDEXES, alike."""
    async with engine.connect() as connection:
        found = await connection.run_sync(_indexes)
    for index in (*INSIGHT_INDEXES, *PAGE_INDEXES):
        assert index.name in found, index.name
        if all(isinstance(expression, Column) for expression in index.expressions):
            assert found[index.name] == [column.name for column in index.columns], index.name


async def test_the_name_search_gets_trigram_indexes_on_postgresql(engine: AsyncEngine) -> None:
    """pg_trgm can be created on the test server: 0110_web_pages makes the five indexes; SQLite has none."""
    async with engine.connect() as connection:
        found = await connection.run_sync(_indexes)
    trigram = set(TRIGRAM_INDEXES)
    assert trigram & set(found) == (trigram if engine.dialect.name == "postgresql" else set())

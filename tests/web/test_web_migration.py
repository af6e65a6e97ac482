"""The web branch of the migrations creates exactly the tables `storage.web_models` declares."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

import storage.web_models  # noqa: F401  (registers the web tables on Base.metadata)
from storage.models import Base

WEB_TABLES = {"web_users", "web_api_tokens", "web_sessions", "web_audit_log"}


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
    assert sorted(heads) == ["0101_web", "0201_retention"]
    assert allocations == 0

"""Engine construction: URL normalisation to async drivers, SQLite pragmas, and migrate-on-first-use."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, ExceptionContext, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from storage.insight_queries.sql_text import SQLITE_SHA256

ALEMBIC_INI = Path(__file__).with_name("alembic.ini")
# PostgreSQL advisory lock key held while migrating (any constant bigint; advisory locks are per
# database). Several workers or `istd db upgrade`s starting at once on an empty database would each
# see no tables and create them: one wins, the others fail on duplicate keys. With the lock they
# migrate one after the other, and the later ones find the database at heads and do nothing.
MIGRATION_LOCK_KEY = 0x15_7D_0001
# A connection that may not write: PostgreSQL's SQLSTATE read_only_sql_transaction (default_transaction_
# read_only on the database or role, a hot standby after a failover) and SQLite's SQLITE_READONLY (with
# its extended codes: a file or directory opened read-only). Both are fixed when the connection opens,
# so a pooled connection stays read-only after the server or file allows writes again.
READ_ONLY_SQLSTATE = "25006"
SQLITE_READONLY = 8


class DatabaseUrlError(ValueError):
    """The database URL names a backend we do not support."""


def normalise_url(url: str) -> str:
    """`sqlite:///x` → `sqlite+aiosqlite:///x`, `postgresql://` → `postgresql+asyncpg://`; others refused."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    raise DatabaseUrlError(f"unsupported database backend {backend!r}: use sqlite:/// or postgresql://")


def register_location(url: str) -> str:
    """Where the register is, for the start-up line: the SQLite file as an absolute path (the default
    is relative to the working directory), else the server and database without the password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ":memory:"
        if database == ":memory:" or database.startswith("file:"):
            return f"sqlite {database}"
        return f"sqlite {Path(database).resolve()}"
    return parsed.render_as_string(hide_password=True)


def _sha256_hex(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # PostgreSQL has sha256(); SQLite gets ours, for the signals' keys (storage.insight_queries.sql_text).
    dbapi_connection.create_function(SQLITE_SHA256, 1, _sha256_hex, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine for `url`; for SQLite the file's directory is created, pragmas set per connection.

    `hide_parameters`: SQL parameters are raw XML, BSNs and names; they stay out of echo lines and out of
    the text of database exceptions (which CLI commands print).
    """
    async_url = make_url(normalise_url(url))
    if async_url.get_backend_name() == "sqlite":
        database = async_url.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(async_url, echo=echo, hide_parameters=True)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    else:
        engine = create_async_engine(async_url, echo=echo, pool_pre_ping=True, hide_parameters=True)
    event.listen(engine.sync_engine, "handle_error", _read_only_is_a_disconnect)
    return engine


def _read_only_is_a_disconnect(context: ExceptionContext) -> None:
    """A connection that refuses writes is dropped like a lost one: SQLAlchemy invalidates the pool,
    so the next checkout opens a fresh connection that sees the current setting (and callers see
    `connection_invalidated`: an outage of the database, not a fault of the data)."""
    if refuses_writes(context.original_exception):
        context.is_disconnect = True


def refuses_writes(error: BaseException) -> bool:
    """The driver's error (or SQLAlchemy's, through `orig`) says the connection may not write."""
    error = getattr(error, "orig", None) or error
    code = getattr(error, "sqlite_errorcode", None)
    return getattr(error, "sqlstate", None) == READ_ONLY_SQLSTATE or (
        isinstance(code, int) and code & 0xFF == SQLITE_READONLY)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(connection: Connection | None = None) -> Config:
    """The packaged Alembic configuration; a given connection is used instead of a URL."""
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ALEMBIC_INI.parent / "migrations"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "heads")


async def upgrade(engine: AsyncEngine) -> None:
    """Run all migrations (`upgrade heads`: every branch, ours and the web's), one process at a time.

    On PostgreSQL a transaction-level advisory lock serialises concurrent starts; it is released by the
    commit (or rollback) of the migration's own transaction. SQLite serialises writers by itself.
    """
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        await connection.run_sync(_upgrade)


async def ensure_migrated(engine: AsyncEngine) -> None:
    """Migrate on first use: an empty database gets every table, an older one is brought up to heads."""
    await upgrade(engine)

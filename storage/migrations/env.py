"""Alembic environment: runs on the connection the caller passes (storage.engine.upgrade)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from storage.models import Base

target_metadata = Base.metadata


def _configure_and_run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    # Command-line use (`alembic -c storage/alembic.ini ...`): a synchronous URL must be configured.
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection given and no sqlalchemy.url configured; use `istd db upgrade`")
    engine = create_engine(url)
    with engine.begin() as sync_connection:
        _configure_and_run(sync_connection)


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported; use `istd db upgrade`")
run()

"""web: indexes of the team's pages (search, cliëntbeeld, household, berichtenmonitor)

Revision ID: 0110_web_pages
Revises: 0106_web_signals
Create Date: 2026-12-07

On a register of a million allocations the pages read a client's rows, a client's address and a week
of messages; without these indexes each such read walks a whole table. The same indexes are declared
in `storage.web_models.PAGE_INDEXES` (a test compares them).

The search for a word in names and streets (storage/insight_queries/search.py: a substring, LIKE
'%word%') needs trigram indexes, PostgreSQL's pg_trgm extension. Where that extension cannot be
created (not installed, or the migrating role may not create it) the migration goes on without those
indexes and logs a warning: the search works, it reads the clients table (README, "The wijkteam
pages", has the statements a DBA runs later).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0110_web_pages"
down_revision: str | Sequence[str] | None = "0106_web_signals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

ADDRESS = "upper(replace(postcode, ' ', ''))"  # as storage.insight_queries.common.normal_postcode writes it
INDEXES: tuple[tuple[str, str, list[Any]], ...] = (
    ("ix_pages_clients_address", "clients", [sa.text(ADDRESS), "huisnummer"]),
    ("ix_pages_clients_born", "clients", ["geboortedatum"]),
    ("ix_pages_deliveries_client", "deliveries", ["client_id"]),
    ("ix_pages_messages_received", "messages", ["received_at", "id"]),
    ("ix_pages_messages_status", "messages", ["status", "received_at"]),
)
TRIGRAM_COLUMNS = ("geslachtsnaam", "voornamen", "voorvoegsel", "straatnaam", "plaatsnaam")
TRIGRAM_OFF = ("pg_trgm could not be created (%s): the client search by name or street reads the whole "
               "clients table; README, 'The wijkteam pages', says how a DBA adds the extension and indexes")


def trigram_name(column: str) -> str:
    return f"ix_pages_clients_{column}_trgm"


def _trigram_extension() -> bool:
    """CREATE EXTENSION pg_trgm in a savepoint: a refusal must not abort the migration's transaction."""
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError as error:
        log.warning(TRIGRAM_OFF, str(error.orig).splitlines()[0])
        return False
    return True


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    if op.get_bind().dialect.name == "postgresql" and _trigram_extension():
        for column in TRIGRAM_COLUMNS:
            op.create_index(trigram_name(column), "clients", [sa.text(f"lower({column}) gin_trgm_ops")],
                            postgresql_using="gin")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for column in TRIGRAM_COLUMNS:
            op.execute(f"DROP INDEX IF EXISTS {trigram_name(column)}")
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)

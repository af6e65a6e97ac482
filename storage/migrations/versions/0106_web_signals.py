"""web: indexes of the signals computed in SQL (marks by kind and subject, receipts, version ends)

Revision ID: 0106_web_signals
Revises: 0105_web_signals_handled
Create Date: 2026-12-07

The signals' SQL (storage.insight_queries.signals) looks a mark up by kind and subject before it
computes the signal's key; `storage.web_models` declares the same indexes (a test compares them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0106_web_signals"
down_revision: str | Sequence[str] | None = "0105_web_signals_handled"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


CURRENT = {"postgresql_where": sa.text("is_current IS true AND voided IS false"),
           "sqlite_where": sa.text("is_current IS 1 AND voided IS 0")}
INDEXES: tuple[tuple[str, str, list[str], dict[str, Any]], ...] = (
    ("ix_web_signals_handled_subject", "web_signals_handled", ["kind", "subject"], {}),
    ("ix_signal_messages_received", "messages", ["message_number", "received_at"], {}),
    ("ix_signal_versions_end", "allocation_versions", ["einddatum"], CURRENT),
)


def upgrade() -> None:
    for name, table, columns, where in INDEXES:
        op.create_index(name, table, columns, **where)


def downgrade() -> None:
    for name, table, _columns, _where in reversed(INDEXES):
        op.drop_index(name, table_name=table)

"""web: indexes of the signals computed in SQL (marks by kind and subject)

Revision ID: 0106_web_signals
Revises: 0105_web_signals_handled
Create Date: 2026-12-07

The signals' SQL (storage.insight_queries.signals) looks a mark up by kind and subject before it
computes the signal's key; `storage.web_models` declares the same indexes (a test compares them).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0106_web_signals"
down_revision: str | Sequence[str] | None = "0105_web_signals_handled"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_web_signals_handled_subject", "web_signals_handled", ["kind", "subject"])


def downgrade() -> None:
    op.drop_index("ix_web_signals_handled_subject", table_name="web_signals_handled")

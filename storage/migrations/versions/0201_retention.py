"""retention: messages.purged_at, set when `istd purge` removed a message's raw XML

Revision ID: 0201_retention
Revises: (none; own branch "retention", depends on the register)
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0201_retention"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("retention",)
depends_on: str | Sequence[str] | None = "0001_register"


def upgrade() -> None:
    # A nullable column: an ALTER TABLE ADD COLUMN on both backends, no table rebuild on SQLite.
    op.add_column("messages", sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("purged_at")

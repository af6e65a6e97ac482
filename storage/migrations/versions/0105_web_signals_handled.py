"""web: signals marked handled (who, when, why)

Revision ID: 0105_web_signals_handled
Revises: 0104_web_providers
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0105_web_signals_handled"
down_revision: str | Sequence[str] | None = "0104_web_providers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "web_signals_handled",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=True),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("handled_by", sa.String(length=64), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["web_users.id"],
                                name=op.f("fk_web_signals_handled_user_id_web_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_signals_handled")),
        sa.UniqueConstraint("key", name=op.f("uq_web_signals_handled_key")),
    )


def downgrade() -> None:
    op.drop_table("web_signals_handled")

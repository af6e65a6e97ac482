"""web: users, API tokens, login sessions, audit log of client views

Revision ID: 0101_web
Revises: (none; own branch "web", depends on the register)
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0101_web"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("web",)
depends_on: str | Sequence[str] | None = "0001_register"

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("gemeenten", sa.String(length=256), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_users")),
        sa.UniqueConstraint("username", name=op.f("uq_web_users_username")),
    )
    for table in ("web_api_tokens", "web_sessions"):
        extra = (sa.Column("label", sa.String(length=64), nullable=False) if table == "web_api_tokens"
                 else sa.Column("expires_at", WHEN, nullable=False))
        op.create_table(
            table,
            sa.Column("id", ID, autoincrement=True, nullable=False),
            sa.Column("user_id", ID, nullable=False),
            sa.Column("token_sha256", sa.String(length=64), nullable=False),
            sa.Column("created_at", WHEN, nullable=False),
            extra,
            sa.ForeignKeyConstraint(["user_id"], ["web_users.id"], name=op.f(f"fk_{table}_user_id_web_users"),
                                    ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint("token_sha256", name=op.f(f"uq_{table}_token_sha256")),
        )
        op.create_index(op.f(f"ix_{table}_user_id"), table, ["user_id"], unique=False)
    op.create_table(
        "web_audit_log",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("view", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"],
                                name=op.f("fk_web_audit_log_client_id_clients")),
        sa.ForeignKeyConstraint(["user_id"], ["web_users.id"],
                                name=op.f("fk_web_audit_log_user_id_web_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_audit_log")),
    )
    op.create_index("ix_web_audit_log_at", "web_audit_log", ["at"], unique=False)
    op.create_index("ix_web_audit_log_client", "web_audit_log", ["client_id"], unique=False)


def downgrade() -> None:
    op.drop_table("web_audit_log")
    for table in ("web_sessions", "web_api_tokens"):
        op.drop_index(op.f(f"ix_{table}_user_id"), table_name=table)
        op.drop_table(table)
    op.drop_table("web_users")

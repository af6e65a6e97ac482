"""web: token expiry and revocation, session idle time, failed logins, audit of lists and refusals

Revision ID: 0103_web_security
Revises: 0102_web_insight
Create Date: 2026-12-07

Existing API tokens get an expiry 90 days after the upgrade. Nullable columns are plain ADD
COLUMNs on both backends. Making `web_audit_log.client_id` nullable (a list or a failed login
names no client) needs a table rebuild on SQLite: batch mode.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0103_web_security"
down_revision: str | Sequence[str] | None = "0102_web_insight"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)
TOKEN_DAYS = 90  # gateway.web.accounts.TOKEN_DAYS when this migration was written
AUDIT_COLUMNS = (
    ("outcome", sa.String(length=16), "shown"),
    ("address", sa.String(length=64), None),
    ("session", sa.String(length=24), None),
    ("filter", sa.String(length=500), None),
    ("row_count", sa.Integer(), None),
)


def upgrade() -> None:
    op.add_column("web_api_tokens", sa.Column("expires_at", WHEN, nullable=True))
    op.add_column("web_api_tokens", sa.Column("revoked_at", WHEN, nullable=True))
    # Tokens made before expiry existed get the default lifetime, counted from this upgrade.
    tokens = sa.table("web_api_tokens", sa.column("expires_at", WHEN))
    op.execute(tokens.update().values(expires_at=datetime.now(UTC) + timedelta(days=TOKEN_DAYS)))
    op.add_column("web_sessions", sa.Column("last_seen_at", WHEN, nullable=True))
    op.create_table(
        "web_login_failures",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_login_failures")),
    )
    op.create_index("ix_web_login_failures_username", "web_login_failures", ["username", "at"])
    op.create_index("ix_web_login_failures_address", "web_login_failures", ["address", "at"])
    with warnings.catch_warnings(), op.batch_alter_table("web_audit_log") as batch:
        # The rebuild reflects `clients`, whose PC4 expression index SQLite's inspector cannot read.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
        batch.alter_column("client_id", existing_type=ID, nullable=True)
        for name, kind, default in AUDIT_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=default is None, server_default=default))


def downgrade() -> None:
    op.execute("DELETE FROM web_audit_log WHERE client_id IS NULL")
    with warnings.catch_warnings(), op.batch_alter_table("web_audit_log") as batch:
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
        for name, _, _ in reversed(AUDIT_COLUMNS):
            batch.drop_column(name)
        batch.alter_column("client_id", existing_type=ID, nullable=False)
    op.drop_index("ix_web_login_failures_address", table_name="web_login_failures")
    op.drop_index("ix_web_login_failures_username", table_name="web_login_failures")
    op.drop_table("web_login_failures")
    with op.batch_alter_table("web_sessions") as batch:
        batch.drop_column("last_seen_at")
    with op.batch_alter_table("web_api_tokens") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("expires_at")

"""web: derived tables of the insight pages (signals as of one day, and when each was refreshed)

Revision ID: 0111_web_insight_tables
Revises: 0110_web_pages
Create Date: 2026-12-07

`web_insight_signals` holds the signals open on the day of its last refresh
(storage.signal_table); `web_insight_refreshed` says which day and when. Both are
rebuilt from the register by `istd insight refresh` or the web app: never the source of truth, so
a downgrade just drops them. The same tables are declared in `storage.web_models`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0111_web_insight_tables"
down_revision: str | Sequence[str] | None = "0110_web_pages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
NEWEST = sa.text("since DESC")  # the list's order: newest clock first, then the kinds' order (rank)
INDEXES: tuple[tuple[str, list[Any]], ...] = (
    ("ix_web_insight_signals_since", [NEWEST, "rank"]),
    ("ix_web_insight_signals_gemeente", ["gemeente", NEWEST, "rank"]),
    ("ix_web_insight_signals_kind", ["kind", NEWEST, "rank"]),
    ("ix_web_insight_signals_aanbieder", ["aanbieder", NEWEST, "rank"]),
    ("ix_web_insight_signals_client", ["client"]),
    ("ix_web_insight_signals_key", ["key"]),
)


def upgrade() -> None:
    op.create_table(
        "web_insight_signals",
        sa.Column("id", BIGINT, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("gemeente", sa.String(), nullable=True),
        sa.Column("aanbieder", sa.String(), nullable=True),
        sa.Column("client", sa.String(), nullable=True),
        sa.Column("key", sa.String(32), nullable=False),
    )
    for name, columns in INDEXES:
        op.create_index(name, "web_insight_signals", columns)
    op.create_table(
        "web_insight_signal_days",
        sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("gemeente", sa.String(), primary_key=True),
        sa.Column("since", sa.Date(), primary_key=True),
        sa.Column("signals", sa.Integer(), nullable=False),
    )
    op.create_table(
        "web_insight_signal_providers",
        sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("gemeente", sa.String(), primary_key=True),
        sa.Column("aanbieder", sa.String(), primary_key=True),
        sa.Column("signals", sa.Integer(), nullable=False),
    )
    op.create_table(
        "web_insight_refreshed",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("web_insight_refreshed")
    op.drop_table("web_insight_signal_providers")
    op.drop_table("web_insight_signal_days")
    for name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name="web_insight_signals")
    op.drop_table("web_insight_signals")

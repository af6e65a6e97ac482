"""web: derived tables of the waiting times (every wait, and the requests still waiting)

Revision ID: 0112_web_insight_waits
Revises: 0111_web_insight_tables
Create Date: 2026-12-07

`web_insight_waits` holds one row per wait of both measures and `web_insight_open_requests` the
requests pending or under investigation, as of the last refresh (storage.waits_table; its time in
`web_insight_refreshed` under the name "waits"). Rebuilt from the register by `istd insight refresh`
or the web app: never the source of truth, so a downgrade just drops them. The same tables are
declared in `storage.waits_table`.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0112_web_insight_waits"
down_revision: str | Sequence[str] | None = "0111_web_insight_tables"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "web_insight_waits",
        sa.Column("id", BIGINT, primary_key=True, autoincrement=True),
        sa.Column("measure", sa.String(32), nullable=False),
        sa.Column("gemeente", sa.String(), nullable=False),
        sa.Column("pair_gemeente", sa.String(), nullable=False),
        sa.Column("request", sa.Integer(), nullable=True),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("aanbieder", sa.String(), nullable=False),
        sa.Column("categorie", sa.String(), nullable=True),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("client", sa.Integer(), nullable=False),
    )
    op.create_index("ix_web_insight_waits_month", "web_insight_waits", ["measure", "month"])
    op.create_index("ix_web_insight_waits_gemeente", "web_insight_waits", ["gemeente", "measure", "month"])
    op.create_index("ix_web_insight_waits_request", "web_insight_waits", ["request"])
    op.create_table(
        "web_insight_open_requests",
        sa.Column("position", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("gemeente", sa.String(), nullable=False),
        sa.Column("aanbieder", sa.String(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("referentie", sa.String(), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("categorie", sa.String(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("client", sa.Integer(), nullable=False),
        sa.Column("client_public_id", sa.String(), nullable=False),
    )
    op.create_index("ix_web_insight_open_requests_since", "web_insight_open_requests", ["since"])
    op.create_index("ix_web_insight_open_requests_gemeente", "web_insight_open_requests",
                    ["gemeente", "since"])


def downgrade() -> None:
    op.drop_table("web_insight_open_requests")
    op.drop_table("web_insight_waits")

"""web: derived tables of the wijkanalyse and the flagged households (as of one day)

Revision ID: 0114_web_area_tables
Revises: 0112_web_insight_waits
Create Date: 2026-12-07

`web_insight_areas` and `web_insight_area_trend` hold the wijkanalyse's figures of the day of their last
refresh (storage.area_figures), `web_insight_households` and `web_insight_household_parts` the flagged
households of that day (storage.household_table); `web_insight_refreshed` says which day and when
("areas", "households"). Rebuilt from the register by `istd insight refresh` or the web app: never the
source of truth, so a downgrade just drops them. The same tables are declared in those modules.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0114_web_area_tables"
down_revision: str | Sequence[str] | None = "0112_web_insight_waits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "web_insight_areas",
        sa.Column("id", BIGINT, primary_key=True, autoincrement=True),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("standard", sa.String(4), nullable=False),
        sa.Column("categorie", sa.String(2), nullable=False),
        sa.Column("pc4", sa.String(4), nullable=True),
        sa.Column("age", sa.String(8), nullable=True),
        sa.Column("elsewhere", BIGINT, nullable=True),
        sa.Column("allocations", sa.Integer(), nullable=False),
        sa.Column("clients", sa.Integer(), nullable=False),
    )
    op.create_index("ix_web_insight_areas_level", "web_insight_areas", ["categorie", "standard", "gemeente"])
    op.create_table(
        "web_insight_area_trend",
        sa.Column("categorie", sa.String(2), primary_key=True),
        sa.Column("gemeente", sa.String(4), primary_key=True),
        sa.Column("standard", sa.String(4), primary_key=True),
        sa.Column("point", sa.Integer(), primary_key=True),
        sa.Column("allocations", sa.Integer(), nullable=False),
        sa.Column("clients", sa.Integer(), nullable=False),
    )
    op.create_table(
        "web_insight_households",
        sa.Column("id", BIGINT, primary_key=True, autoincrement=True),
        sa.Column("postcode", sa.String(8), nullable=False),
        sa.Column("huisnummer", sa.Integer(), nullable=False),
        sa.Column("huisletter", sa.String(1), nullable=False),
        sa.Column("toevoeging", sa.String(4), nullable=False),
        sa.Column("gemeente", sa.String(4), nullable=True),
        sa.Column("providers", sa.Integer(), nullable=False),
        sa.Column("standards", sa.Integer(), nullable=False),
        sa.Column("clients", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(32), nullable=False),
    )
    op.create_index("ix_web_insight_households_gemeente", "web_insight_households", ["gemeente"])
    op.create_table(
        "web_insight_household_parts",
        sa.Column("id", BIGINT, primary_key=True, autoincrement=True),
        sa.Column("household_id", BIGINT, nullable=False),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("standard", sa.String(4), nullable=False),
        sa.Column("aanbieder", sa.String(8), nullable=False),
        sa.Column("public_id", sa.String(32), nullable=False),
    )
    op.create_index("ix_web_insight_household_parts_gemeente", "web_insight_household_parts", ["gemeente"])


def downgrade() -> None:
    op.drop_index("ix_web_insight_household_parts_gemeente", table_name="web_insight_household_parts")
    op.drop_table("web_insight_household_parts")
    op.drop_index("ix_web_insight_households_gemeente", table_name="web_insight_households")
    op.drop_table("web_insight_households")
    op.drop_table("web_insight_area_trend")
    op.drop_index("ix_web_insight_areas_level", table_name="web_insight_areas")
    op.drop_table("web_insight_areas")

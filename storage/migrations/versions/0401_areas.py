"""areas: the population per PC4 area (and its wijk), loaded with `istd areas load`

Revision ID: 0401_areas
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0401_areas"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("areas",)
depends_on: str | Sequence[str] | None = "0001_register"


def upgrade() -> None:
    op.create_table(
        "web_area_population",
        sa.Column("pc4", sa.String(length=4), nullable=False),
        sa.Column("inwoners", sa.Integer(), nullable=False),
        sa.Column("inwoners_0_17", sa.Integer(), nullable=True),
        sa.Column("inwoners_18_64", sa.Integer(), nullable=True),
        sa.Column("inwoners_65_plus", sa.Integer(), nullable=True),
        sa.Column("wijk", sa.String(length=100), nullable=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("pc4", name=op.f("pk_web_area_population")),
    )


def downgrade() -> None:
    op.drop_table("web_area_population")

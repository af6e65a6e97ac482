"""web: the provider register (AGB code -> name), loaded with `istd providers load`

Revision ID: 0104_web_providers
Revises: 0103_web_security
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0104_web_providers"
down_revision: str | Sequence[str] | None = "0103_web_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_providers",
        sa.Column("agb_code", sa.String(length=8), nullable=False),
        sa.Column("naam", sa.String(length=200), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("agb_code", name=op.f("pk_web_providers")),
    )


def downgrade() -> None:
    op.drop_table("web_providers")

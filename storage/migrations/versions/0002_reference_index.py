"""register: index of allocation versions by (aanbieder, referentie_aanbieder)

Revision ID: 0002_reference_index
Revises: 0001_register
Create Date: 2026-12-06

Each batch loads the versions that carry its messages' provider references; without this index that
lookup read every version, so batches slowed down as the register grew.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002_reference_index"
down_revision: str | Sequence[str] | None = "0001_register"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_allocation_versions_reference", "allocation_versions", ["aanbieder", "referentie_aanbieder"]
    )


def downgrade() -> None:
    op.drop_index("ix_allocation_versions_reference", table_name="allocation_versions")

"""claim lines: an index for the usage from what was claimed

Revision ID: 0302_claim_usage_index
Revises: 0301_declarations
Create Date: 2026-12-07

The usage views sum a team's claim lines up to a reference date (storage/insight_queries/claimed.py):
without this index every claim line of every gemeente is read. Leading with gemeente serves the
team's scope, begindatum the reference date; status, debit/credit, unit, volume and amount make it
covering, so the sums are read from the index alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0302_claim_usage_index"
down_revision: str | Sequence[str] | None = "0301_declarations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["gemeente", "begindatum", "standard", "toewijzingnummer", "status", "debet_credit", "eenheid",
           "volume", "bedrag"]


def upgrade() -> None:
    op.create_index("ix_claim_lines_usage", "claim_lines", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_claim_lines_usage", table_name="claim_lines")

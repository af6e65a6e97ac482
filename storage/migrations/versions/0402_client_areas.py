"""client_areas: the PC4 and birth date of each client as each gemeente's latest 301 gives them

Revision ID: 0402_client_areas
Revises: 0401_areas
Create Date: 2026-12-07

Filled here in SQL from the register: per (client, gemeente) the latest 301 that wrote a version of
one of the gemeente's allocations. When the client row was written by a message of that gemeente, the
row's postcode and birth date are that 301's; otherwise the row is `pending` and the wijkanalyse reads
the 301 itself (storage.client_areas.ClientAreaRow) until the gemeente's next 301 replaces it.
No index on the versions for the area queries: they read about a third of the counting versions on
a date, where the planner rightly scans (a covering partial index was measured no faster).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0402_client_areas"
down_revision: str | Sequence[str] | None = "0401_areas"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILL = """
INSERT INTO client_areas (client_id, gemeente, pc4, geboortedatum, message_id, pending)
SELECT client_id, gemeente, CASE WHEN own THEN substr(postcode, 1, 4) END,
       CASE WHEN own THEN geboortedatum END, message_id, NOT own
FROM (SELECT latest.client_id, latest.gemeente, latest.message_id, c.postcode, c.geboortedatum,
             coalesce(w.sender = latest.gemeente OR w.receiver = latest.gemeente, false) AS own
      FROM (SELECT v.client_id, a.gemeente, max(v.message_id) AS message_id
            FROM allocation_versions v JOIN allocations a ON a.id = v.allocation_id
            GROUP BY v.client_id, a.gemeente) AS latest
      JOIN clients c ON c.id = latest.client_id
      LEFT JOIN messages w ON w.id = c.updated_by_message_id) AS placed
"""


def upgrade() -> None:
    op.create_table(
        "client_areas",
        sa.Column("client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("pc4", sa.String(length=4), nullable=True),
        sa.Column("geboortedatum", sa.Date(), nullable=True),
        sa.Column("message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"],
                                name=op.f("fk_client_areas_client_id_clients")),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"],
                                name=op.f("fk_client_areas_message_id_messages")),
        sa.PrimaryKeyConstraint("client_id", "gemeente", name=op.f("pk_client_areas")),
    )
    op.execute(FILL)
    op.create_index("ix_client_areas_pc4", "client_areas", ["pc4", "gemeente"])
    op.create_index("ix_client_areas_pending", "client_areas", ["client_id"],
                    postgresql_where=sa.text("pending IS true"), sqlite_where=sa.text("pending IS 1"))


def downgrade() -> None:
    op.drop_index("ix_client_areas_pending", table_name="client_areas")
    op.drop_index("ix_client_areas_pc4", table_name="client_areas")
    op.drop_table("client_areas")

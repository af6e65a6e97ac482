"""web: indexes of the insight queries (running allocations, delivery state, sampled totals)

Revision ID: 0102_web_insight
Revises: 0101_web
Create Date: 2026-11-25

The same indexes are declared in `storage.web_models.INSIGHT_INDEXES` (a test compares them); the
partial predicates are spelled as SQLAlchemy renders the queries' conditions on each backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0102_web_insight"
down_revision: str | Sequence[str] | None = "0101_web"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTING = {"postgresql": "is_current IS true AND voided IS false AND deleted IS false",
            "sqlite": "is_current IS 1 AND voided IS 0 AND deleted IS 0"}
SAMPLED = "client_id % 64 = 0"
LIVE = "removed_by_message_id IS NULL"


def _where(*extra: str) -> dict[str, Any]:
    return {f"{dialect}_where": sa.text(" AND ".join((counting, *extra)))
            for dialect, counting in COUNTING.items()}


INDEXES: tuple[tuple[str, str, list[Any], dict[str, Any]], ...] = (
    ("ix_insight_running", "allocation_versions", ["ingangsdatum", "allocation_id", "einddatum"], _where()),
    ("ix_insight_running_provider", "allocation_versions", ["aanbieder", "product_categorie", "ingangsdatum"],
     _where()),
    ("ix_insight_running_sample", "allocation_versions", ["ingangsdatum", "einddatum", "client_id",
                                                          "allocation_id"], _where(SAMPLED)),
    ("ix_insight_allocations_number", "allocations", ["toewijzingnummer", "id"], {}),
    ("ix_insight_clients_pc4", "clients", [sa.text("substr(postcode, 1, 4)")], {}),
    ("ix_insight_deliveries_state", "deliveries", ["standard", "gemeente", "toewijzingnummer", "kind",
                                                   "begindatum"],
     {"postgresql_where": sa.text(LIVE), "sqlite_where": sa.text(LIVE)}),
)


def upgrade() -> None:
    for name, table, columns, where in INDEXES:
        op.create_index(name, table, columns, **where)


def downgrade() -> None:
    for name, table, _columns, _where in reversed(INDEXES):
        op.drop_index(name, table_name=table)

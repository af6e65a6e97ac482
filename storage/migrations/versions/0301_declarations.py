"""declarations: judged 323s, their claim lines, and the contract tariffs (TR418)

Revision ID: 0301_declarations
Revises: (none; own branch "declarations", depends on the register)
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0301_declarations"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("declarations",)
depends_on: str | Sequence[str] | None = "0001_register"

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _id() -> sa.Column[int]:
    return sa.Column("id", ID, autoincrement=True, nullable=False)


def _party() -> list[sa.Column[str]]:
    return [
        sa.Column("standard", sa.String(length=8), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("aanbieder", sa.String(length=8), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "declarations",
        _id(),
        sa.Column("message_id", ID, nullable=False),
        *_party(),
        sa.Column("declaratienummer", sa.String(length=12), nullable=False),
        sa.Column("begindatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=False),
        sa.Column("ingediend", sa.BigInteger(), nullable=False),
        sa.Column("toegekend", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assessed", sa.Boolean(), nullable=False),
        sa.Column("codes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_declarations_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declarations")),
        sa.UniqueConstraint("message_id", name=op.f("uq_declarations_message_id")),
    )
    op.create_index("ix_declarations_number", "declarations", ["standard", "aanbieder", "declaratienummer"])
    op.create_index(
        "ix_declarations_period", "declarations", ["standard", "gemeente", "aanbieder", "begindatum"]
    )
    op.create_table(
        "claim_lines",
        _id(),
        sa.Column("declaration_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        *_party(),
        sa.Column("referentienummer", sa.String(length=20), nullable=False),
        sa.Column("vorig_referentienummer", sa.String(length=20), nullable=True),
        sa.Column("toewijzingnummer", sa.BigInteger(), nullable=False),
        sa.Column("allocation_version_id", ID, nullable=True),
        sa.Column("product_categorie", sa.String(length=2), nullable=False),
        sa.Column("product_code", sa.String(length=5), nullable=False),
        sa.Column("begindatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=False),
        sa.Column("volume", sa.BigInteger(), nullable=False),
        sa.Column("eenheid", sa.String(length=2), nullable=False),
        sa.Column("tarief", sa.BigInteger(), nullable=True),
        sa.Column("bedrag", sa.BigInteger(), nullable=False),
        sa.Column("debet_credit", sa.String(length=1), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("codes", sa.JSON(), nullable=False),
        sa.Column("credited_by_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["declaration_id"], ["declarations.id"], name=op.f("fk_claim_lines_declaration_id_declarations")
        ),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_claim_lines_client_id_clients")),
        sa.ForeignKeyConstraint(
            ["allocation_version_id"],
            ["allocation_versions.id"],
            name=op.f("fk_claim_lines_allocation_version_id_allocation_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["credited_by_id"], ["claim_lines.id"], name=op.f("fk_claim_lines_credited_by_id_claim_lines")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_lines")),
    )
    op.create_index(op.f("ix_claim_lines_declaration_id"), "claim_lines", ["declaration_id"])
    op.create_index(op.f("ix_claim_lines_client_id"), "claim_lines", ["client_id"])
    op.create_index("ix_claim_lines_reference", "claim_lines", ["standard", "aanbieder", "referentienummer"])
    op.create_index("ix_claim_lines_allocation", "claim_lines", ["standard", "gemeente", "toewijzingnummer"])
    op.create_table(
        "contracts",
        _id(),
        *_party(),
        sa.Column("product_categorie", sa.String(length=2), nullable=False),
        sa.Column("product_code", sa.String(length=5), nullable=False),
        sa.Column("begindatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("tarief", sa.BigInteger(), nullable=False),
        sa.Column("eenheid", sa.String(length=2), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
    )
    op.create_index(
        "ix_contracts_product",
        "contracts",
        ["standard", "gemeente", "aanbieder", "product_categorie", "product_code"],
    )


def downgrade() -> None:
    op.drop_table("contracts")
    op.drop_table("claim_lines")
    op.drop_table("declarations")

"""register: messages, clients, allocations, deliveries, requests, answers, retours, outbox

Revision ID: 0001_register
Revises: (none)
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_register"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("register",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "allocations",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("standard", sa.String(length=8), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("toewijzingnummer", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocations")),
        sa.UniqueConstraint("standard", "gemeente", "toewijzingnummer", name="uq_allocations_key"),
    )
    op.create_table(
        "messages",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("standard", sa.String(length=8), nullable=True),
        sa.Column("message_name", sa.String(length=8), nullable=True),
        sa.Column("message_number", sa.Integer(), nullable=True),
        sa.Column("sender", sa.String(length=16), nullable=True),
        sa.Column("receiver", sa.String(length=16), nullable=True),
        sa.Column("identificatie", sa.String(length=12), nullable=True),
        sa.Column("dagtekening", sa.Date(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("codes", sa.JSON(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("sha256", name=op.f("uq_messages_sha256")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_messages_identity", ["message_name", "sender", "identificatie"], unique=False
        )

    op.create_table(
        "outbox",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("exchange", sa.String(length=64), nullable=False),
        sa.Column("routing_key", sa.String(length=128), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_message_id")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_published_at"), ["published_at"], unique=False)

    op.create_table(
        "answers",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("standard", sa.String(length=8), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("aanbieder", sa.String(length=8), nullable=False),
        sa.Column("referentie_aanbieder", sa.String(length=36), nullable=False),
        sa.Column("verzoek_antwoord", sa.String(length=1), nullable=False),
        sa.Column("reden_afwijzing", sa.String(length=2), nullable=True),
        sa.Column("message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_answers_message_id_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answers")),
    )
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_answers_reference", ["standard", "aanbieder", "referentie_aanbieder"], unique=False
        )

    op.create_table(
        "clients",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("bsn", sa.String(length=9), nullable=False),
        sa.Column("geslachtsnaam", sa.String(length=200), nullable=True),
        sa.Column("voorvoegsel", sa.String(length=10), nullable=True),
        sa.Column("voornamen", sa.String(length=200), nullable=True),
        sa.Column("voorletters", sa.String(length=6), nullable=True),
        sa.Column("geboortedatum", sa.Date(), nullable=True),
        sa.Column("straatnaam", sa.String(length=24), nullable=True),
        sa.Column("huisnummer", sa.Integer(), nullable=True),
        sa.Column("huisletter", sa.String(length=1), nullable=True),
        sa.Column("huisnummer_toevoeging", sa.String(length=4), nullable=True),
        sa.Column("postcode", sa.String(length=8), nullable=True),
        sa.Column("plaatsnaam", sa.String(length=80), nullable=True),
        sa.Column(
            "updated_by_message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_message_id"], ["messages.id"], name=op.f("fk_clients_updated_by_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
        sa.UniqueConstraint("bsn", name=op.f("uq_clients_bsn")),
        sa.UniqueConstraint("public_id", name=op.f("uq_clients_public_id")),
    )
    op.create_table(
        "retours",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("heen_message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("retour_message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("identificatie_retour", sa.String(length=12), nullable=False),
        sa.Column("header_codes", sa.JSON(), nullable=False),
        sa.Column("class_codes", sa.JSON(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["heen_message_id"], ["messages.id"], name=op.f("fk_retours_heen_message_id_messages")
        ),
        sa.ForeignKeyConstraint(
            ["retour_message_id"], ["messages.id"], name=op.f("fk_retours_retour_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retours")),
        sa.UniqueConstraint("retour_message_id", name=op.f("uq_retours_retour_message_id")),
    )
    with op.batch_alter_table("retours", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retours_heen_message_id"), ["heen_message_id"], unique=False)

    op.create_table(
        "allocation_versions",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("allocation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("aanbieder", sa.String(length=8), nullable=False),
        sa.Column("product_categorie", sa.String(length=2), nullable=True),
        sa.Column("product_code", sa.String(length=5), nullable=True),
        sa.Column("ingangsdatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("toewijzingsdatum", sa.Date(), nullable=False),
        sa.Column("toewijzingstijd", sa.Time(), nullable=False),
        sa.Column("reden_wijziging", sa.String(length=2), nullable=True),
        sa.Column("volume", sa.Integer(), nullable=True),
        sa.Column("eenheid", sa.String(length=2), nullable=True),
        sa.Column("frequentie", sa.String(length=2), nullable=True),
        sa.Column("budget", sa.Integer(), nullable=True),
        sa.Column("referentie_aanbieder", sa.String(length=36), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["allocation_id"],
            ["allocations.id"],
            name=op.f("fk_allocation_versions_allocation_id_allocations"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_allocation_versions_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_allocation_versions_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_versions")),
    )
    with op.batch_alter_table("allocation_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_allocation_versions_allocation_id"), ["allocation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_allocation_versions_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_allocation_versions_message_id"), ["message_id"], unique=False)

    op.create_table(
        "deliveries",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("standard", sa.String(length=8), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("aanbieder", sa.String(length=8), nullable=False),
        sa.Column("client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("toewijzingnummer", sa.BigInteger(), nullable=True),
        sa.Column("product_categorie", sa.String(length=2), nullable=True),
        sa.Column("product_code", sa.String(length=5), nullable=True),
        sa.Column("toewijzing_ingangsdatum", sa.Date(), nullable=True),
        sa.Column("begindatum", sa.Date(), nullable=False),
        sa.Column("reden_beeindiging", sa.String(length=2), nullable=True),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "removed_by_message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_deliveries_client_id_clients")),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_deliveries_message_id_messages")
        ),
        sa.ForeignKeyConstraint(
            ["removed_by_message_id"],
            ["messages.id"],
            name=op.f("fk_deliveries_removed_by_message_id_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deliveries_scope", ["standard", "gemeente", "aanbieder", "client_id"], unique=False
        )
        batch_op.create_index(
            "ix_deliveries_toewijzing", ["standard", "gemeente", "toewijzingnummer"], unique=False
        )

    op.create_table(
        "requests",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("standard", sa.String(length=8), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("aanbieder", sa.String(length=8), nullable=False),
        sa.Column("client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=3), nullable=False),
        sa.Column("referentie_aanbieder", sa.String(length=36), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "honoured_by_message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_requests_client_id_clients")),
        sa.ForeignKeyConstraint(
            ["honoured_by_message_id"],
            ["messages.id"],
            name=op.f("fk_requests_honoured_by_message_id_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_requests_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
    )
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_requests_client_id"), ["client_id"], unique=False)
        batch_op.create_index(
            "ix_requests_reference", ["standard", "aanbieder", "referentie_aanbieder"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_reference")
        batch_op.drop_index(batch_op.f("ix_requests_client_id"))

    op.drop_table("requests")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_toewijzing")
        batch_op.drop_index("ix_deliveries_scope")

    op.drop_table("deliveries")
    with op.batch_alter_table("allocation_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocation_versions_message_id"))
        batch_op.drop_index(batch_op.f("ix_allocation_versions_client_id"))
        batch_op.drop_index(batch_op.f("ix_allocation_versions_allocation_id"))

    op.drop_table("allocation_versions")
    with op.batch_alter_table("retours", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retours_heen_message_id"))

    op.drop_table("retours")
    op.drop_table("clients")
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index("ix_answers_reference")

    op.drop_table("answers")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_published_at"))

    op.drop_table("outbox")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_identity")

    op.drop_table("messages")
    op.drop_table("allocations")

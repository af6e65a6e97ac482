"""The register: messages, clients, allocations + versions, deliveries, requests, answers, retours, outbox.

Personal data (BSN, name, address) lives only in `clients`; every other table refers to a client by id,
so logs and error reports can name rows without naming people. `public_id` is the client's id in URLs.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT on PostgreSQL, INTEGER on SQLite (only INTEGER PRIMARY KEY is SQLite's rowid alias).
Id = BigInteger().with_variant(Integer(), "sqlite")


def new_public_id() -> str:
    """An opaque, unguessable id for URLs (never the BSN)."""
    return secrets.token_urlsafe(16)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class MessageRow(Base):
    """Every message we received or sent, raw bytes kept; `sha256` is the idempotency key.

    direction: `in` (received from a provider or the back office) or `out` (retours we built).
    status: the processing outcome (accepted, rejected, invalid, recorded, paired, unmatched, sent).
    answer: for heen messages, the verdict of the retour paired with it (accepted | rejected), if any.
    """

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    standard: Mapped[str | None] = mapped_column(String(8))
    message_name: Mapped[str | None] = mapped_column(String(8))
    message_number: Mapped[int | None] = mapped_column(Integer)
    sender: Mapped[str | None] = mapped_column(String(16))
    receiver: Mapped[str | None] = mapped_column(String(16))
    identificatie: Mapped[str | None] = mapped_column(String(12))
    dagtekening: Mapped[date | None] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    direction: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))
    codes: Mapped[list[Any]] = mapped_column(default=list)
    findings: Mapped[list[Any]] = mapped_column(default=list)
    answer: Mapped[str | None] = mapped_column(String(16))
    # Set by `istd purge` (storage/retention.py): raw is then empty and findings carry no text.
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_messages_identity", "message_name", "sender", "identificatie"),)


class ClientRow(Base):
    """A client (one BSN), with the contact data of the latest 301 that described them."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    bsn: Mapped[str] = mapped_column(String(9), unique=True)
    geslachtsnaam: Mapped[str | None] = mapped_column(String(200))
    voorvoegsel: Mapped[str | None] = mapped_column(String(10))
    voornamen: Mapped[str | None] = mapped_column(String(200))
    voorletters: Mapped[str | None] = mapped_column(String(6))
    geboortedatum: Mapped[date | None] = mapped_column(Date)
    straatnaam: Mapped[str | None] = mapped_column(String(24))
    huisnummer: Mapped[int | None] = mapped_column(Integer)
    huisletter: Mapped[str | None] = mapped_column(String(1))
    huisnummer_toevoeging: Mapped[str | None] = mapped_column(String(4))
    postcode: Mapped[str | None] = mapped_column(String(8))
    plaatsnaam: Mapped[str | None] = mapped_column(String(80))
    updated_by_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))


class AllocationRow(Base):
    """A toewijzing, keyed by (standard, gemeente, toewijzingnummer); its content lives in versions."""

    __tablename__ = "allocations"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    standard: Mapped[str] = mapped_column(String(8))
    gemeente: Mapped[str] = mapped_column(String(4))
    toewijzingnummer: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        UniqueConstraint("standard", "gemeente", "toewijzingnummer", name="uq_allocations_key"),
    )


class AllocationVersionRow(Base):
    """One version of a toewijzing as a 301 carried it.

    `is_current` marks the counting version with the latest (toewijzingsdatum, toewijzingstijd) (IV013);
    `voided` marks versions of a 301 the provider rejected with its 302 (that 301 counts as never sent).
    """

    __tablename__ = "allocation_versions"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocations.id"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    aanbieder: Mapped[str] = mapped_column(String(8))
    product_categorie: Mapped[str | None] = mapped_column(String(2))
    product_code: Mapped[str | None] = mapped_column(String(5))
    ingangsdatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date)
    toewijzingsdatum: Mapped[date] = mapped_column(Date)
    toewijzingstijd: Mapped[time] = mapped_column(Time)
    reden_wijziging: Mapped[str | None] = mapped_column(String(2))
    volume: Mapped[int | None] = mapped_column(Integer)
    eenheid: Mapped[str | None] = mapped_column(String(2))
    frequentie: Mapped[str | None] = mapped_column(String(2))
    budget: Mapped[int | None] = mapped_column(Integer)
    referentie_aanbieder: Mapped[str | None] = mapped_column(String(36))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)

    # Every batch loads the versions carrying its messages' references (storage.batch.load) and
    # the one-message path asks whether a reference is honoured: without it, a scan of all versions.
    __table_args__ = (Index("ix_allocation_versions_reference", "aanbieder", "referentie_aanbieder"),)


class DeliveryRow(Base):
    """A start (305) or stop (307) record by its logical key; StatusAanlevering 3 marks it removed."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    standard: Mapped[str] = mapped_column(String(8))
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    kind: Mapped[str] = mapped_column(String(5))  # start | stop
    toewijzingnummer: Mapped[int | None] = mapped_column(BigInteger)
    product_categorie: Mapped[str | None] = mapped_column(String(2))
    product_code: Mapped[str | None] = mapped_column(String(5))
    toewijzing_ingangsdatum: Mapped[date | None] = mapped_column(Date)
    begindatum: Mapped[date] = mapped_column(Date)
    reden_beeindiging: Mapped[str | None] = mapped_column(String(2))
    einddatum: Mapped[date | None] = mapped_column(Date)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    removed_by_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))

    __table_args__ = (
        Index("ix_deliveries_scope", "standard", "gemeente", "aanbieder", "client_id"),
        Index("ix_deliveries_toewijzing", "standard", "gemeente", "toewijzingnummer"),
    )


class RequestRow(Base):
    """A VOT product (315, one row per AangevraagdProduct) or a VOW (317), with its state.

    state: pending | under_investigation | honoured | rejected. `details` holds the requested
    product data (no personal data).
    """

    __tablename__ = "requests"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    standard: Mapped[str] = mapped_column(String(8))
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    kind: Mapped[str] = mapped_column(String(3))  # vot | vow
    referentie_aanbieder: Mapped[str] = mapped_column(String(36))
    state: Mapped[str] = mapped_column(String(24))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    honoured_by_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))

    __table_args__ = (Index("ix_requests_reference", "standard", "aanbieder", "referentie_aanbieder"),)


class AnswerRow(Base):
    """An antwoordbericht (319) the municipality sent; `voided` when the provider's 320 rejected it."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    standard: Mapped[str] = mapped_column(String(8))
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    referentie_aanbieder: Mapped[str] = mapped_column(String(36))
    verzoek_antwoord: Mapped[str] = mapped_column(String(1))
    reden_afwijzing: Mapped[str | None] = mapped_column(String(2))
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    voided: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_answers_reference", "standard", "aanbieder", "referentie_aanbieder"),)


class RetourRow(Base):
    """A retour sent (built by us) or received (from a provider), paired with its heen message.

    heen_message_id is null for a received retour that matched nothing (kept and reported).
    class_codes maps the xpath of each returned class to its codes.
    """

    __tablename__ = "retours"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    direction: Mapped[str] = mapped_column(String(8))  # sent | received
    heen_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    retour_message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), unique=True)
    identificatie_retour: Mapped[str] = mapped_column(String(12))
    header_codes: Mapped[list[Any]] = mapped_column(default=list)
    class_codes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    accepted: Mapped[bool] = mapped_column(Boolean)


class OutboxRow(Base):
    """A message to publish, written in the same transaction as its cause; `published_at` set by the relay."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    exchange: Mapped[str] = mapped_column(String(64))
    routing_key: Mapped[str] = mapped_column(String(128))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class DeclarationRow(Base):
    """A judged 323: its totals in euro cents (credit negative) and status accepted | partial | rejected.

    `assessed` is False when the declaration was rejected as a whole (TR333, TR318): then its lines are
    `not_assessed`, and neither its number, its period nor its references count for later declarations.
    """

    __tablename__ = "declarations"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), unique=True)
    standard: Mapped[str] = mapped_column(String(8))
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    declaratienummer: Mapped[str] = mapped_column(String(12))
    begindatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date] = mapped_column(Date)
    ingediend: Mapped[int] = mapped_column(BigInteger)
    toegekend: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    assessed: Mapped[bool] = mapped_column(Boolean)
    codes: Mapped[list[Any]] = mapped_column(default=list)

    __table_args__ = (
        Index("ix_declarations_number", "standard", "aanbieder", "declaratienummer"),
        Index("ix_declarations_period", "standard", "gemeente", "aanbieder", "begindatum"),
    )


class ClaimLineRow(Base):
    """A Prestatie of a 323 and its verdict: awarded | rejected (codes) | credited | not_assessed.

    `allocation_version_id` is the version of the allocation it was judged against; a credit names the
    debit it credits in `vorig_referentienummer`, and an awarded credit sets the debit's `credited_by_id`.
    """

    __tablename__ = "claim_lines"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    standard: Mapped[str] = mapped_column(String(8))
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    referentienummer: Mapped[str] = mapped_column(String(20))
    vorig_referentienummer: Mapped[str | None] = mapped_column(String(20))
    toewijzingnummer: Mapped[int] = mapped_column(BigInteger)
    allocation_version_id: Mapped[int | None] = mapped_column(ForeignKey("allocation_versions.id"))
    product_categorie: Mapped[str] = mapped_column(String(2))
    product_code: Mapped[str] = mapped_column(String(5))
    begindatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date] = mapped_column(Date)
    volume: Mapped[int] = mapped_column(BigInteger)
    eenheid: Mapped[str] = mapped_column(String(2))
    tarief: Mapped[int | None] = mapped_column(BigInteger)
    bedrag: Mapped[int] = mapped_column(BigInteger)
    debet_credit: Mapped[str] = mapped_column(String(1))
    status: Mapped[str] = mapped_column(String(16))
    codes: Mapped[list[Any]] = mapped_column(default=list)
    credited_by_id: Mapped[int | None] = mapped_column(ForeignKey("claim_lines.id"))

    __table_args__ = (
        Index("ix_claim_lines_reference", "standard", "aanbieder", "referentienummer"),
        Index("ix_claim_lines_allocation", "standard", "gemeente", "toewijzingnummer"),
        # The usage from what was claimed (storage.insight_queries.claimed): covering, by scope and date.
        Index("ix_claim_lines_usage", "gemeente", "begindatum", "standard", "toewijzingnummer", "status",
              "debet_credit", "eenheid", "volume", "bedrag"),
    )


class ContractRow(Base):
    """An agreed tariff (euro cents per unit) and unit per gemeente, aanbieder, product and period (TR418)."""

    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    standard: Mapped[str] = mapped_column(String(8))
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    product_categorie: Mapped[str] = mapped_column(String(2))
    product_code: Mapped[str] = mapped_column(String(5))
    begindatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date)
    tarief: Mapped[int] = mapped_column(BigInteger)
    eenheid: Mapped[str] = mapped_column(String(2))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_contracts_product", "standard", "gemeente", "aanbieder", "product_categorie",
              "product_code"),
    )

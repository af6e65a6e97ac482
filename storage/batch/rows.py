"""The in-memory rows of a batch snapshot: stored rows as loaded, new rows as the batch creates them.

A row's `order` is its id when stored, and `NEW + creation number` when new: sorting by it gives the
order the database will give, because new rows are inserted in creation order after every stored one.
`id` stays None for new rows until the batch is written; `dirty` marks stored rows to update.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

NEW = 1 << 62  # order of new rows: after any stored id


@dataclass(slots=True, eq=False)
class ClientRec:
    bsn: str
    id: int | None = None
    public_id: str | None = None  # set for new clients only
    values: dict[str, Any] = field(default_factory=dict)  # columns to insert or update
    dirty: bool = False


@dataclass(slots=True, eq=False)
class AllocRec:
    standard: str
    gemeente: str
    toewijzingnummer: int
    id: int | None = None
    versions: list[VersionRec] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class VersionRec:
    order: int
    alloc: AllocRec
    client: ClientRec
    message_id: int
    aanbieder: str
    ingangsdatum: date
    toewijzingsdatum: date
    toewijzingstijd: time
    product_categorie: str | None = None
    product_code: str | None = None
    einddatum: date | None = None
    reden_wijziging: str | None = None
    volume: int | None = None
    eenheid: str | None = None
    frequentie: str | None = None
    budget: int | None = None
    referentie_aanbieder: str | None = None
    deleted: bool = False
    voided: bool = False
    is_current: bool = False
    stored: bool = False
    dirty: bool = False


@dataclass(slots=True, eq=False)
class DeliveryRec:
    order: int
    standard: str
    gemeente: str
    aanbieder: str
    client: ClientRec
    kind: str
    toewijzingnummer: int | None
    product_categorie: str | None
    product_code: str | None
    begindatum: date
    reden_beeindiging: str | None
    einddatum: date | None
    message_id: int
    toewijzing_ingangsdatum: date | None = None
    removed_by_message_id: int | None = None
    stored: bool = False
    dirty: bool = False


@dataclass(slots=True, eq=False)
class RequestRec:
    order: int
    standard: str
    gemeente: str
    aanbieder: str
    client: ClientRec
    kind: str
    referentie_aanbieder: str
    state: str
    message_id: int
    details: dict[str, Any] = field(default_factory=dict)
    honoured_by_message_id: int | None = None
    stored: bool = False
    dirty: bool = False


@dataclass(slots=True, eq=False)
class AnswerRec:
    order: int
    standard: str
    gemeente: str
    aanbieder: str
    referentie_aanbieder: str
    verzoek_antwoord: str
    message_id: int
    reden_afwijzing: str | None = None
    voided: bool = False
    stored: bool = False


@dataclass(slots=True, eq=False)
class IdentityRec:
    """Enough of a message for TR056 (identificatie_used)."""

    standard: str | None
    direction: str
    status: str


@dataclass(slots=True, eq=False)
class NewMessage:
    """A message row the batch will insert; satisfies storage.writers.StoredMessage."""

    id: int
    sha256: str
    raw: bytes
    standard: str | None
    message_name: str | None
    message_number: int | None
    sender: str | None
    receiver: str | None
    identificatie: str | None
    dagtekening: date | None
    received_at: datetime
    direction: str
    status: str
    codes: list[Any]
    findings: list[Any]

    def row(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sha256": self.sha256,
            "raw": self.raw,
            "standard": self.standard,
            "message_name": self.message_name,
            "message_number": self.message_number,
            "sender": self.sender,
            "receiver": self.receiver,
            "identificatie": self.identificatie,
            "dagtekening": self.dagtekening,
            "received_at": self.received_at,
            "direction": self.direction,
            "status": self.status,
            "codes": self.codes,
            "findings": self.findings,
            "answer": None,
        }


@dataclass(frozen=True, slots=True)
class KnownMessage:
    """A stored message found by its sha256 (a duplicate); satisfies storage.writers.StoredMessage."""

    id: int
    sha256: str
    standard: str | None
    message_name: str | None
    sender: str | None
    receiver: str | None
    identificatie: str | None
    codes: list[Any]

"""What processing one message yields (`Processed`), and the facts of a message the register keeps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from gateway.codec import ParsedDocument
from handlers.findings import Finding
from handlers.messages import DeclaratieAntwoordHeader, Message, RetourHeader
from storage import messages as store


@dataclass(frozen=True, slots=True)
class Processed:
    """The result of one message: the CLI prints it, the worker logs and counts it."""

    message: str | None  # message name, e.g. WMO305; None when the bytes are no usable message
    identificatie: str | None
    outcome: str
    codes: tuple[str, ...]
    retour: bytes | None
    findings: tuple[Finding, ...]
    standard: str | None
    sha256: str
    message_id: int | None = None

    @property
    def message_name(self) -> str | None:
        return self.message


def facts_of(doc: ParsedDocument | None, msg: Message | None) -> store.MessageFacts:
    if doc is None:
        return store.MessageFacts()
    mt = doc.message_type
    if msg is None:
        return store.MessageFacts(mt.standard, mt.name, mt.number)
    header = msg.header
    heen = header.heen if isinstance(header, RetourHeader | DeclaratieAntwoordHeader) else header
    ident = header.identificatie_retour if isinstance(header, RetourHeader) else heen.identificatie
    return store.MessageFacts(
        mt.standard, mt.name, mt.number, heen.afzender, heen.ontvanger, ident, heen.dagtekening
    )


def rejection_codes(findings: tuple[Finding, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f.retourcode or f.code for f in findings))


@dataclass(frozen=True, slots=True)
class Input:
    """One message being processed: bytes, hash, times, and what the codec made of it."""

    raw: bytes
    sha256: str
    received_at: datetime
    today: date
    doc: ParsedDocument | None = None
    msg: Message | None = None

    @property
    def facts(self) -> store.MessageFacts:
        return facts_of(self.doc, self.msg)
